"use client";
/**
 * A table of reports — each with its title, kind and date of service (from the encrypted head of
 * the report, opened in the browser) — and an Open button that decrypts, verifies and shows the
 * report in the page, with Download beside it.
 */
import { useState, type ReactNode } from "react";
import type { Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReadStep } from "#core/reports/read.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { useLedgerReader, usePublicConfig } from "../lib/ledgerContext.tsx";
import { useContentStore } from "../lib/contentStore.ts";
import { useLogReportOpened } from "../lib/session.tsx";
import { useAction, type Progress } from "../lib/useAction.ts";
import { AddressText } from "./AddressText.tsx";
import { ErrorBox, Notice } from "./ErrorBox.tsx";
import { StepList } from "./Progress.tsx";
import { Table } from "./Table.tsx";
import { useReportSummary } from "../lib/useReportSummary.ts";
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

export function ReportList({
  reports,
  identity,
  nameOf,
  extra,
  below,
  testId,
  stackOnPhone,
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
}) {
  const reader = useLedgerReader();
  const store = useContentStore();
  const config = usePublicConfig();
  const logOpened = useLogReportOpened();
  const [view, setView] = useState<OpenedReportView | null>(null);
  const open = useAction(async (progress: Progress<ReadStep>, reportId: Hex) => {
    progress("locating");
    const { readReport } = await import("#core/reports/read.ts"); // the decryption code, on first use
    const opened = await readReport(reader, store, reportId, identity, { maxBytes: config.maxFileBytes, onProgress: progress });
    const issued = `issued by ${nameOf(opened.record.doctor)}, registered ${DATE.format(new Date(opened.record.registeredAt * 1000))}`;
    setView({ reportId, bytes: opened.bytes, summary: opened.summary, issued, sha256: opened.record.sha256, sha1: opened.record.sha1 });
    logOpened(reportId); // into the admin's activity log, when signed in
    return reportId;
  });
  /** The report the last Open was for. */
  const openedRow = open.args?.[0];

  if (reports.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        No reports.
      </p>
    );
  return (
    <>
      <ReportViewer view={view} onClose={() => setView(null)} />
      <Table testId={testId} columns={COLUMNS} stackOnPhone={stackOnPhone}>
        {reports.map((report) => (
          <tr key={report.reportId} data-report={report.reportId}>
            <td data-label="Report">
              <TitleCell report={report} identity={identity} />
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
              {report.supersedes ? (
                <span className="small muted" data-testid="amends">
                  {" "}
                  amends <AddressText value={report.supersedes} label="amended report id" />
                </span>
              ) : null}
            </td>
            <td className="cell-actions">
              <div className="row">
                <button type="button" className="btn btn-small btn-primary" disabled={open.pending} onClick={() => void open.run(report.reportId)}>
                  Open
                </button>
                {extra?.(report)}
              </div>
              {openedRow === report.reportId && open.step ? <StepList steps={READ_STEPS} current={open.step} /> : null}
              {openedRow === report.reportId && open.result ? (
                <Notice kind="success">Opened: decrypted on this device and checked against the chain.</Notice>
              ) : null}
              {openedRow === report.reportId ? <ErrorBox error={open.error} title="The report could not be opened" /> : null}
              {below?.(report)}
            </td>
          </tr>
        ))}
      </Table>
    </>
  );
}
