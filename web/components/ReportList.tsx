"use client";
/** A table of reports with an Open button that decrypts, verifies and downloads the file. */
import type { ReactNode } from "react";
import type { Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReadStep } from "#core/reports/read.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { downloadBytes, reportFileName, sniffMime } from "../lib/files.ts";
import { useLedgerReader, usePublicConfig } from "../lib/ledgerContext.tsx";
import { useContentStore } from "../lib/contentStore.ts";
import { useLogReportOpened } from "../lib/session.tsx";
import { useAction, type Progress } from "../lib/useAction.ts";
import { AddressText } from "./AddressText.tsx";
import { ErrorBox, Notice } from "./ErrorBox.tsx";
import { StepList } from "./Progress.tsx";
import { Table } from "./Table.tsx";

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

const COLUMNS = ["Registered", "Patient", "Doctor", "Report id", "Status", <span className="visually-hidden">Actions</span>];

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
  const open = useAction(async (progress: Progress<ReadStep>, reportId: Hex) => {
    progress("locating");
    const { readReport } = await import("#core/reports/read.ts"); // the decryption code, on first use
    const { bytes } = await readReport(reader, store, reportId, identity, { maxBytes: config.maxFileBytes, onProgress: progress });
    const mime = sniffMime(bytes);
    downloadBytes(bytes, reportFileName(reportId, mime), mime);
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
    <Table testId={testId} columns={COLUMNS} stackOnPhone={stackOnPhone}>
      {reports.map((report) => (
        <tr key={report.reportId} data-report={report.reportId}>
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
            {openedRow === report.reportId && open.result ? <Notice kind="success">Decrypted, checked against the chain, and saved.</Notice> : null}
            {openedRow === report.reportId ? <ErrorBox error={open.error} title="The report could not be opened" /> : null}
            {below?.(report)}
          </td>
        </tr>
      ))}
    </Table>
  );
}
