"use client";
/**
 * The doctor's page: upload a report for an assigned patient (hash → encrypt → store on IPFS →
 * register, with progress; a failed or rejected registration is retried without re-uploading),
 * the reports they issued and those patients shared with them.
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import { MedLedgerError } from "../../../core/errors.ts";
import type { EncryptionIdentity } from "../../../core/identity/identity.ts";
import { patientsOfDoctor } from "../../../core/patients/patients.ts";
import { listReports, listReportsSharedWith } from "../../../core/reports/records.ts";
import { formatBytes } from "../../../core/reports/limits.ts";
import { prepareReport, submitReport, type PreparedReport, type SubmitResult, type UploadStep } from "../../../core/reports/upload.ts";
import { addressSchema, validate } from "../../lib/forms.ts";
import { readFileBytes } from "../../lib/files.ts";
import { useLedgerReader, useLedgerWriter, usePublicConfig } from "../../lib/ledger.tsx";
import { useContentStore } from "../../lib/contentStore.ts";
import { useNameOf, useRefreshLedger } from "../../lib/queries.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { Spinner, StepList } from "../Progress.tsx";
import { ReportList } from "../ReportList.tsx";
import { RoleGate } from "../RoleGate.tsx";
import { UnlockKey } from "../UnlockKey.tsx";
import { VerifyLink } from "../verify/VerifyLink.tsx";

const UPLOAD_STEPS = [
  { id: "checking", label: "Checking the patient and keys" },
  { id: "hashing", label: "Computing SHA-1 and SHA-256" },
  { id: "encrypting", label: "Encrypting in the browser" },
  { id: "uploading", label: "Storing the ciphertext on IPFS" },
  { id: "signing", label: "Signing the registration" },
  { id: "confirming", label: "Waiting for the chain" },
] as const;

function UploadForm({ address }: { address: Address }) {
  const reader = useLedgerReader();
  const getWriter = useLedgerWriter();
  const store = useContentStore();
  const config = usePublicConfig();
  const refresh = useRefreshLedger();
  const nameOf = useNameOf();
  const patients = useQuery({ queryKey: ["ledger", "doctorPatients", address], queryFn: () => patientsOfDoctor(reader, address) });
  const [patient, setPatient] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [patientError, setPatientError] = useState<string | undefined>();
  const [step, setStep] = useState<UploadStep | null>(null);
  const [prepared, setPrepared] = useState<{ key: string; report: PreparedReport } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<SubmitResult | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(addressSchema, patient);
    if (!checked.ok) {
      setPatientError("Choose a patient (or enter their account address)");
      return;
    }
    setPatientError(undefined);
    if (!file) {
      setError(new MedLedgerError("INVALID_INPUT", "No report file is chosen.", "Choose the report file (PDF or image) to upload."));
      return;
    }
    setError(null);
    setDone(null);
    const key = `${checked.data}:${file.name}:${file.size}:${file.lastModified}`;
    try {
      const writer = await getWriter();
      const onProgress = ({ step: s }: { step: UploadStep }) => setStep(s);
      let report = prepared?.key === key ? prepared.report : null;
      if (!report) {
        report = await prepareReport(writer, store, { file: await readFileBytes(file), patient: checked.data }, { onProgress, maxBytes: config.maxFileBytes });
        setPrepared({ key, report });
      }
      const result = await submitReport(writer, report, { onProgress });
      setDone(result);
      setPrepared(null);
      setFile(null);
      await refresh();
    } catch (caught) {
      setError(caught);
    } finally {
      setStep(null);
    }
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a report</h2>
      <div className="field">
        <label htmlFor="upload-patient">Patient</label>
        <input id="upload-patient" list="my-patients" value={patient} onChange={(e) => setPatient(e.target.value)} placeholder="0x… (your assigned patients are suggested)" aria-invalid={patientError ? true : undefined} spellCheck={false} autoComplete="off" />
        <datalist id="my-patients">
          {(patients.data ?? []).map((p) => <option key={p} value={p}>{nameOf(p)}</option>)}
        </datalist>
        {patientError ? <span className="field-error">{patientError}</span> : null}
        <span className="help">{patients.data ? `${patients.data.length} patient(s) assigned to you: ${patients.data.map(nameOf).join(", ") || "none yet"}.` : "Reading your patients…"}</span>
      </div>
      <div className="field">
        <label htmlFor="upload-file">Report file (PDF or image)</label>
        <input id="upload-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {file ? <span className="help">{file.name} · {formatBytes(file.size)}</span> : null}
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={step !== null}>
          {prepared && !step ? "Retry registration" : "Encrypt, store and register"}
        </button>
      </div>
      {step ? <StepList steps={UPLOAD_STEPS} current={step} /> : null}
      {prepared && !step && error ? <Notice kind="info">The encrypted file is already on IPFS ({prepared.report.cid}); retrying only sends the registration.</Notice> : null}
      <ErrorBox error={error} title="The report was not registered" />
      {done ? (
        <Notice kind="success">
          Report registered for {nameOf(done.record.patient)}: <AddressText value={done.reportId} copy label="report id" />
          <VerifyLink sha256={done.record.reportId} sha1={done.record.sha1} />
        </Notice>
      ) : null}
    </form>
  );
}

function DoctorReports({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const reader = useLedgerReader();
  const nameOf = useNameOf();
  const issued = useQuery({ queryKey: ["ledger", "reports", "doctor", address], queryFn: () => listReports(reader, { doctor: address }) });
  const shared = useQuery({ queryKey: ["ledger", "reports", "sharedWith", address], queryFn: () => listReportsSharedWith(reader, address) });
  return (
    <>
      <section className="card" aria-labelledby="issued-title">
        <h2 id="issued-title">Reports I issued</h2>
        {issued.isPending ? <Spinner label="Reading reports…" /> : null}
        <ErrorBox error={issued.error} />
        {issued.data ? <ReportList reports={issued.data} identity={identity} nameOf={nameOf} testId="issued-reports" /> : null}
      </section>
      <section className="card" aria-labelledby="shared-title">
        <h2 id="shared-title">Shared with me</h2>
        {shared.isPending ? <Spinner label="Reading reports…" /> : null}
        <ErrorBox error={shared.error} />
        {shared.data ? <ReportList reports={shared.data} identity={identity} nameOf={nameOf} testId="shared-reports" /> : null}
      </section>
    </>
  );
}

export function DoctorPage() {
  return (
    <RoleGate role="doctor">
      {(address) => (
        <UnlockKey address={address} publish why="Reports are encrypted for your key, and patients' reports can only be wrapped for you once it is published.">
          {(identity) => (
            <>
              <UploadForm address={address} />
              <DoctorReports address={address} identity={identity} />
            </>
          )}
        </UnlockKey>
      )}
    </RoleGate>
  );
}
