"use client";
/**
 * Amend a report: the corrected file is uploaded for the same patient as a new report that
 * supersedes the old one (same steps and retry as a new upload). The old report stays on the
 * ledger, marked superseded.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { MedLedgerError } from "#core/errors.ts";
import { formatBytes } from "#core/reports/limits.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { AddressText } from "../AddressText.tsx";
import { VerifyLink } from "../verify/VerifyLink.tsx";
import { UploadStatus } from "./UploadStatus.tsx";
import { useReportUpload, type UploadRequest } from "./useReportUpload.ts";

export function AmendForm({ report, patientName, onClose }: { report: ReportRecord; patientName: string; onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const upload = useReportUpload();
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => fileInput.current?.focus(), []); // brings the form into view
  const request: UploadRequest | null = file ? { file, patient: report.patient, supersedes: report.reportId } : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!request) {
      upload.fail(new MedLedgerError("INVALID_INPUT", "No corrected file is chosen.", "Choose the corrected report file (PDF or image)."));
      return;
    }
    await upload.run(request);
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="amend-title" data-amending={report.reportId}>
      <h3 id="amend-title">Amend a report</h3>
      <p className="small">
        Amending report <AddressText value={report.reportId} label="report id" /> of {patientName} ({new Date(report.registeredAt * 1000).toLocaleString()}).
        The corrected file is registered as a new report that supersedes it; the original stays on the ledger, marked superseded.
      </p>
      <div className="field">
        <label htmlFor="amend-file">Corrected file (PDF or image)</label>
        <input id="amend-file" ref={fileInput} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} disabled={upload.result !== undefined} />
        {file ? (
          <span className="help">
            {file.name} · {formatBytes(file.size)}
          </span>
        ) : null}
      </div>
      <div className="row">
        {upload.result ? null : (
          <button type="submit" className="btn btn-primary" disabled={upload.pending}>
            {upload.isPreparedFor(request) && !upload.pending ? "Retry registration" : "Encrypt, store and register the amendment"}
          </button>
        )}
        <button type="button" className="btn" disabled={upload.pending} onClick={onClose}>
          {upload.result ? "Close" : "Cancel"}
        </button>
      </div>
      <UploadStatus
        upload={upload}
        errorTitle="The amendment was not registered"
        success={(done) => (
          <>
            Amendment registered: <AddressText value={done.reportId} copy label="new report id" /> supersedes{" "}
            <AddressText value={report.reportId} label="amended report id" />.
            <VerifyLink sha256={done.record.sha256} sha1={done.record.sha1} />
          </>
        )}
      />
    </form>
  );
}
