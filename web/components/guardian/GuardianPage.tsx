"use client";
/**
 * "Patients you look after": for an account that is a guardian (core/care/guardians.ts), each
 * patient it looks after, with their reports — Open (with the key the hospital's records custodian
 * re-wrapped for the guardian), and sharing with a doctor or stopping it in the patient's name
 * (grantAccessAsGuardian / revokeAccessAsGuardian: recorded under the guardian's own name).
 */
import { useState } from "react";
import type { Address, Hex } from "viem";
import type { Guardianship } from "#core/care/guardians.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportReader } from "#core/reports/share.ts";
import { guardianshipEnd, usePatientsOfGuardian } from "#web/lib/guardians.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { useReadersOfPatient, useReportList } from "#web/lib/reportLists.ts";
import { AccessGate } from "../AccessGate.tsx";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { ReportList } from "../ReportList.tsx";
import { UnlockKey } from "../UnlockKey.tsx";
import { ReportReaders } from "../patient/ReportReaders.tsx";
import { SharedDoctors, ShareReports, type Which } from "../patient/ShareReports.tsx";

const NO_READERS: readonly ReportReader[] = [];

function WardReports({ ward, identity }: { ward: Guardianship; identity: EncryptionIdentity }) {
  const nameOf = useNameOf();
  const patient = ward.patient;
  const [chosen, setChosen] = useState<ReadonlySet<Hex>>(new Set());
  const [which, setWhich] = useState<Which>("all");
  const reports = useReportList("ofPatient", patient);
  const readers = useReadersOfPatient(patient);
  const toggle = (reportId: Hex, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(reportId);
    else next.delete(reportId);
    setChosen(next);
    if (on) setWhich("chosen");
  };
  return (
    <>
      {reports.reports && reports.reports.length > 0 ? (
        <ShareReports
          identity={identity}
          reports={reports.reports}
          total={reports.total}
          chosen={chosen}
          which={which}
          onWhich={setWhich}
          onShared={() => setChosen(new Set())}
          forPatient={patient}
        />
      ) : null}
      <SharedDoctors readers={readers.data} forPatient={patient} />
      <ErrorBox error={readers.error} title="Could not tell who can read the reports" />
      <section className="card" aria-labelledby="ward-reports">
        <h2 id="ward-reports">{nameOf(patient)}&apos;s reports</h2>
        {reports.isPending ? <Spinner label="Reading the reports…" /> : null}
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
            testId="ward-reports"
            stackOnPhone
            extra={(report) => (
              <label className="choice">
                <input type="checkbox" checked={chosen.has(report.reportId)} onChange={(e) => toggle(report.reportId, e.target.checked)} /> Choose
                <span className="visually-hidden"> this report for sharing</span>
              </label>
            )}
            below={(report) => (
              <ReportReaders
                report={report}
                identity={identity}
                readers={readers.data ? (readers.data.get(report.reportId) ?? NO_READERS) : undefined}
                forPatient={patient}
              />
            )}
          />
        ) : null}
      </section>
    </>
  );
}

function Wards({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
  const nameOf = useNameOf();
  const wards = usePatientsOfGuardian(address);
  const [picked, setPicked] = useState<Address | null>(null);
  if (wards.isPending) return <Spinner label="Reading the patients you look after…" />;
  if (wards.error) return <ErrorBox error={wards.error} title="Could not read the patients you look after" />;
  const list = wards.data;
  const current = list.find((w) => w.patient === picked) ?? list[0];
  return (
    <>
      <section className="card" aria-labelledby="wards-title" data-testid="wards">
        <h2 id="wards-title">Patients you look after</h2>
        {list.length === 0 ? (
          <p className="muted">You are not a guardian of any patient. A patient, or the hospital&apos;s reception, can appoint you by your account.</p>
        ) : (
          <ul className="plain-list">
            {list.map((w) => (
              <li key={w.patient} data-ward={w.patient}>
                <span>
                  <strong>{nameOf(w.patient)}</strong> <AddressText value={w.patient} /> — {guardianshipEnd(w.until)}, appointed by{" "}
                  {w.byReception ? "the reception" : "the patient"}
                </span>{" "}
                {list.length > 1 ? (
                  <button type="button" className="btn btn-small" aria-pressed={current === w} onClick={() => setPicked(w.patient)}>
                    Show their reports
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {current ? <WardReports key={current.patient} ward={current} identity={identity} /> : null}
    </>
  );
}

export function GuardianPage() {
  return (
    <AccessGate purpose="see the patients you look after">
      {(address) => (
        <UnlockKey address={address} publish why="The reports of the patients you look after are encrypted for your key.">
          {(identity) => <Wards address={address} identity={identity} />}
        </UnlockKey>
      )}
    </AccessGate>
  );
}
