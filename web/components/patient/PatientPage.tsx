"use client";
/**
 * The patient's page: their reports (open = decrypt + verify + download), sharing several or all
 * of them with a doctor in one step (optionally until a day), who can read each report, stopping
 * that (with or without re-encrypting), and replacing their encryption key; for an account that is not a patient yet, the registration code to hand to the
 * reception (the signed binding of their encryption key).
 */
import { useState } from "react";
import type { Address, Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportReader } from "#core/reports/share.ts";
import { useIdentity } from "#web/lib/identity.tsx";
import { useLedgerReader, useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { useRelayed } from "#web/lib/relay.ts";
import { useReadersOfPatient, useReportList } from "#web/lib/reportLists.ts";
import { useAction } from "#web/lib/useAction.ts";
import { AccessGate } from "../AccessGate.tsx";
import { ActionButton } from "../ActionButton.tsx";
import { AddressText } from "../AddressText.tsx";
import { EncryptionKeyCard } from "../EncryptionKeyCard.tsx";
import { NewPatientHelp } from "../NewPatientHelp.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { ReportList } from "../ReportList.tsx";
import { Spinner } from "../Progress.tsx";
import { UnlockKey } from "../UnlockKey.tsx";
import { RegistrationHandout } from "./RegistrationHandout.tsx";
import { ReportReaders } from "./ReportReaders.tsx";
import { SharedDoctors, ShareReports, type Which } from "./ShareReports.tsx";

const NO_READERS: readonly ReportReader[] = [];

/** The patient's reports: share several or all in one step, who can read each, and stopping it. */
function MyReports({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const nameOf = useNameOf();
  const [chosen, setChosen] = useState<ReadonlySet<Hex>>(new Set());
  const [which, setWhich] = useState<Which>("all");
  const reports = useReportList("ofPatient", address);
  // One query for the readers of all the patient's reports, not one per report.
  const readers = useReadersOfPatient(address);
  const toggle = (reportId: Hex, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(reportId);
    else next.delete(reportId);
    setChosen(next);
    if (on) setWhich("chosen");
  };
  const relayed = useRelayed(address);
  return (
    <>
      {relayed ? (
        <Notice>
          <span data-testid="relay-note">
            The hospital sends your changes (sharing, stopping sharing, your key) and pays their fees: your wallet only asks you to sign. You need no ether.
          </span>
        </Notice>
      ) : null}
      {reports.reports && reports.reports.length > 0 ? (
        <ShareReports
          identity={identity}
          reports={reports.reports}
          total={reports.total}
          chosen={chosen}
          which={which}
          onWhich={setWhich}
          onShared={() => setChosen(new Set())}
        />
      ) : null}
      <SharedDoctors readers={readers.data} />
      <ErrorBox error={readers.error} title="Could not tell who can read your reports" />
      <section className="card" aria-labelledby="my-reports">
        <h2 id="my-reports">My reports</h2>
        {reports.isPending ? <Spinner label={reports.fromIndexer ? "Loading your reports…" : "Reading your reports from the chain…"} /> : null}
        <ErrorBox error={reports.error} />
        {reports.reports ? (
          <ReportList
            reports={reports.reports}
            total={reports.total}
            hasMore={reports.hasMore}
            onLoadMore={reports.loadMore}
            checkOnChain={reports.fromIndexer}
            identity={identity}
            nameOf={nameOf}
            testId="patient-reports"
            stackOnPhone
            extra={(report) => (
              <label className="choice">
                <input type="checkbox" checked={chosen.has(report.reportId)} onChange={(e) => toggle(report.reportId, e.target.checked)} /> Choose
                <span className="visually-hidden"> this report for sharing</span>
              </label>
            )}
            below={(report) => (
              <ReportReaders report={report} identity={identity} readers={readers.data ? (readers.data.get(report.reportId) ?? NO_READERS) : undefined} />
            )}
          />
        ) : null}
      </section>
      <EncryptionKeyCard address={address} />
    </>
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
        Your account <AddressText value={address} copy /> is not registered as a patient yet. Nothing is sent to the chain and nothing costs ether.
      </p>
      <NewPatientHelp title="How to register:" />
      <ActionButton action={creating} pendingLabel="Waiting for the wallet…">
        Create my registration code
      </ActionButton>
      {code ? <RegistrationHandout code={code} address={address} /> : null}
    </section>
  );
}

export function PatientPage() {
  return (
    <AccessGate roles={["patient"]} purpose="see your reports" withoutRole={(address) => <RegistrationCode address={address} />}>
      {(address) => (
        <UnlockKey address={address} publish={false} signIn why="Your reports are encrypted for your key.">
          {(identity) => <MyReports address={address} identity={identity} />}
        </UnlockKey>
      )}
    </AccessGate>
  );
}
