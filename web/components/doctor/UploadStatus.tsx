"use client";
/**
 * The visible state of a {@link ReportUpload} besides its toast: its steps, the retry note and,
 * after success, what follows from it — `followUp` (the report id, the verification link) and the
 * report serial with the issued file to download (the one to give the patient). Whether it was
 * registered or why not is the toast's to say (web/lib/txToast.tsx), not repeated here.
 */
import { useCallback, type ReactNode } from "react";
import type { SubmitResult } from "#core/reports/upload.ts";
import { Notice } from "../ErrorBox.tsx";
import { StepList } from "../Progress.tsx";
import type { IssuedDownload, ReportUpload } from "./useReportUpload.ts";

export const UPLOAD_STEPS = [
  { id: "checking", label: "Checking the file type, the patient and keys" },
  { id: "hashing", label: "Adding the report serial, computing SHA-1 and SHA-256" },
  { id: "encrypting", label: "Encrypting in the browser" },
  { id: "uploading", label: "Storing the ciphertext on IPFS" },
  { id: "signing", label: "Signing the registration" },
  { id: "confirming", label: "Waiting for the chain" },
] as const;

export function UploadStatus({ upload, followUp }: { upload: ReportUpload; followUp: (done: SubmitResult) => ReactNode }) {
  const { step, pending, prepared, error, result, issued } = upload;
  return (
    <>
      {step ? <StepList steps={UPLOAD_STEPS} current={step} /> : null}
      {prepared && !pending && error ? (
        <Notice kind="info">The encrypted file is already stored; retrying only records it on the ledger (the file is not sent again).</Notice>
      ) : null}
      {result ? (
        <div className="upload-done" data-testid="upload-done">
          {followUp(result)}
        </div>
      ) : null}
      {result && issued ? <IssuedFile issued={issued} /> : null}
    </>
  );
}

function IssuedFile({ issued }: { issued: IssuedDownload }) {
  const download = useCallback(() => {
    const url = URL.createObjectURL(new Blob([issued.bytes.slice()]));
    const link = document.createElement("a");
    link.href = url;
    link.download = issued.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }, [issued]);
  return (
    <div className="card" data-testid="issued-file">
      <p>
        Report serial{" "}
        <strong className="mono" data-testid="issued-serial">
          {issued.serial}
        </strong>
      </p>
      <p className="small">
        The issued file carries this serial and is the one registered: give it to the patient or print it. The file you chose no longer verifies.
      </p>
      <button type="button" className="btn" onClick={download} data-testid="download-issued">
        Download the issued file
      </button>
    </div>
  );
}
