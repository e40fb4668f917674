"use client";
/**
 * The patient's page: their reports (open = decrypt + verify + download), sharing with a doctor
 * and revoking; for an account that is not a patient yet, the registration code to hand to the
 * reception (the signed binding of their encryption key).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Address, Hex } from "viem";
import { shareableDoctors } from "#core/staff/eligibility.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { listReports, type ReportRecord } from "#core/reports/records.ts";
import type { ShareState } from "#core/reports/share.ts";
import { useIdentity } from "#web/lib/identity.tsx";
import { useLedgerReader, useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { useNameOf, useStaff } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useAction } from "#web/lib/useAction.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { AccessGate } from "../AccessGate.tsx";
import { ActionButton } from "../ActionButton.tsx";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { ReportList } from "../ReportList.tsx";
import { Spinner } from "../Progress.tsx";
import { UnlockKey } from "../UnlockKey.tsx";

// Sharing (key wrapping) and registration (validation) code is loaded on first use, not with the page.
const sharing = () => import("#core/reports/share.ts");
const NO_SHARES: readonly ShareState[] = [];
const doShare = async (writer: LedgerWriter, reportId: Hex, reader: Address, identity: EncryptionIdentity) =>
  (await sharing()).shareReport(writer, reportId, reader, identity);
const doRevoke = async (writer: LedgerWriter, reportId: Hex, reader: Address) => (await sharing()).revokeShare(writer, reportId, reader);

/** Per report: who it is shared with (revocable), and a share form opened on demand (cheap rows for long lists). */
function SharePanel({ report, identity, shares }: { report: ReportRecord; identity: EncryptionIdentity; shares: readonly ShareState[] }) {
  const [open, setOpen] = useState(false);
  const active = shares.filter((s) => s.active);
  return (
    <div className="share-panel" data-testid="share-panel">
      {open ? (
        <ShareForm report={report} identity={identity} />
      ) : (
        <button type="button" className="btn btn-small" aria-expanded={false} onClick={() => setOpen(true)}>
          Share…
        </button>
      )}
      {active.length > 0 ? <SharedWith report={report} active={active} /> : null}
    </div>
  );
}

function ShareForm({ report, identity }: { report: ReportRecord; identity: EncryptionIdentity }) {
  const staff = useStaff();
  const [doctor, setDoctor] = useState("");
  const share = useLedgerAction(doShare);
  const doctors = shareableDoctors(staff.data ?? [], report.doctor);
  return (
    <>
      <form
        className="row"
        aria-label={`Share report ${report.reportId.slice(0, 10)}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (doctor) void share.run(report.reportId, doctor as Address, identity);
        }}
      >
        <label htmlFor={`share-${report.reportId}`} className="visually-hidden">
          Share with doctor
        </label>
        <select id={`share-${report.reportId}`} value={doctor} onChange={(e) => setDoctor(e.target.value)}>
          <option value="">Share with a doctor…</option>
          {doctors.map((d) => (
            <option key={d.account} value={d.account}>
              {d.profile.name}
              {d.profile.department ? ` (${d.profile.department})` : ""}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-small" disabled={!doctor || share.pending}>
          {share.pending ? "Sharing…" : "Share"}
        </button>
      </form>
      {share.result ? <Notice kind="success">Shared.</Notice> : null}
      <ErrorBox error={share.error} title="Not shared" />
    </>
  );
}

function SharedWith({ report, active }: { report: ReportRecord; active: readonly ShareState[] }) {
  const nameOf = useNameOf();
  const revoke = useLedgerAction(doRevoke);
  return (
    <>
      <ul className="small" aria-label="Shared with">
        {active.map((s) => (
          <li key={s.reader}>
            Shared with {nameOf(s.reader)}{" "}
            <button type="button" className="btn btn-small btn-danger" disabled={revoke.pending} onClick={() => void revoke.run(report.reportId, s.reader)}>
              Revoke {nameOf(s.reader)}
            </button>
          </li>
        ))}
      </ul>
      <ErrorBox error={revoke.error} title="Not revoked" />
    </>
  );
}

function MyReports({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const reader = useLedgerReader();
  const nameOf = useNameOf();
  const reports = useQuery({ queryKey: queryKeys.ledger.reports.ofPatient(address), queryFn: () => listReports(reader, { patient: address }) });
  // One query for the shares of all the patient's reports, not one per report.
  const shares = useQuery({ queryKey: queryKeys.ledger.sharesOfPatient(address), queryFn: async () => (await sharing()).listSharesOfPatient(reader, address) });
  return (
    <section className="card" aria-labelledby="my-reports">
      <h2 id="my-reports">My reports</h2>
      {reports.isPending ? <Spinner label="Reading your reports from the chain…" /> : null}
      <ErrorBox error={reports.error} />
      {reports.data ? (
        <ReportList
          reports={reports.data}
          identity={identity}
          nameOf={nameOf}
          testId="patient-reports"
          extra={(report) => <SharePanel report={report} identity={identity} shares={shares.data?.get(report.reportId) ?? NO_SHARES} />}
        />
      ) : null}
    </section>
  );
}

/** For an account not registered as a patient: create the registration code for the reception. */
function RegistrationCode({ address }: { address: Address }) {
  const reader = useLedgerReader();
  const getWriter = useLedgerWriter();
  const { unlock } = useIdentity(address);
  const creating = useAction(async () => {
    const identity = await unlock();
    const writer = await getWriter();
    const { createRegistrationRequest, encodeRegistrationRequest } = await import("#core/patients/registration.ts");
    return encodeRegistrationRequest(await createRegistrationRequest(reader, writer.walletClient, identity));
  });
  const code = creating.result;
  return (
    <section className="card" aria-labelledby="register-title" data-testid="registration">
      <h2 id="register-title">Become a patient</h2>
      <p>
        Your account <AddressText value={address} copy /> is not registered as a patient. The hospital&apos;s reception registers you: create your registration
        code below (your wallet signs twice, nothing is sent and nothing costs ether) and give it to the reception.
      </p>
      <ActionButton action={creating} pendingLabel="Waiting for the wallet…">
        Create my registration code
      </ActionButton>
      {code ? (
        <div className="field">
          <label htmlFor="registration-code">Your registration code (give it to the reception)</label>
          <textarea id="registration-code" readOnly value={code} rows={4} className="mono" data-testid="registration-code" />
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(code)}>
              Copy
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

export function PatientPage() {
  return (
    <AccessGate roles={["patient"]} purpose="see your reports" withoutRole={(address) => <RegistrationCode address={address} />}>
      {(address) => (
        <UnlockKey address={address} publish={false} why="Your reports are encrypted for your key.">
          {(identity) => <MyReports address={address} identity={identity} />}
        </UnlockKey>
      )}
    </AccessGate>
  );
}
