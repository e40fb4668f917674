"use client";
/**
 * "Verify log" (the server checks every hash-chain link and every on-chain anchor) and "Anchor on
 * chain" (the admin's wallet sends anchorAuditLog(head, entries) for the log's current head).
 */
import type { Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { AuditVerificationJson } from "#web/lib/activity.ts";
import { apiRequest } from "#web/lib/api.ts";
import { useAction } from "#web/lib/useAction.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

async function anchor(writer: LedgerWriter, head: Hex, entries: number) {
  return writeLedger(writer, "anchorAuditLog", [head, BigInt(entries)]);
}

export function LogIntegrity({
  head,
  onChanged,
}: {
  /** The whole log's head (from GET /api/activity); undefined while loading. */
  head: { head: Hex; entries: number } | undefined;
  /** Called after an anchor was mined (to reload the activity). */
  onChanged: () => void;
}) {
  const verifying = useAction(() => apiRequest<AuditVerificationJson>("/api/activity/verify"));
  const anchoring = useLedgerAction(anchor, {
    pending: "Anchoring the log on chain…",
    success: (_result, _head, entries) => (
      <span data-testid="anchor-done">
        The log&apos;s first {entries} {entries === 1 ? "entry is" : "entries are"} anchored on chain.
      </span>
    ),
    failure: "The log was not anchored",
  });
  const verification = verifying.result;

  const sendAnchor = async () => {
    if (!head || head.entries === 0) return;
    verifying.reset(); // the last verification is out of date
    const done = await anchoring.run(head.head, head.entries);
    if (done) onChanged();
  };

  return (
    <section className="card" aria-labelledby="integrity-title" data-testid="log-integrity">
      <h2 id="integrity-title">Integrity of the activity log</h2>
      <p className="muted small">
        Each entry&apos;s hash covers the previous one. Anchoring writes the latest hash on chain, so any later change or removal of an entry is detected by
        “Verify log”.
        {head ? (
          <>
            {" "}
            The log holds {head.entries} {head.entries === 1 ? "entry" : "entries"}; its head is <AddressText value={head.head} copy label="log head" />.
          </>
        ) : null}
      </p>
      <div className="row">
        <button type="button" className="btn" disabled={verifying.pending} onClick={() => void verifying.run()}>
          Verify log
        </button>
        <button type="button" className="btn btn-primary" disabled={anchoring.pending || !head || head.entries === 0} onClick={() => void sendAnchor()}>
          Anchor on chain
        </button>
        {verifying.pending ? <Spinner label="Checking every entry and anchor…" /> : null}
        {anchoring.pending ? <Spinner label="Waiting for your wallet and the transaction…" /> : null}
      </div>
      <ErrorBox error={verifying.error} title="The log could not be verified" />
      {verification ? <VerificationResult result={verification} /> : null}
    </section>
  );
}

function VerificationResult({ result }: { result: AuditVerificationJson }) {
  if (result.ok) {
    return (
      <Notice kind="success">
        <span data-testid="verify-result" data-ok="true">
          The log checks out: {result.entries} {result.entries === 1 ? "entry" : "entries"}, {result.anchorsChecked} on-chain{" "}
          {result.anchorsChecked === 1 ? "anchor" : "anchors"} checked.
          {result.unanchoredEntries > 0
            ? ` ${result.unanchoredEntries} recent ${result.unanchoredEntries === 1 ? "entry is" : "entries are"} not anchored yet.`
            : " Every entry is anchored."}
        </span>
      </Notice>
    );
  }
  return (
    <div className="alert alert-error" role="alert" data-testid="verify-result" data-ok="false">
      <strong className="alert-title">The activity log was altered</strong>
      <p className="alert-message">{result.firstProblem?.message ?? "A problem was found."}</p>
      <p className="alert-hint">
        {result.problems.length > 1 ? `${result.problems.length} problems in all. ` : ""}
        Restore the database from a backup, or investigate the entries from #{result.firstProblem?.seq ?? "?"} on.
      </p>
    </div>
  );
}
