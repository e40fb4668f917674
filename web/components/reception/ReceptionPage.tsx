"use client";
/**
 * The reception's page: register a patient from the registration code they bring (their signed
 * key binding) with a sealed profile, assign and unassign doctors (re-sealing the profile for the
 * doctors then assigned, with a retry of the re-seal alone if it fails), and the patient list.
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import { assignableDoctors } from "#core/staff/eligibility.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { enrolPatient, type EnrolProgress, type EnrolStep } from "#core/patients/enrol.ts";
import { assignedDoctors, loadPatientProfile, patientProfileSchema, type PatientProfile } from "#core/patients/profile.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { listPatients, type PatientSummary } from "#core/patients/patients.ts";
import { changeDoctorAssignment, type AssignmentResult, type AssignmentStep } from "#core/patients/reseal.ts";
import { validate, type FieldErrors } from "#web/lib/forms.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useContentStore } from "#web/lib/contentStore.ts";
import { useNameOf, useStaff } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { AccessGate } from "../AccessGate.tsx";
import { AddressText } from "../AddressText.tsx";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { ResealStatus, useReseal } from "./ResealStatus.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { SelectField, TextArea, TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { Table } from "../Table.tsx";
import { UnlockKey } from "../UnlockKey.tsx";

const EMPTY = { code: "", name: "", dateOfBirth: "", phone: "", email: "", notes: "", doctor: "" };

const doRegister = (
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  code: string,
  profile: PatientProfile,
  doctor: Address | null,
  onProgress: (progress: EnrolProgress) => void,
) => enrolPatient(writer, store, identity, { code, profile, doctor }, { onProgress });
const doChange = (
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  patient: Address,
  doctor: Address,
  assigned: boolean,
  onProgress: (progress: { step: AssignmentStep }) => void,
): Promise<AssignmentResult> => changeDoctorAssignment(writer, store, identity, { patient, doctor, assigned }, { onProgress });

const ENROL_STEP_TEXT: Readonly<Record<EnrolStep, string>> = {
  sealing: "Sealing the profile and storing it…",
  registering: "Registering the patient on the ledger…",
  assigning: "Assigning the doctor…",
  resealing: "Re-sealing the profile for the doctor…",
  done: "Done",
};

function useActiveDoctors() {
  const staff = useStaff();
  return assignableDoctors(staff.data ?? []);
}

function RegisterPatientForm({ identity }: { identity: EncryptionIdentity }) {
  const store = useContentStore();
  const reseal = useReseal(identity);
  const doctors = useActiveDoctors();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useLedgerAction(doRegister);
  /** The step the last run reached: past "registering", a failure leaves the patient registered. */
  const [reached, setReached] = useState<EnrolStep | null>(null);
  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value }));
  const nameOf = useNameOf();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { code, doctor, ...profile } = values;
    const checked = validate(patientProfileSchema, profile);
    const codeError = code.trim() ? undefined : "Paste the patient's registration code";
    if (!checked.ok || codeError) {
      setErrors({ ...(checked.ok ? {} : checked.errors), code: codeError });
      return;
    }
    setErrors({});
    setReached(null);
    const chosen = doctor ? (doctor as Address) : null;
    const enrolled = await action.run(store, identity, code, checked.data, chosen, ({ step: next, patient }) => {
      setReached(next);
      // The profile was sealed before the assignment: the workflow re-seals it so the doctor can read it.
      if (next === "resealing" && chosen) reseal.begin({ kind: "assigned", patient, doctor: chosen });
    });
    if (enrolled) setValues(EMPTY);
    if (enrolled?.assignment) reseal.report(enrolled.assignment.reseal);
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="register-title">
      <h2 id="register-title">Register a patient</h2>
      <TextArea
        label="Registration code"
        value={values.code}
        onChange={set("code")}
        error={errors.code}
        rows={3}
        className="mono"
        help="The patient creates it on their Patient page (it binds their encryption key to their account)."
      />
      <TextField label="Full name" value={values.name} onChange={set("name")} error={errors.name} autoComplete="off" />
      <TextField label="Date of birth" type="date" value={values.dateOfBirth} onChange={set("dateOfBirth")} error={errors.dateOfBirth} />
      <TextField label="Phone" value={values.phone} onChange={set("phone")} error={errors.phone} />
      <TextField label="Email" value={values.email} onChange={set("email")} error={errors.email} />
      <TextArea
        label="Notes"
        value={values.notes}
        onChange={set("notes")}
        error={errors.notes}
        rows={2}
        help="The profile is encrypted for the patient, the reception and the assigned doctors; only its IPFS reference goes on chain."
      />
      <SelectField label="Assign a doctor" value={values.doctor} onChange={set("doctor")}>
        <option value="">No doctor yet</option>
        {doctors.map((d) => (
          <option key={d.account} value={d.account}>
            {d.profile.name}
            {d.profile.department ? ` (${d.profile.department})` : ""}
          </option>
        ))}
      </SelectField>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.pending}>
          {action.pending ? "Registering…" : "Register patient"}
        </button>
        {action.pending && reached !== "resealing" ? (
          <Spinner label={reached ? ENROL_STEP_TEXT[reached] : "Sealing the profile, storing it and registering…"} />
        ) : null}
      </div>
      <ErrorBox
        error={action.error}
        title={
          reached === "assigning" || reached === "resealing" ? "The patient is registered, but the doctor was not assigned" : "The patient was not registered"
        }
      />
      {action.result ? <Notice kind="success">Patient {nameOf(action.result.patient)} registered.</Notice> : null}
      {action.result || reached === "resealing" ? <ResealStatus reseal={reseal} /> : null}
    </form>
  );
}

/** The patient's name from their sealed profile, if it was sealed for this receptionist. */
function usePatientName(patient: PatientSummary, identity: EncryptionIdentity): string | undefined {
  const store = useContentStore();
  const profile = useQuery({
    queryKey: queryKeys.ipfs.profileName(patient.profileCid, identity.address),
    queryFn: async () => (await loadPatientProfile(store, patient.profileCid, identity)).name,
    retry: false,
    staleTime: Infinity,
  });
  return profile.data;
}

function PatientRow({ patient, identity }: { patient: PatientSummary; identity: EncryptionIdentity }) {
  const reader = useLedgerReader();
  const profileName = usePatientName(patient, identity);
  const doctors = useActiveDoctors();
  const nameOf = useNameOf();
  const [doctor, setDoctor] = useState("");
  const assigned = useQuery({ queryKey: queryKeys.ledger.assignedDoctors(patient.account), queryFn: () => assignedDoctors(reader, patient.account) });
  const store = useContentStore();
  const patientName = profileName ?? nameOf(patient.account);
  const assign = useLedgerAction(doChange, {
    pending: (_store, _identity, _patient, d) => `Assigning ${nameOf(d)} to ${patientName}…`,
    success: (_result, _store, _identity, _patient, d) => `${nameOf(d)} is assigned to ${patientName}.`,
    failure: (_store, _identity, _patient, d) => `${nameOf(d)} was not assigned`,
  });
  const unassign = useLedgerAction(doChange, {
    pending: (_store, _identity, _patient, d) => `Unassigning ${nameOf(d)} from ${patientName}…`,
    success: (_result, _store, _identity, _patient, d) => `${nameOf(d)} is no longer assigned to ${patientName}.`,
    failure: (_store, _identity, _patient, d) => `${nameOf(d)} was not unassigned`,
  });
  const reseal = useReseal(identity);
  /** Assigns or unassigns, then re-seals the profile for the readers that result (one core workflow). */
  const change = async (kind: "assigned" | "unassigned", d: Address) => {
    const target = kind === "assigned" ? assign : unassign;
    const done = await target.run(store, identity, patient.account, d, kind === "assigned", ({ step }) => {
      if (step === "resealing") reseal.begin({ kind, patient: patient.account, doctor: d });
    });
    if (done) reseal.report(done.reseal);
  };
  const assignedSet = new Set((assigned.data ?? []).map((a) => a.toLowerCase()));
  return (
    <tr data-patient={patient.account}>
      <td>
        {profileName ?? nameOf(patient.account)}
        {profileName ? null : <span className="muted small"> (profile not sealed for you)</span>}
        <br />
        <AddressText value={patient.account} copy />
      </td>
      <td>{nameOf(patient.registeredBy)}</td>
      <td>
        {(assigned.data ?? []).length === 0 ? <span className="muted">none</span> : null}
        <ul className="small plain">
          {(assigned.data ?? []).map((d) => (
            <li key={d}>
              {nameOf(d)}{" "}
              <ConfirmButton
                label={`Unassign ${nameOf(d)}`}
                confirmLabel={`Unassign ${nameOf(d)}`}
                disabled={unassign.pending}
                explanation={`${nameOf(d)} will no longer be ${patientName}'s doctor: they cannot add new reports for ${patientName}, and the patient's details are locked again without them. Reports already issued are not affected.`}
                onConfirm={() => void change("unassigned", d)}
              />
            </li>
          ))}
        </ul>
      </td>
      <td>
        <form
          className="row"
          aria-label={`Assign a doctor to ${nameOf(patient.account)}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (doctor) void change("assigned", doctor as Address);
          }}
        >
          <label className="visually-hidden" htmlFor={`assign-${patient.account}`}>
            Doctor
          </label>
          <select id={`assign-${patient.account}`} value={doctor} onChange={(e) => setDoctor(e.target.value)}>
            <option value="">Doctor…</option>
            {doctors
              .filter((d) => !assignedSet.has(d.account.toLowerCase()))
              .map((d) => (
                <option key={d.account} value={d.account}>
                  {d.profile.name}
                </option>
              ))}
          </select>
          <button type="submit" className="btn btn-small" disabled={!doctor || assign.pending || reseal.pending}>
            Assign
          </button>
        </form>
        <ResealStatus reseal={reseal} />
      </td>
    </tr>
  );
}

const PATIENT_COLUMNS = ["Patient", "Registered by", "Doctors", "Assign"];

function PatientList({ identity }: { identity: EncryptionIdentity }) {
  const reader = useLedgerReader();
  const patients = useQuery({ queryKey: queryKeys.ledger.patients(), queryFn: () => listPatients(reader) });
  return (
    <section className="card" aria-labelledby="patients-title">
      <h2 id="patients-title">Patients</h2>
      {patients.isPending ? <Spinner label="Reading patients from the chain…" /> : null}
      <ErrorBox error={patients.error} />
      {patients.data?.length === 0 ? <p className="muted">No patients registered yet.</p> : null}
      {patients.data && patients.data.length > 0 ? (
        <Table testId="patients-table" columns={PATIENT_COLUMNS}>
          {patients.data.map((p) => (
            <PatientRow key={p.account} patient={p} identity={identity} />
          ))}
        </Table>
      ) : null}
    </section>
  );
}

export function ReceptionPage() {
  return (
    <AccessGate roles={["receptionist"]} purpose="use the receptionist page">
      {(address) => (
        <UnlockKey
          address={address}
          publish
          why="Patient profiles are encrypted for the reception: your key opens them, and new profiles are sealed for it once it is published."
        >
          {(identity) => (
            <>
              <RegisterPatientForm identity={identity} />
              <PatientList identity={identity} />
            </>
          )}
        </UnlockKey>
      )}
    </AccessGate>
  );
}
