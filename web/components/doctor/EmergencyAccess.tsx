"use client";
/**
 * "Emergency access" on the doctor's page: a doctor not assigned to a patient opens the patient's
 * reports in an emergency ("break-glass"), stating one of the coded reasons; the access is public
 * on chain, the patient and the administrator see it, and it ends after the hospital's emergency
 * duration. Then each patient the doctor has emergency access to, with their reports (Open reads
 * them through the usual path once the hospital has re-wrapped their keys for the doctor).
 */
import { useState } from "react";
import { isAddress, type Address } from "viem";
import { EMERGENCY_REASONS, openEmergencyAccess, type EmergencyPatient, type EmergencyReasonCode } from "#core/care/emergency.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { useEmergencyHours, useEmergencyKeysReady, useEmergencyPatients } from "#web/lib/emergencyLists.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { useReportList } from "#web/lib/reportLists.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { AddressText } from "../AddressText.tsx";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { SelectField, TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { ReportList } from "../ReportList.tsx";

const WHEN = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const when = (seconds: number) => WHEN.format(new Date(seconds * 1000));

const open = (writer: LedgerWriter, patient: Address, reason: EmergencyReasonCode) => openEmergencyAccess(writer, patient, reason);

function EmergencyPatientReports({ doctor, access, identity }: { doctor: Address; access: EmergencyPatient; identity: EncryptionIdentity }) {
  const nameOf = useNameOf();
  const reports = useReportList("ofPatient", access.patient);
  const ready = useEmergencyKeysReady(doctor, access.patient, reports.reports);
  return (
    <div className="emergency-patient" data-testid="emergency-patient" data-patient={access.patient}>
      <h3>
        {nameOf(access.patient)} <AddressText value={access.patient} copy />
      </h3>
      <p className="small muted">
        Emergency access until {when(access.until)} — {access.reason.label}.
      </p>
      {reports.isPending ? <Spinner label="Reading the patient's reports…" /> : null}
      <ErrorBox error={reports.error} />
      {reports.reports && !ready ? <Spinner label="The hospital is giving you the keys of these reports…" /> : null}
      {reports.reports && ready ? (
        <ReportList
          reports={reports.reports}
          total={reports.total}
          hasMore={reports.hasMore}
          onLoadMore={reports.loadMore}
          checkOnChain={reports.fromIndexer}
          identity={identity}
          nameOf={nameOf}
          testId="emergency-reports"
        />
      ) : null}
    </div>
  );
}

export function EmergencyAccess({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const nameOf = useNameOf();
  const hours = useEmergencyHours() ?? 24;
  const [patient, setPatient] = useState("");
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const patients = useEmergencyPatients(address);
  const action = useLedgerAction(open, {
    pending: (p) => `Opening ${nameOf(p)}'s reports in an emergency…`,
    success: (opened) => `You can open ${nameOf(opened.patient)}'s reports until ${when(opened.until)}. The access is recorded.`,
    failure: "Emergency access not opened",
  });
  const account = patient.trim();
  const valid = isAddress(account, { strict: false });
  const addressError = touched && account && !valid ? "Enter the patient's account (0x followed by 40 letters and digits)." : undefined;
  return (
    <section className="card" aria-labelledby="emergency-title">
      <h2 id="emergency-title">Emergency access</h2>
      <p className="muted small">
        In an emergency you can open the reports of a patient who is not assigned to you. You say why; the access is recorded publicly and ends after {hours}{" "}
        hours.
      </p>
      <form className="row" aria-label="Open emergency access" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Patient's account"
          value={patient}
          onChange={(e) => setPatient(e.target.value)}
          onBlur={() => setTouched(true)}
          placeholder="0x…"
          autoComplete="off"
          spellCheck={false}
          error={addressError}
        />
        <SelectField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">Choose why…</option>
          {EMERGENCY_REASONS.map((r) => (
            <option key={r.code} value={r.code}>
              {r.label}
            </option>
          ))}
        </SelectField>
        <ConfirmButton
          label="Open emergency access"
          confirmLabel="Open the reports"
          className="btn btn-danger"
          disabled={!valid || !reason || action.pending}
          explanation={`This is recorded publicly and the patient and the hospital will see it. Access ends after ${hours} hours.`}
          onConfirm={() => void action.run(account as Address, Number(reason) as EmergencyReasonCode)}
        />
        {action.pending ? <Spinner label="Waiting for the wallet and the network…" /> : null}
      </form>
      <h3 className="visually-hidden">Patients you have emergency access to</h3>
      {patients.isPending ? <Spinner label="Reading your emergency accesses…" /> : null}
      <ErrorBox error={patients.error} />
      {patients.rows?.length === 0 ? (
        <p className="muted small" data-testid="emergency-patients">
          You have no emergency access open.
        </p>
      ) : null}
      {patients.rows?.map((access) => (
        <EmergencyPatientReports key={access.record} doctor={address} access={access} identity={identity} />
      ))}
    </section>
  );
}
