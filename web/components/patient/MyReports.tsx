"use client";
/**
 * The patient's reports once their key is unlocked (PatientPage loads this module then, with the
 * crypto it needs, rather than with the page): share several or all in one step, who can read
 * each, stopping it, exporting them all (FHIR), and their encryption key.
 */
import { useState } from "react";
import type { Address, Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportReader } from "#core/reports/share.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { useRelayed } from "#web/lib/relay.ts";
import { useReadersOfPatient, useReportList } from "#web/lib/reportLists.ts";
import { EncryptionKeyCard } from "../EncryptionKeyCard.tsx";
import { GuardiansCard } from "../guardian/GuardiansCard.tsx";
import { ExportRecords } from "./ExportRecords.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { ReportList } from "../ReportList.tsx";
import { Spinner } from "../Progress.tsx";
import { ReportReaders } from "./ReportReaders.tsx";
import { SharedDoctors, ShareReports, type Which } from "./ShareReports.tsx";

const NO_READERS: readonly ReportReader[] = [];

/** The patient's reports: share several or all in one step, who can read each, and stopping it. */
export function MyReports({ address, identity }: { address: Address; identity: EncryptionIdentity }) {
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
      <GuardiansCard patient={address} as="patient" />
      <ExportRecords address={address} identity={identity} />
      <EncryptionKeyCard address={address} />
    </>
  );
}
