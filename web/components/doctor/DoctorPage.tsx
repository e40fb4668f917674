"use client";
/**
 * The doctor's page: their patients with the profiles decrypted in the browser, uploading a report
 * for one of them (hash → encrypt → store on IPFS → register, with progress; a failed or rejected
 * registration is retried without re-uploading), the reports they issued (with "Amend": a
 * corrected file that supersedes the report) and those patients shared with them.
 */
import dynamic from "next/dynamic";
import { AccessGate } from "../AccessGate.tsx";
import { Spinner } from "../Progress.tsx";
import { UnlockKey } from "../UnlockKey.tsx";

// The patients, upload form and report lists appear once the key is unlocked: their code (and the
// crypto and schemas it loads) is fetched then, not with the page.
const DoctorWork = dynamic(() => import("./DoctorWork.tsx").then((module) => module.DoctorWork), {
  loading: () => <Spinner label="Opening your patients and reports…" />,
});

export function DoctorPage() {
  return (
    <AccessGate roles={["doctor"]} purpose="use the doctor page">
      {(address) => (
        <UnlockKey
          address={address}
          publish
          signIn
          why="Reports are encrypted for your key, and patients' reports can only be wrapped for you once it is published."
        >
          {(identity) => <DoctorWork address={address} identity={identity} />}
        </UnlockKey>
      )}
    </AccessGate>
  );
}
