"use client";
/**
 * The doctor's results held for review (core/reports/release.ts `heldReportsOf`, read from the
 * chain): each with its patient, when it is released automatically (or that it waits for the
 * doctor), and Release — the report key wrapped for the patient's key, recorded on chain — behind
 * a confirmation, announced in a toast.
 */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { dayText, releaseTimeText } from "#web/lib/held.ts";
import { useLedgerReader, useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useAction, type Progress } from "#web/lib/useAction.ts";
import { useReportSummary } from "#web/lib/useReportSummary.ts";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

const LEDGER = [queryKeys.ledger.all()];

function HeldRow({
  report,
  identity,
  patientName,
  busy,
  onRelease,
}: {
  report: ReportRecord;
  identity: EncryptionIdentity;
  patientName: string;
  busy: boolean;
  onRelease: (report: ReportRecord, title: string) => void;
}) {
  const summary = useReportSummary(report, identity);
  const title = summary.data?.title ?? "Untitled report";
  const when = releaseTimeText(report.heldUntil ?? Number.POSITIVE_INFINITY);
  return (
    <li data-report={report.reportId} data-testid="held-result">
      <span>
        <strong>{summary.isPending ? "…" : title}</strong> for {patientName}, registered {dayText(report.registeredAt)}.{" "}
        <span className="small" data-testid="held-when">
          {when ? `Released automatically on ${when} unless you release it sooner.` : "Waits until you release it."}
        </span>
      </span>
      <ConfirmButton
        label="Release"
        ariaLabel={`Release “${title}” to ${patientName}`}
        confirmLabel="Release to the patient"
        className="btn btn-small btn-primary"
        disabled={busy}
        explanation="The patient will be able to open this result now. This cannot be undone."
        onConfirm={() => onRelease(report, title)}
      />
    </li>
  );
}

export function HeldResults({ address, identity, nameOf }: { address: Address; identity: EncryptionIdentity; nameOf: (account: string) => string }) {
  const reader = useLedgerReader();
  const getWriter = useLedgerWriter();
  const held = useQuery({
    queryKey: queryKeys.ledger.heldReports(address),
    queryFn: async () => (await import("#core/reports/release.ts")).heldReportsOf(reader, address),
  });
  const release = useAction(
    async (_progress: Progress<never>, report: ReportRecord, _title: string) => {
      const [writer, { releaseReport }] = await Promise.all([getWriter(), import("#core/reports/release.ts")]);
      return releaseReport(writer, report.reportId, identity);
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: (report, title) => `Releasing “${title}” to ${nameOf(report.patient)}…`,
        success: (_result, report, title) => `${nameOf(report.patient)} can open “${title}” now.`,
        failure: "Result not released",
      },
    },
  );
  if (!held.isPending && !held.error && held.data?.length === 0) return null;
  return (
    <section className="card" aria-labelledby="held-title">
      <h2 id="held-title">Held for review</h2>
      <p className="small muted">Results you registered that the patient cannot open yet. They see that a result exists and when it will be released.</p>
      {held.isPending ? <Spinner label="Reading your held results…" /> : null}
      <ErrorBox error={held.error} title="Could not read your held results" />
      {held.data && held.data.length > 0 ? (
        <ul className="plain-list" data-testid="held-results">
          {held.data.map((report) => (
            <HeldRow
              key={report.reportId}
              report={report}
              identity={identity}
              patientName={nameOf(report.patient)}
              busy={release.pending}
              onRelease={(r, title) => void release.run(r, title)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
