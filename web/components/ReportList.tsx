"use client";
/** A table of reports with an Open button that decrypts, verifies and downloads the file. */
import { useState, type ReactNode } from "react";
import type { Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReadStep } from "#core/reports/read.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { downloadBytes, reportFileName, sniffMime } from "../lib/files.ts";
import { useLedgerReader, usePublicConfig } from "../lib/ledgerContext.tsx";
import { useContentStore } from "../lib/contentStore.ts";
import { useLogReportOpened } from "../lib/session.tsx";
import { AddressText } from "./AddressText.tsx";
import { ErrorBox, Notice } from "./ErrorBox.tsx";
import { StepList } from "./Progress.tsx";

/** One formatter for every row (toLocaleString builds a new one per call: slow for 1,000 rows); same output. */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });

const READ_STEPS = [
  { id: "locating", label: "Finding the report" },
  { id: "unwrapping", label: "Unwrapping its key" },
  { id: "downloading", label: "Downloading from IPFS" },
  { id: "decrypting", label: "Decrypting" },
  { id: "verifying", label: "Checking the digests" },
] as const;

export function ReportList({ reports, identity, nameOf, extra, testId }: {
  reports: readonly ReportRecord[];
  identity: EncryptionIdentity;
  nameOf: (address: string) => string;
  extra?: (report: ReportRecord) => ReactNode;
  testId?: string;
}) {
  const reader = useLedgerReader();
  const store = useContentStore();
  const config = usePublicConfig();
  const [opening, setOpening] = useState<{ id: Hex; step: ReadStep } | null>(null);
  const [error, setError] = useState<{ id: Hex; error: unknown } | null>(null);
  const [opened, setOpened] = useState<Hex | null>(null);
  const logOpened = useLogReportOpened();

  const open = async (report: ReportRecord) => {
    setError(null);
    setOpened(null);
    setOpening({ id: report.reportId, step: "locating" });
    try {
      const { readReport } = await import("#core/reports/read.ts"); // the decryption code, on first use
      const { bytes } = await readReport(reader, store, report.reportId, identity, {
        maxBytes: config.maxFileBytes,
        onProgress: (step) => setOpening({ id: report.reportId, step }),
      });
      const mime = sniffMime(bytes);
      downloadBytes(bytes, reportFileName(report.reportId, mime), mime);
      setOpened(report.reportId);
      logOpened(report.reportId); // into the admin's activity log, when signed in
    } catch (caught) {
      setError({ id: report.reportId, error: caught });
    } finally {
      setOpening(null);
    }
  };

  if (reports.length === 0) return <p className="muted" data-testid={testId}>No reports.</p>;
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr><th scope="col">Registered</th><th scope="col">Patient</th><th scope="col">Doctor</th><th scope="col">Report id (SHA-256)</th><th scope="col">Status</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {reports.map((report) => (
            <tr key={report.reportId} data-report={report.reportId}>
              <td>{DATE_TIME.format(new Date(report.registeredAt * 1000))}</td>
              <td>{nameOf(report.patient)}</td>
              <td>{nameOf(report.doctor)}</td>
              <td><AddressText value={report.reportId} copy label="report id" /></td>
              <td>
                {report.fraudulent ? <span className="badge" title="This claim was marked fraudulent by the administrator">marked fraudulent</span> : report.supersededBy ? <span className="badge">superseded</span> : <span className="badge badge-ok">current</span>}
                {report.supersedes ? <span className="small muted" data-testid="amends"> amends <AddressText value={report.supersedes} label="amended report id" /></span> : null}
              </td>
              <td>
                <div className="row">
                  <button type="button" className="btn btn-small btn-primary" disabled={opening !== null} onClick={() => void open(report)}>
                    Open
                  </button>
                  {extra?.(report)}
                </div>
                {opening?.id === report.reportId ? <StepList steps={READ_STEPS} current={opening.step} /> : null}
                {opened === report.reportId ? <Notice kind="success">Decrypted, checked against the chain, and saved.</Notice> : null}
                {error?.id === report.reportId ? <ErrorBox error={error.error} title="The report could not be opened" /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
