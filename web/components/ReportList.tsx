"use client";
/**
 * A table of reports — each with its title, kind and date of service (from the encrypted head of
 * the report, opened in the browser when the row is shown) — and an Open button that decrypts,
 * verifies and shows the report in the page, with Download beside it. A long list renders only
 * the rows on screen (@tanstack/react-virtual) and asks for the next page as the end comes near;
 * rows from the indexer are each checked against the contract once shown.
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { Address, Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReadStep } from "#core/reports/read.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { useLedgerReader, usePublicConfig } from "../lib/ledgerContext.tsx";
import { useContentStore } from "../lib/contentStore.ts";
import { queryKeys } from "../lib/queryKeys.ts";
import { useLogReportOpened } from "../lib/openings.ts";
import { useAction, type Progress } from "../lib/useAction.ts";
import { AddressText } from "./AddressText.tsx";
import { ErrorBox, Notice } from "./ErrorBox.tsx";
import { StepList } from "./Progress.tsx";
import { Table } from "./Table.tsx";
import { WindowedTable, type Measure } from "./WindowedTable.tsx";
import { useReportSummary } from "../lib/useReportSummary.ts";
import { dayText, releaseTimeText } from "../lib/held.ts";
import { ReportViewer, type OpenedReportView } from "./viewer/ReportViewer.tsx";

/** One formatter for every row (toLocaleString builds a new one per call: slow for 1,000 rows); same output. */
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

const READ_STEPS = [
  { id: "locating", label: "Finding the report" },
  { id: "unwrapping", label: "Unwrapping its key" },
  { id: "downloading", label: "Downloading from IPFS" },
  { id: "decrypting", label: "Decrypting" },
  { id: "verifying", label: "Checking the digests" },
] as const;

const COLUMNS = ["Report", "Registered", "Patient", "Doctor", "Report id", "Status", <span className="visually-hidden">Actions</span>];

const DATE = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/** The title, kind and date of service of a report, or why they cannot be shown. */
function TitleCell({ report, identity }: { report: ReportRecord; identity: EncryptionIdentity }) {
  const summary = useReportSummary(report, identity);
  if (summary.isPending) return <span className="muted small">…</span>;
  if (summary.isError) return <span className="muted small">(title unavailable)</span>;
  if (!summary.data) return <span className="muted">Untitled report</span>;
  return (
    <span data-testid="report-title">
      <strong>{summary.data.title}</strong>
      <br />
      <span className="small muted">
        {summary.data.kindLabel}
        {summary.data.dateOfService ? ` · ${summary.data.dateOfService}` : ""}
      </span>
    </span>
  );
}

/** A result held for review, as its patient (or anyone but its doctor) sees it: who, when registered, when it opens. */
function HeldCell({ report, nameOf }: { report: ReportRecord; nameOf: (address: string) => string }) {
  const when = releaseTimeText(report.heldUntil ?? Number.POSITIVE_INFINITY);
  return (
    <span data-testid="held-notice">
      <strong>A result from {nameOf(report.doctor)}</strong>
      <br />
      <span className="small">
        Registered on {dayText(report.registeredAt)}; your doctor is reviewing it. It will be released {when ? `on ${when}` : "when your doctor releases it"}.
      </span>
    </span>
  );
}

/** From this many rows on, only the rows on screen are rendered. */
const WINDOWED_FROM = 60;

interface RowProps {
  report: ReportRecord;
  nameOf: (address: string) => string;
  extra?: (report: ReportRecord) => ReactNode;
  below?: (report: ReportRecord) => ReactNode;
  /** Check the row against the contract (rows listed by the indexer). */
  check: boolean;
  /** The list is of reports shared with this reader: the check includes the grant. */
  sharedWith?: Address;
  open: ReturnType<typeof useOpenReport>;
  identity: EncryptionIdentity;
  index?: number;
  measure?: Measure;
}

/** Open: read, decrypt and check a report, then show it in the viewer. */
function useOpenReport(identity: EncryptionIdentity, nameOf: (address: string) => string, show: (view: OpenedReportView) => void) {
  const reader = useLedgerReader();
  const store = useContentStore();
  const config = usePublicConfig();
  const logOpened = useLogReportOpened();
  return useAction(async (progress: Progress<ReadStep>, reportId: Hex) => {
    progress("locating");
    const { readReport } = await import("#core/reports/read.ts"); // the decryption code, on first use
    const opened = await readReport(reader, store, reportId, identity, { maxBytes: config.maxFileBytes, onProgress: progress });
    const issued = `issued by ${nameOf(opened.record.doctor)}, registered ${DATE.format(new Date(opened.record.registeredAt * 1000))}`;
    show({ reportId, bytes: opened.bytes, summary: opened.summary, issued, sha256: opened.record.sha256, sha1: opened.record.sha1 });
    logOpened(reportId, identity); // into the report's access history, proven with the reader's key (signed in or not)
    return reportId;
  });
}

function ReportRow({ report: listed, nameOf, extra, below, check, sharedWith, open, identity, index, measure }: RowProps) {
  const reader = useLedgerReader();
  // O(1) per shown row: the contract's own record of this report.
  const checked = useQuery({
    queryKey: [...queryKeys.ledger.reportCheck(listed.reportId), sharedWith ?? null],
    queryFn: async () => (await import("#core/indexer/check.ts")).checkIndexedReport(reader, listed, sharedWith),
    enabled: check,
    staleTime: 30_000,
  });
  const report = checked.data?.record ? { ...listed, ...checked.data.record } : listed;
  const openedRow = open.args?.[0];
  // Held for review: only its doctor opens it until it is released.
  const heldFromMe = report.heldUntil !== null && report.doctor.toLowerCase() !== identity.address.toLowerCase();
  return (
    <tr key={report.reportId} data-report={report.reportId} data-index={index} ref={measure}>
      <td data-label="Report">
        {/* A row from the indexer: its head is opened with the keys of the chain's record only. */}
        {check && !checked.data ? (
          <span className="muted small">…</span>
        ) : heldFromMe ? (
          <HeldCell report={report} nameOf={nameOf} />
        ) : (
          <TitleCell report={report} identity={identity} />
        )}
      </td>
      <td data-label="Registered">{DATE_TIME.format(new Date(report.registeredAt * 1000))}</td>
      <td data-label="Patient">{nameOf(report.patient)}</td>
      <td data-label="Doctor">{nameOf(report.doctor)}</td>
      <td data-label="Report id">
        <AddressText value={report.reportId} copy label="report id" />
      </td>
      <td data-label="Status">
        {report.fraudulent ? (
          <span className="badge" title="This claim was marked fraudulent by the administrator">
            marked fraudulent
          </span>
        ) : report.supersededBy ? (
          <span className="badge">superseded</span>
        ) : (
          <span className="badge badge-ok">current</span>
        )}
        {report.heldUntil !== null ? (
          <span className="badge" data-testid="held-badge">
            held for review
          </span>
        ) : null}
        {report.supersedes ? (
          <span className="small muted" data-testid="amends">
            {" "}
            amends <AddressText value={report.supersedes} label="amended report id" />
          </span>
        ) : null}
        {check && checked.data ? (
          checked.data.ok ? (
            <span className="small muted" data-testid="chain-check" data-ok="true" title="What this row shows matches the contract's record">
              {" "}
              ✓ checked on chain
            </span>
          ) : (
            <span className="badge" data-testid="chain-check" data-ok="false" title="The list service is out of date or wrong; the contract's values are shown">
              differs from the chain ({checked.data.differences.join(", ")})
            </span>
          )
        ) : null}
      </td>
      <td className="cell-actions">
        {heldFromMe ? null : (
          <div className="row">
            <button type="button" className="btn btn-small btn-primary" disabled={open.pending} onClick={() => void open.run(report.reportId)}>
              Open
            </button>
            {extra?.(report)}
          </div>
        )}
        {openedRow === report.reportId && open.step ? <StepList steps={READ_STEPS} current={open.step} /> : null}
        {openedRow === report.reportId && open.result ? <Notice kind="success">Opened: decrypted on this device and checked against the chain.</Notice> : null}
        {openedRow === report.reportId ? <ErrorBox error={open.error} title="The report could not be opened" /> : null}
        {heldFromMe ? null : below?.(report)}
      </td>
    </tr>
  );
}

export function ReportList({
  reports,
  identity,
  nameOf,
  extra,
  below,
  testId,
  stackOnPhone,
  total,
  hasMore = false,
  onLoadMore,
  checkOnChain = false,
  sharedWith,
}: {
  reports: readonly ReportRecord[];
  identity: EncryptionIdentity;
  nameOf: (address: string) => string;
  extra?: (report: ReportRecord) => ReactNode;
  /** Under the row's buttons (e.g. who can read the report). */
  below?: (report: ReportRecord) => ReactNode;
  testId?: string;
  /** One block per report on a phone (see Table). */
  stackOnPhone?: boolean;
  /** Rows of the whole list, when `reports` is only the pages loaded so far. */
  total?: number;
  hasMore?: boolean;
  onLoadMore?: () => void;
  /** The rows come from the indexer: check each shown row against the contract. */
  checkOnChain?: boolean;
  /** The rows are reports shared with this reader (the check then includes the grant). */
  sharedWith?: Address;
}) {
  const [view, setView] = useState<OpenedReportView | null>(null);
  const open = useOpenReport(identity, nameOf, setView);
  const count = Math.max(total ?? 0, reports.length);
  if (count === 0)
    return (
      <p className="muted" data-testid={testId}>
        No reports.
      </p>
    );
  const row = (report: ReportRecord, index?: number, measure?: Measure) => (
    <ReportRow
      key={report.reportId}
      report={report}
      nameOf={nameOf}
      extra={extra}
      below={below}
      check={checkOnChain}
      sharedWith={sharedWith}
      open={open}
      identity={identity}
      index={index}
      measure={measure}
    />
  );
  const viewer = <ReportViewer view={view} onClose={() => setView(null)} />;
  if (count >= WINDOWED_FROM || hasMore) {
    return (
      <>
        {viewer}
        <WindowedTable
          columns={COLUMNS}
          count={count}
          loaded={reports.length}
          row={(index, measure) => row(reports[index]!, index, measure)}
          onNearEnd={hasMore ? onLoadMore : undefined}
          testId={testId}
          stackOnPhone={stackOnPhone}
        />
      </>
    );
  }
  return (
    <>
      {viewer}
      <Table testId={testId} columns={COLUMNS} stackOnPhone={stackOnPhone}>
        {reports.map((report) => row(report))}
      </Table>
    </>
  );
}
