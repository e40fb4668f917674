"use client";
/**
 * The reception's page: register a patient from the registration code they bring (their signed
 * key binding) with a sealed profile, assign and unassign doctors (re-sealing the profile for the
 * doctors then assigned, with a retry of the re-seal alone if it fails), and the patient list
 * (web/lib/reportLists.ts `usePatientList`: from the indexer, checked on chain, or the chain's events).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import type { Address } from "viem";
import { assignableDoctors } from "#core/staff/eligibility.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import type { EnrolProgress, EnrolStep } from "#core/patients/enrol.ts";
import type { PatientProfile } from "#core/patients/profile.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { PatientSummary } from "#core/patients/patients.ts";
import type { AssignmentResult, AssignmentStep } from "#core/patients/reseal.ts";
import { validate, type FieldErrors } from "#web/lib/forms.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useContentStore } from "#web/lib/contentStore.ts";
import { useNameOf, useStaff } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { usePatientList } from "#web/lib/reportLists.ts";
import { ReceptionGuardians } from "../guardian/ReceptionGuardians.tsx";
import { clearsOutcome } from "#web/lib/forms.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { AddressText, shorten } from "../AddressText.tsx";
import { NewPatientHelp } from "../NewPatientHelp.tsx";
import { SearchBox } from "../SearchBox.tsx";
import { ProfileEditor } from "./ProfileEditor.tsx";
import { RecoverWallet } from "./RecoverWallet.tsx";
import { ProfileFields } from "./ProfileFields.tsx";
import { RegistrationCodeField, useResolvedRegistration } from "./RegistrationCodeField.tsx";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { ResealStatus, useReseal } from "./ResealStatus.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { SelectField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { Table } from "../Table.tsx";

const EMPTY = { code: "", name: "", dateOfBirth: "", phone: "", email: "", notes: "", doctor: "" };

const doRegister = (
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  code: string,
  profile: PatientProfile,
  doctor: Address | null,
  onProgress: (progress: EnrolProgress) => void,
) => import("#core/patients/enrol.ts").then(({ enrolPatient }) => enrolPatient(writer, store, identity, { code, profile, doctor }, { onProgress }));
const doChange = (
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  patient: Address,
  doctor: Address,
  assigned: boolean,
  onProgress: (progress: { step: AssignmentStep }) => void,
): Promise<AssignmentResult> =>
  import("#core/patients/reseal.ts").then(({ changeDoctorAssignment }) =>
    changeDoctorAssignment(writer, store, identity, { patient, doctor, assigned }, { onProgress }),
  );

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
  /** The step the last run reached: past "registering", a failure leaves the patient registered. */
  const reached = useRef<EnrolStep | null>(null);
  const [step, setStep] = useState<EnrolStep | null>(null);
  const nameOf = useNameOf();
  // The outcome is announced once, by the transaction's toast; the form shows the steps and the re-seal.
  const action = useLedgerAction(doRegister, {
    pending: (_store, _identity, _code, profile, doctor) =>
      doctor ? `Registering ${profile.name} and assigning them to ${nameOf(doctor)}…` : `Registering ${profile.name} as a patient…`,
    success: (enrolled, _store, _identity, _code, profile, doctor) => {
      const named = `${profile.name} (${shorten(enrolled.patient, 4)})`;
      return doctor ? `Registered ${named} as a patient and assigned them to ${nameOf(doctor)}.` : `Registered ${named} as a patient.`;
    },
    failure: (_store, _identity, _code, profile, doctor) =>
      reached.current === "assigning" || reached.current === "resealing"
        ? `${profile.name} is registered, but ${doctor ? nameOf(doctor) : "the doctor"} was not assigned`
        : `${profile.name} was not registered`,
    // Confirmed when the last change the message speaks of is: the assignment, or the registration.
    hashOf: (enrolled) => enrolled.assignment?.transactionHash ?? enrolled.transactionHash,
  });
  // A success or an error of the last registration goes as soon as the next one is typed.
  const set = (key: keyof typeof EMPTY) =>
    clearsOutcome(action, (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value })));
  const resolved = useResolvedRegistration(values.code);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { doctor, code: _typed, ...profile } = values;
    const { patientProfileSchema } = await import("#core/patients/profile.ts"); // the profile's schema and cipher, on submit
    const checked = validate(patientProfileSchema, profile);
    const code = resolved.data?.code;
    const codeError = code
      ? undefined
      : values.code.trim()
        ? resolved.isFetching
          ? "Still reading the code: wait a moment"
          : "This code cannot be used (see below)"
        : "Enter the patient's short code, or scan or paste their registration code";
    if (!checked.ok || codeError || !code) {
      setErrors({ ...(checked.ok ? {} : checked.errors), code: codeError });
      return;
    }
    setErrors({});
    reached.current = null;
    setStep(null);
    const chosen = doctor ? (doctor as Address) : null;
    const enrolled = await action.run(store, identity, code, checked.data, chosen, ({ step: next, patient }) => {
      reached.current = next;
      setStep(next);
      // The profile was sealed before the assignment: the workflow re-seals it so the doctor can read it.
      if (next === "resealing" && chosen) reseal.begin({ kind: "assigned", patient, doctor: chosen });
    });
    if (enrolled) setValues(EMPTY);
    if (enrolled?.assignment) reseal.report(enrolled.assignment.reseal);
  };

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="register-title">
      <h2 id="register-title">Register a patient</h2>
      <NewPatientHelp title="What new patients do:" />
      <RegistrationCodeField
        value={values.code}
        onChange={clearsOutcome(action, (code: string) => setValues((v) => ({ ...v, code })))}
        error={errors.code}
        resolved={resolved}
      />
      <ProfileFields values={values} errors={errors} set={set} />
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
        {action.pending && step !== "resealing" ? <Spinner label={step ? ENROL_STEP_TEXT[step] : "Sealing the profile, storing it and registering…"} /> : null}
      </div>
      {action.result || step === "resealing" ? <ResealStatus reseal={reseal} /> : null}
    </form>
  );
}

/** The patient's name from their sealed profile, if it was sealed for this receptionist. */
function usePatientName(patient: PatientSummary, identity: EncryptionIdentity): string | undefined {
  const store = useContentStore();
  const profile = useQuery({
    queryKey: queryKeys.ipfs.profileName(patient.profileCid, identity.address),
    queryFn: async () => (await (await import("#core/patients/profile.ts")).loadPatientProfile(store, patient.profileCid, identity)).name,
    // A profile re-sealed (edited, re-assigned) keeps showing the name while the new one opens.
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });
  return profile.data;
}

/** Whether a patient matches the list's search (name, as opened or as known, or account). */
function matchesSearch(search: string, ...texts: readonly (string | undefined)[]): boolean {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = texts.filter(Boolean).join(" ").toLowerCase();
  return words.every((w) => haystack.includes(w));
}

function PatientRow({ patient, identity, search }: { patient: PatientSummary; identity: EncryptionIdentity; search: string }) {
  const reader = useLedgerReader();
  const profileName = usePatientName(patient, identity);
  const doctors = useActiveDoctors();
  const nameOf = useNameOf();
  const [doctor, setDoctor] = useState("");
  const assigned = useQuery({
    queryKey: queryKeys.ledger.assignedDoctors(patient.account),
    queryFn: async () => (await import("#core/patients/profile.ts")).assignedDoctors(reader, patient.account),
  });
  const store = useContentStore();
  const patientName = profileName ?? nameOf(patient.account);
  const assign = useLedgerAction(doChange, {
    pending: (_store, _identity, _patient, d) => `Assigning ${nameOf(d)} to ${patientName}…`,
    success: (_result, _store, _identity, _patient, d) => `Assigned ${patientName} to ${nameOf(d)}.`,
    failure: (_store, _identity, _patient, d) => `${nameOf(d)} was not assigned`,
  });
  const unassign = useLedgerAction(doChange, {
    pending: (_store, _identity, _patient, d) => `Unassigning ${nameOf(d)} from ${patientName}…`,
    success: (_result, _store, _identity, _patient, d) => `Unassigned ${nameOf(d)} from ${patientName}.`,
    failure: (_store, _identity, _patient, d) => `${nameOf(d)} was not unassigned`,
  });
  const reseal = useReseal(identity);
  /** The last assignment change (announced by its toast), held until the assignments are read again. */
  const [done, setDone] = useState<{ kind: "assigned" | "unassigned"; doctor: Address } | null>(null);
  /** Assigns or unassigns, then re-seals the profile for the readers that result (one core workflow). */
  const change = async (kind: "assigned" | "unassigned", d: Address) => {
    const target = kind === "assigned" ? assign : unassign;
    setDone(null);
    const changed = await target.run(store, identity, patient.account, d, kind === "assigned", ({ step }) => {
      if (step === "resealing") reseal.begin({ kind, patient: patient.account, doctor: d });
    });
    if (changed) {
      reseal.report(changed.reseal);
      setDone({ kind, doctor: d });
    }
  };
  const assignedSet = new Set((assigned.data ?? []).map((a) => a.toLowerCase()));
  // The change just made holds even before the assignments are read again.
  if (done?.kind === "assigned") assignedSet.add(done.doctor.toLowerCase());
  if (done?.kind === "unassigned") assignedSet.delete(done.doctor.toLowerCase());
  const chosenAssigned = doctor !== "" && assignedSet.has(doctor.toLowerCase());
  if (search && !matchesSearch(search, profileName, nameOf(patient.account), patient.account)) return null;
  return (
    <tr data-patient={patient.account}>
      <td data-label="Patient">
        {patientName}
        {profileName ? null : <span className="muted small"> (profile not sealed for you)</span>}
        <br />
        <AddressText value={patient.account} copy />
        {profileName ? <ProfileEditor patient={patient.account} profileCid={patient.profileCid} identity={identity} /> : null}
        {profileName ? <RecoverWallet patient={patient.account} patientName={patientName} identity={identity} /> : null}
      </td>
      <td data-label="Registered by">{nameOf(patient.registeredBy)}</td>
      <td data-label="Doctors">
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
      <td data-label="Assign">
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
            {doctors.map((d) => (
              <option key={d.account} value={d.account}>
                {d.profile.name}
                {assignedSet.has(d.account.toLowerCase()) ? " (assigned)" : ""}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-small" disabled={!doctor || chosenAssigned || assign.pending || reseal.pending}>
            {chosenAssigned ? "Assigned" : assign.pending ? "Assigning…" : "Assign"}
          </button>
        </form>
        <ResealStatus reseal={reseal} />
      </td>
    </tr>
  );
}

const PATIENT_COLUMNS = ["Patient", "Registered by", "Doctors", "Assign"];

function PatientList({ identity }: { identity: EncryptionIdentity }) {
  // From the indexer a page at a time, each row checked on chain; else the chain's events.
  const [search, setSearch] = useState("");
  const patients = usePatientList();
  const rows = patients.patients;
  return (
    <section className="card" aria-labelledby="patients-title">
      <h2 id="patients-title">Patients</h2>
      {patients.isPending ? <Spinner label={patients.fromIndexer ? "Loading patients…" : "Reading patients from the chain…"} /> : null}
      <ErrorBox error={patients.error} />
      {rows?.length === 0 ? <p className="muted">No patients registered yet.</p> : null}
      <SearchBox label="Search patients" value={search} onChange={setSearch} placeholder="Name or account" testId="patients-search" />
      {rows && rows.length > 0 ? (
        <Table testId="patients-table" columns={PATIENT_COLUMNS}>
          {rows.map((p) => (
            <PatientRow key={p.account} patient={p} identity={identity} search={search} />
          ))}
        </Table>
      ) : null}
      {patients.hasMore && rows ? (
        <p className="row small">
          <span className="muted">
            {rows.length} of {patients.total} shown.
          </span>
          <button type="button" className="btn btn-small" onClick={patients.loadMore}>
            Show more patients
          </button>
        </p>
      ) : null}
    </section>
  );
}

/** The reception's work once the key is unlocked (loaded then by ReceptionGate.tsx, the page's entry): registering, and the patient list. */
export function ReceptionWork({ identity }: { identity: EncryptionIdentity }) {
  return (
    <>
      <RegisterPatientForm identity={identity} />
      <PatientList identity={identity} />
      <ReceptionGuardians />
    </>
  );
}
