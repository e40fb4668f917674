"use client";
/** The visible state of a {@link ReportUpload}: its steps, the retry note, the error and the result. */
import type { ReactNode } from "react";
import type { SubmitResult } from "#core/reports/upload.ts";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { StepList } from "../Progress.tsx";
import type { ReportUpload } from "./useReportUpload.ts";

export const UPLOAD_STEPS = [
  { id: "checking", label: "Checking the patient and keys" },
  { id: "hashing", label: "Computing SHA-1 and SHA-256" },
  { id: "encrypting", label: "Encrypting in the browser" },
  { id: "uploading", label: "Storing the ciphertext on IPFS" },
  { id: "signing", label: "Signing the registration" },
  { id: "confirming", label: "Waiting for the chain" },
] as const;

export function UploadStatus({ upload, errorTitle, success }: { upload: ReportUpload; errorTitle: string; success: (done: SubmitResult) => ReactNode }) {
  const { step, pending, prepared, error, result } = upload;
  return (
    <>
      {step ? <StepList steps={UPLOAD_STEPS} current={step} /> : null}
      {prepared && !pending && error ? <Notice kind="info">The encrypted file is already on IPFS ({prepared.cid}); retrying only sends the registration.</Notice> : null}
      <ErrorBox error={error} title={errorTitle} />
      {result ? <Notice kind="success">{success(result)}</Notice> : null}
    </>
  );
}
