"use client";
/**
 * "Export my records (FHIR)": the patient's profile and every report, decrypted and checked in
 * this browser, saved as one FHIR R4 Bundle (core/export/exportRecords.ts) through a download —
 * nothing decrypted is sent anywhere. The export code is loaded on the click, not with the page.
 */
import { useState } from "react";
import type { Address } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ExportStep } from "#core/export/exportRecords.ts";
import { useContentStore } from "#web/lib/contentStore.ts";
import { downloadBytes } from "#web/lib/files.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useLogReportOpened } from "#web/lib/openings.ts";
import { useAction } from "#web/lib/useAction.ts";
import { ActionButton } from "../ActionButton.tsx";
import { Notice } from "../ErrorBox.tsx";
import { StepList } from "../Progress.tsx";

type Shown = Exclude<ExportStep, "done">;

const STEP_LABELS: Readonly<Record<Shown, string>> = {
  checking: "Checking your account",
  profile: "Opening your profile",
  listing: "Finding your reports on the chain",
  reading: "Decrypting your reports and checking each against the chain",
  building: "Putting them together as a FHIR file",
};

const PENDING_LABELS: Readonly<Record<Shown, string>> = {
  checking: "Checking your account…",
  profile: "Opening your profile…",
  listing: "Finding your reports…",
  reading: "Decrypting your reports…",
  building: "Preparing the file…",
};

export function ExportRecords({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const reader = useLedgerReader();
  const store = useContentStore();
  const logOpened = useLogReportOpened();
  const [count, setCount] = useState<{ done: number; total: number } | null>(null);
  const exporting = useAction(async (progress: (step: Shown) => void) => {
    setCount(null);
    const { exportRecords, bundleJson, exportFileName } = await import("#core/export/exportRecords.ts");
    const result = await exportRecords(reader, store, identity, address, {
      verificationOrigin: window.location.origin,
      onProgress: ({ step, done, total }) => {
        if (step === "done") return;
        progress(step);
        if (step === "reading" && total !== undefined) setCount({ done: done ?? 0, total });
      },
      onOpened: (reportId) => logOpened(reportId, identity),
    });
    const fileName = exportFileName(new Date());
    downloadBytes(new TextEncoder().encode(bundleJson(result.bundle)), fileName, "application/fhir+json");
    return { fileName, reports: result.reports };
  });
  const step = exporting.step;
  const steps = (Object.keys(STEP_LABELS) as Shown[]).map((id) => ({
    id,
    label: id === "reading" && count && step === "reading" ? `${STEP_LABELS.reading} (${count.done} of ${count.total})` : STEP_LABELS[id],
  }));
  const done = exporting.result;
  return (
    <section className="card" aria-labelledby="export-title" data-testid="export-records">
      <h2 id="export-title">Export my records</h2>
      <p>
        Save your profile and all your reports as one file in FHIR, the format other hospitals&apos; systems read. Each report comes with its proof of
        registration and its verification link. The file is made on this device: nothing is sent anywhere, and the file holds your reports unencrypted, so keep
        it safe.
      </p>
      <ActionButton action={exporting} pendingLabel={step ? PENDING_LABELS[step] : "Starting…"} errorTitle="Your records were not exported" className="btn">
        Export my records (FHIR)
      </ActionButton>
      {step ? <StepList steps={steps} current={step} /> : null}
      {done && !exporting.pending ? (
        <Notice kind="success">
          <span data-testid="export-done">
            Saved {done.fileName}: {done.reports} report{done.reports === 1 ? "" : "s"}. Keep the file safe: it is not encrypted.
          </span>
        </Notice>
      ) : null}
    </section>
  );
}
