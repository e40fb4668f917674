"use client";
/**
 * Amend a report, opened at the report it amends: the corrected file is uploaded for the same
 * patient as a new report that supersedes the old one (same steps and retry as a new upload), with
 * the reason for the correction (shown to the patient with the new report) and the details of the
 * original as a start. The old report stays on the ledger, marked superseded. The registration's
 * outcome is announced by its toast; the form then shows the new report id and its verification link.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { MedLedgerError } from "#core/errors.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { formatBytes } from "#core/reports/limits.ts";
import { NOTE_MAX, REPORT_KINDS, TITLE_MAX, type ReportKind } from "#core/reports/kinds.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { useReportSummary } from "#web/lib/useReportSummary.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { SelectField, TextArea, TextField } from "../Field.tsx";
import { VerifyLink } from "../verify/VerifyLink.tsx";
import { UploadStatus } from "./UploadStatus.tsx";
import { useReportUpload, type UploadRequest } from "./useReportUpload.ts";

const REASON_MAX = NOTE_MAX - 40;

export function AmendForm({
  report,
  patientName,
  identity,
  onClose,
}: {
  report: ReportRecord;
  patientName: string;
  identity: EncryptionIdentity;
  onClose: () => void;
}) {
  const original = useReportSummary(report, identity).data ?? null;
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState<string | null>(null);
  const [kind, setKind] = useState<ReportKind | null>(null);
  const [reason, setReason] = useState("");
  const upload = useReportUpload({
    pending: () => `Registering the amendment of ${original ? `“${original.title}”` : "the report"} for ${patientName}…`,
    success: () => `Amendment registered for ${patientName}: it supersedes ${original ? `“${original.title}”` : "the earlier report"}.`,
    failure: "The amendment was not registered",
  });
  /** A problem of the form itself (no file, no reason), found before anything is sent. */
  const [formError, setFormError] = useState<unknown>(null);
  const [lastRequest, setLastRequest] = useState<UploadRequest | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => fileInput.current?.focus(), []); // brings the form into view

  const shownTitle = title ?? original?.title ?? "";
  const shownKind = kind ?? original?.kind ?? "other";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    if (!file) {
      setFormError(new MedLedgerError("INVALID_INPUT", "No corrected file is chosen.", "Choose the corrected report file (PDF, PNG or JPEG)."));
      return;
    }
    if (!reason.trim()) {
      setFormError(new MedLedgerError("INVALID_INPUT", "Say what was corrected.", "The patient sees the reason with the corrected report."));
      return;
    }
    let metadata;
    try {
      const { parseReportMetadata } = await import("#core/reports/metadata.ts"); // the details' schema, on submit
      metadata = parseReportMetadata({
        title: shownTitle.trim() || file.name.replace(/\.[^.]+$/, ""),
        kind: shownKind,
        dateOfService: original?.dateOfService ?? new Date().toISOString().slice(0, 10),
        note: `Corrects an earlier report: ${reason.trim()}`,
      });
    } catch (error) {
      setFormError(error);
      return;
    }
    const request: UploadRequest = { file, patient: report.patient, supersedes: report.reportId, metadata };
    setLastRequest(request);
    await upload.run(request);
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby={`amend-title-${report.reportId}`} data-amending={report.reportId}>
      <h3 id={`amend-title-${report.reportId}`}>Amend {original ? `“${original.title}”` : "this report"}</h3>
      <p className="small">
        Amending report <AddressText value={report.reportId} label="report id" /> of {patientName} ({new Date(report.registeredAt * 1000).toLocaleString()}).
        The corrected file is registered as a new report that supersedes it; the original stays on the ledger, marked superseded.
      </p>
      <div className="field">
        <label htmlFor={`amend-file-${report.reportId}`}>Corrected file (PDF, PNG or JPEG)</label>
        <input
          id={`amend-file-${report.reportId}`}
          ref={fileInput}
          type="file"
          accept="application/pdf,image/png,image/jpeg"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          disabled={upload.result !== undefined}
        />
        {file ? (
          <span className="help">
            {file.name} · {formatBytes(file.size)}
          </span>
        ) : null}
      </div>
      <TextArea
        label="Reason for the amendment"
        rows={2}
        maxLength={REASON_MAX}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        help="What was corrected, in words the patient understands, e.g. “the potassium value was mistyped”."
      />
      <TextField label="Title" value={shownTitle} maxLength={TITLE_MAX} onChange={(e) => setTitle(e.target.value)} />
      <SelectField label="Kind of report" value={shownKind} onChange={(e) => setKind(e.target.value as ReportKind)}>
        {REPORT_KINDS.map((k) => (
          <option key={k.id} value={k.id}>
            {k.label}
          </option>
        ))}
      </SelectField>
      <div className="row">
        {upload.result ? null : (
          <button type="submit" className="btn btn-primary" disabled={upload.pending}>
            {upload.isPreparedFor(lastRequest) && lastRequest?.file === file && !upload.pending
              ? "Retry registration"
              : "Encrypt, store and register the amendment"}
          </button>
        )}
        <button type="button" className="btn" disabled={upload.pending} onClick={onClose}>
          {upload.result ? "Close" : "Cancel"}
        </button>
      </div>
      <ErrorBox error={formError} title="The amendment cannot be registered yet" />
      <UploadStatus
        upload={upload}
        followUp={(done) => (
          <>
            <p className="small">
              New report id <AddressText value={done.reportId} copy label="new report id" />, superseding{" "}
              <AddressText value={report.reportId} label="amended report id" />
            </p>
            <VerifyLink sha256={done.record.sha256} sha1={done.record.sha1} />
          </>
        )}
      />
    </form>
  );
}
