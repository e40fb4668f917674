"use client";
/**
 * The receptionist's page entry: the role gate and the key unlock. What follows the unlock
 * (ReceptionPage.tsx: registering patients, the patient list, and the profile crypto and schemas
 * they load) is fetched then, not with the page.
 */
import dynamic from "next/dynamic";
import { AccessGate } from "../AccessGate.tsx";
import { Spinner } from "../Progress.tsx";
import { UnlockKey } from "../UnlockKey.tsx";

const ReceptionWork = dynamic(() => import("./ReceptionPage.tsx").then((module) => module.ReceptionWork), {
  loading: () => <Spinner label="Opening the reception…" />,
});

export function ReceptionPage() {
  return (
    <AccessGate roles={["receptionist"]} purpose="use the receptionist page">
      {(address) => (
        <UnlockKey
          address={address}
          publish
          why="Patient profiles are encrypted for the reception: your key opens them, and new profiles are sealed for it once it is published."
        >
          {(identity) => <ReceptionWork identity={identity} />}
        </UnlockKey>
      )}
    </AccessGate>
  );
}
