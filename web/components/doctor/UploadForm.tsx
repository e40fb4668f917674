"use client";
/**
 * Upload a report for a patient: pick one of the doctor's patients (or enter an account address),
 * choose the file; hash → encrypt → store on IPFS → register, with progress. A failed or rejected
 * registration is retried without re-uploading.
 */
import { useState, type FormEvent } from "react";
import { MedLedgerError } from "#core/errors.ts";
import { formatBytes } from "#core/reports/limits.ts";
import { addressSchema, validate } from "#web/lib/forms.ts";
import { AddressText } from "../AddressText.tsx";
import { VerifyLink } from "../verify/VerifyLink.tsx";
import type { MyPatient, MyPatients } from "./useMyPatients.ts";
import { UploadStatus } from "./UploadStatus.tsx";
import { useReportUpload, type UploadRequest } from "./useReportUpload.ts";

function describe(patient: MyPatient | undefined, typed: string): string {
  if (patient?.profile) return `${patient.profile.name}${patient.profile.dateOfBirth ? `, born ${patient.profile.dateOfBirth}` : ""}.`;
  if (patient) return patient.profile === null ? "One of your patients (profile not shared with you yet)." : "One of your patients.";
  if (typed.trim() && validate(addressSchema, typed).ok) return "Not one of your assigned patients: the ledger will refuse the report.";
  return "Pick one of your patients, or enter their account address.";
}

export function UploadForm({ myPatients }: { myPatients: MyPatients }) {
  const [patient, setPatient] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [fileInputKey, setFileInputKey] = useState(0); // a new key empties the file input
  const [patientError, setPatientError] = useState<string | undefined>();
  const upload = useReportUpload();
  const checked = validate(addressSchema, patient);
  const request: UploadRequest | null = checked.ok && file ? { file, patient: checked.data } : null;
  const picked = myPatients.find(patient.trim());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checked.ok) {
      setPatientError("Choose a patient (or enter their account address)");
      return;
    }
    setPatientError(undefined);
    if (!file || !request) {
      upload.fail(new MedLedgerError("INVALID_INPUT", "No report file is chosen.", "Choose the report file (PDF or image) to upload."));
      return;
    }
    if (await upload.run(request)) {
      setFile(null);
      setFileInputKey((k) => k + 1);
    }
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="upload-title">
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
              setPatientError(undefined);
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
            onChange={(e) => setPatient(e.target.value)}
            placeholder="or an account address, 0x…"
            aria-invalid={patientError ? true : undefined}
            aria-describedby="upload-patient-help"
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        {patientError ? <span className="field-error">{patientError}</span> : null}
        <span id="upload-patient-help" className="help" data-testid="upload-patient-help">
          {describe(picked, patient)}
        </span>
      </div>
      <div className="field">
        <label htmlFor="upload-file">Report file (PDF or image)</label>
        <input id="upload-file" key={fileInputKey} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {file ? (
          <span className="help">
            {file.name} · {formatBytes(file.size)}
          </span>
        ) : null}
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={upload.pending}>
          {upload.isPreparedFor(request) && !upload.pending ? "Retry registration" : "Encrypt, store and register"}
        </button>
      </div>
      <UploadStatus
        upload={upload}
        errorTitle="The report was not registered"
        success={(done) => (
          <>
            Report registered for {myPatients.nameOf(done.record.patient)}: <AddressText value={done.reportId} copy label="report id" />
            <VerifyLink sha256={done.record.sha256} sha1={done.record.sha1} />
          </>
        )}
      />
    </form>
  );
}
