"use client";
/**
 * Upload a report for a patient, in two steps, because a registration is for ever:
 *  1. the form: the patient (one of the doctor's, or an account address), the file (PDF, PNG or
 *     JPEG, checked by its content), its title, kind, date of service and an optional note;
 *  2. the review: the file drawn in the page with what will be registered and for whom, then
 *     Confirm (or Back to change something).
 * Then hash → encrypt → store on IPFS → register, with progress; a failed registration is retried
 * without re-uploading. The registration's outcome is announced by its toast (pending → confirmed /
 * failed); after success the form starts empty (no patient left selected) and shows what follows:
 * the report id, the verification link, the issued file.
 */
import { useState, type FormEvent } from "react";
import { MedLedgerError } from "#core/errors.ts";
import { requireReportType } from "#core/documents/types.ts";
import { formatBytes } from "#core/reports/limits.ts";
import { kindOf, NOTE_MAX, REPORT_KINDS, TITLE_MAX, type ReportMetadata } from "#core/reports/kinds.ts";
import { readFileBytes } from "#web/lib/files.ts";
import { holdExplanation, useCarePolicy } from "#web/lib/held.ts";
import { addressProblem } from "#core/inputs.ts";
import { validate, type FieldErrors } from "#web/lib/forms.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { SelectField, TextArea, TextField } from "../Field.tsx";
import { VerifyLink } from "../verify/VerifyLink.tsx";
import { ReportPreview } from "../viewer/ReportPreview.tsx";
import type { MyPatient, MyPatients } from "./useMyPatients.ts";
import { UploadStatus } from "./UploadStatus.tsx";
import { useReportUpload, type UploadRequest } from "./useReportUpload.ts";

function describe(patient: MyPatient | undefined, typed: string): string {
  if (patient?.profile) return `${patient.profile.name}${patient.profile.dateOfBirth ? `, born ${patient.profile.dateOfBirth}` : ""}.`;
  if (patient) return patient.profile === null ? "One of your patients (profile not shared with you yet)." : "One of your patients.";
  if (typed.trim() && addressProblem(typed) === undefined) return "Not one of your assigned patients: the ledger will refuse the report.";
  return "Pick one of your patients, or enter their account address.";
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

interface Details {
  title: string;
  kind: string;
  dateOfService: string;
  note: string;
}

const EMPTY_DETAILS = (): Details => ({ title: "", kind: "", dateOfService: today(), note: "" });

/** What the doctor reviews before confirming: the request and the file's bytes for the preview. */
interface Review {
  readonly request: UploadRequest & { readonly metadata: ReportMetadata };
  readonly bytes: Uint8Array;
  readonly patientName: string;
}

export function UploadForm({ myPatients, initialPatient = "" }: { myPatients: MyPatients; initialPatient?: string }) {
  const [patient, setPatient] = useState(initialPatient);
  const [file, setFile] = useState<File | null>(null);
  const [fileInputKey, setFileInputKey] = useState(0); // a new key empties the file input
  const [details, setDetails] = useState<Details>(EMPTY_DETAILS);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [fileError, setFileError] = useState<MedLedgerError | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [held, setHeld] = useState(false);
  const carePolicy = useCarePolicy();
  const upload = useReportUpload({
    pending: (request) => `Registering “${request.metadata?.title ?? request.file.name}” for ${myPatients.nameOf(request.patient)}…`,
    success: (done, request) => `Registered “${request.metadata?.title ?? request.file.name}” for ${myPatients.nameOf(done.record.patient)}.`,
    failure: "The report was not registered",
  });
  const picked = myPatients.find(patient.trim());

  const edit = (patch: Partial<Details>) => {
    setDetails((d) => ({ ...d, ...patch }));
    setErrors({});
    upload.reset();
  };

  const toReview = async (event: FormEvent) => {
    event.preventDefault();
    const found: FieldErrors = {};
    // The forms' schemas load on submit, not with the page.
    const [{ addressSchema }, { reportMetadataSchema }] = await Promise.all([import("#core/validation.ts"), import("#core/reports/metadata.ts")]);
    const checked = validate(addressSchema, patient);
    if (!checked.ok) found.patient = "Choose a patient (or enter their account address).";
    const metadata = validate(reportMetadataSchema, { ...details, note: details.note.trim() ? details.note : undefined });
    if (!metadata.ok) Object.assign(found, metadata.errors);
    if (!file) found.file = "Choose the report file (PDF, PNG or JPEG).";
    setErrors(found);
    setFileError(null);
    if (!checked.ok || !metadata.ok || !file) return;
    const bytes = await readFileBytes(file);
    try {
      requireReportType(bytes); // by content: a renamed .txt is refused here, with the reason
    } catch (error) {
      if (error instanceof MedLedgerError) {
        setFileError(error);
        return;
      }
      throw error;
    }
    const { note, ...rest } = metadata.data;
    const chosen: ReportMetadata = note ? { ...rest, note } : rest;
    setReview({ request: { file, patient: checked.data, metadata: chosen, held }, bytes, patientName: myPatients.nameOf(checked.data) });
  };

  const confirm = async () => {
    if (!review) return;
    if (await upload.run(review.request)) {
      // Start over: nothing of this report stays selected for the next one.
      setReview(null);
      setPatient("");
      setFile(null);
      setFileInputKey((k) => k + 1);
      setDetails(EMPTY_DETAILS());
      setHeld(false);
    }
  };

  if (review) {
    const { request } = review;
    const kind = kindOf(request.metadata.kind);
    return (
      <section className="form card" aria-labelledby="review-title" data-testid="upload-review">
        <h2 id="review-title">Check before registering</h2>
        <p>A registration cannot be undone (only amended). Check that this is the right file for the right patient.</p>
        <dl className="facts">
          <dt>Patient</dt>
          <dd data-testid="review-patient">
            {review.patientName} <AddressText value={request.patient} label="patient account" />
          </dd>
          <dt>Title</dt>
          <dd data-testid="review-title">{request.metadata.title}</dd>
          <dt>Kind</dt>
          <dd>{kind.label}</dd>
          <dt>Date of service</dt>
          <dd>{request.metadata.dateOfService}</dd>
          {request.metadata.note ? (
            <>
              <dt>Note</dt>
              <dd>{request.metadata.note}</dd>
            </>
          ) : null}
          <dt>File</dt>
          <dd>
            {request.file.name} · {formatBytes(request.file.size)}
          </dd>
          <dt>Patient's copy</dt>
          <dd data-testid="review-held">{request.held ? `Held for review. ${holdExplanation(carePolicy.data)}` : "The patient can open it at once."}</dd>
        </dl>
        <div className="preview-box" data-testid="upload-preview">
          <ReportPreview bytes={review.bytes} title={request.metadata.title} />
        </div>
        <div className="row">
          <button type="button" className="btn btn-primary" disabled={upload.pending} onClick={() => void confirm()} data-testid="upload-confirm">
            {upload.isPreparedFor(request) && !upload.pending ? "Retry registration" : "Confirm and register"}
          </button>
          <button type="button" className="btn" disabled={upload.pending} onClick={() => setReview(null)}>
            Back
          </button>
        </div>
        <UploadStatus upload={upload} followUp={() => null} />
      </section>
    );
  }

  return (
    <form className="form card" onSubmit={(e) => void toReview(e)} noValidate aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a report</h2>
      <div className="field">
        <label htmlFor="upload-patient">Patient</label>
        <div className="row">
          <select
            aria-label="Pick from those assigned to you"
            data-testid="upload-pick"
            value={picked?.account ?? ""}
            onChange={(e) => {
              setPatient(e.target.value);
              setErrors({});
            }}
            disabled={!myPatients.patients?.length}
          >
            <option value="">{myPatients.patients ? `Assigned to you (${myPatients.patients.length})…` : "Reading your patients…"}</option>
            {(myPatients.patients ?? []).map((p) => (
              <option key={p.account} value={p.account}>
                {myPatients.nameOf(p.account)}
              </option>
            ))}
          </select>
          <input
            id="upload-patient"
            className="mono"
            style={{ flex: "1 1 18rem", minWidth: 0 }}
            value={patient}
            onChange={(e) => {
              setPatient(e.target.value);
              setErrors({});
            }}
            placeholder="or an account address, 0x…"
            aria-invalid={errors.patient ? true : undefined}
            aria-describedby="upload-patient-help"
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        {errors.patient ? <span className="field-error">{errors.patient}</span> : null}
        <span id="upload-patient-help" className="help" data-testid="upload-patient-help">
          {describe(picked, patient)}
        </span>
      </div>
      <div className="field">
        <label htmlFor="upload-file">Report file (PDF, PNG or JPEG)</label>
        <input
          id="upload-file"
          key={fileInputKey}
          type="file"
          accept="application/pdf,image/png,image/jpeg"
          aria-invalid={errors.file || fileError ? true : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setFileError(null);
            setErrors({});
          }}
        />
        {file ? (
          <span className="help">
            {file.name} · {formatBytes(file.size)}
          </span>
        ) : null}
        {errors.file ? <span className="field-error">{errors.file}</span> : null}
      </div>
      <ErrorBox error={fileError} title="This file cannot be registered" />
      <TextField
        label="Title"
        value={details.title}
        maxLength={TITLE_MAX}
        onChange={(e) => edit({ title: e.target.value })}
        error={errors.title}
        help={`What the patient sees in their list, e.g. “Full blood count” (at most ${TITLE_MAX} characters).`}
        data-testid="upload-title-input"
      />
      <SelectField label="Kind of report" value={details.kind} onChange={(e) => edit({ kind: e.target.value })} error={errors.kind} data-testid="upload-kind">
        <option value="">Choose…</option>
        {REPORT_KINDS.map((k) => (
          <option key={k.id} value={k.id}>
            {k.label}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Date of service"
        type="date"
        max={today()}
        value={details.dateOfService}
        onChange={(e) => edit({ dateOfService: e.target.value })}
        error={errors.dateOfService}
      />
      <TextArea
        label="Note (optional)"
        rows={2}
        maxLength={NOTE_MAX}
        value={details.note}
        onChange={(e) => edit({ note: e.target.value })}
        error={errors.note}
        help={`Shown with the report, e.g. what to do next. At most ${NOTE_MAX} characters; encrypted with the report, like the title.`}
      />
      <div className="field">
        <label className="choice">
          <input type="checkbox" checked={held} onChange={(e) => setHeld(e.target.checked)} aria-describedby="upload-held-help" data-testid="upload-held" />{" "}
          Hold this result for review before it is released
        </label>
        <span id="upload-held-help" className="help">
          {holdExplanation(carePolicy.data)}
        </span>
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={upload.pending} data-testid="upload-review-button">
          Review before registering
        </button>
      </div>
      <UploadStatus
        upload={upload}
        followUp={(done) => (
          <>
            <p className="small">
              Report id <AddressText value={done.reportId} copy label="report id" />
            </p>
            <VerifyLink sha256={done.record.sha256} sha1={done.record.sha1} />
          </>
        )}
      />
    </form>
  );
}
