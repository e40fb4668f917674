"use client";
/**
 * Who can read one report now (the issuing doctor, and each reader with their end date, from
 * web/lib/reportLists.ts `useReadersOfPatient`: the indexer's grants checked on chain, or the
 * chain's events), and per reader "Stop sharing" (`revokeShare`) or "Stop sharing
 * and re-encrypt" (core/reports/rekey.ts `revokeAndRekey`), each behind a confirmation.
 */
import type { Address } from "viem";
import { guardianSender } from "#core/care/guardians.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { RekeyStep } from "#core/reports/rekey.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import type { ReportReader } from "#core/reports/share.ts";
import { useContentStore } from "#web/lib/contentStore.ts";
import { lastDayOfAccess } from "#web/lib/dates.ts";
import { useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { RELAY_STEPS, useActionSender, type RelayStep } from "#web/lib/relay.ts";
import { useAction, type Progress } from "#web/lib/useAction.ts";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { StepList } from "../Progress.tsx";
import { AccessHistory } from "./AccessHistory.tsx";
import { sharing } from "./ShareReports.tsx";

const LEDGER = [queryKeys.ledger.all()];

type RevokeRekeyStep = "revoking" | RekeyStep;

const REKEY_STEPS = [
  { id: "revoking", label: "Stopping the sharing (confirm in your wallet)" },
  { id: "decrypting", label: "Opening the report" },
  { id: "encrypting", label: "Locking it with a new key" },
  { id: "uploading", label: "Storing the new copy" },
  { id: "signing", label: "Recording the new key (confirm in your wallet)" },
  { id: "unpinning", label: "Removing the old copy" },
] as const;

export function ReportReaders({
  report,
  identity,
  readers,
  forPatient,
}: {
  report: ReportRecord;
  identity: EncryptionIdentity;
  /** This report's readers (undefined while they are read: one query for all the patient's reports). */
  readers: readonly ReportReader[] | undefined;
  /** Stop sharing as this patient's guardian (revokeAccessAsGuardian); re-encrypting stays with the patient. */
  forPatient?: Address;
}) {
  const getWriter = useLedgerWriter();
  const store = useContentStore();
  const nameOf = useNameOf();
  const senderFor = useActionSender();
  const revoke = useAction(
    async (progress: Progress<RelayStep>, who: Address) => {
      const writer = await getWriter();
      return (await sharing()).revokeShare(writer, report.reportId, who, forPatient ? guardianSender(writer, forPatient) : await senderFor(writer, progress));
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: (who) => `Stopping the sharing with ${nameOf(who)}…`,
        success: (_hash, who) => `${nameOf(who)} can no longer open this report.`,
        failure: "Sharing not stopped",
      },
    },
  );
  const rekey = useAction(
    async (progress: Progress<RevokeRekeyStep>, who: Address) => {
      progress("revoking");
      const writer = await getWriter();
      const send = await senderFor(writer);
      const { revokeAndRekey } = await import("#core/reports/rekey.ts");
      return revokeAndRekey(writer, store, report.reportId, who, identity, { onProgress: progress, ...(send ? { send } : {}) });
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: (who) => `Stopping the sharing with ${nameOf(who)} and locking the report with a new key…`,
        success: (_result, who) => `${nameOf(who)} can no longer open this report, and it is now locked with a new key.`,
        failure: "Not re-encrypted",
      },
    },
  );
  const busy = revoke.pending || rekey.pending;

  return (
    <div className="readers" data-testid="report-readers">
      <p className="small">
        <strong>Who can read it:</strong> {forPatient ? "the patient, you (their guardian)" : "you"}, and {nameOf(report.doctor)} (issued it)
        {readers && readers.length > 0 ? ", and:" : "."}
      </p>
      {readers && readers.length > 0 ? (
        <ul className="plain-list small" aria-label="Shared with">
          {readers.map((r) => {
            const name = nameOf(r.reader);
            return (
              <li key={r.reader} data-reader={r.reader} data-status={r.status}>
                <span>
                  <strong>{name}</strong> —{" "}
                  {r.status === "expired"
                    ? `expired on ${lastDayOfAccess(r.expiresAt ?? 0)}`
                    : r.expiresAt
                      ? `until ${lastDayOfAccess(r.expiresAt)}`
                      : "no end date"}
                </span>
                <span className="row">
                  <ConfirmButton
                    label="Stop sharing"
                    disabled={busy}
                    explanation={`${name} will no longer be able to open this report. A copy ${name} already downloaded cannot be taken back.`}
                    onConfirm={() => void revoke.run(r.reader)}
                  />
                  {forPatient ? null : (
                    <ConfirmButton
                      label="Stop sharing and re-encrypt"
                      confirmLabel="Stop sharing and re-encrypt"
                      disabled={busy}
                      explanation={`${name} will no longer be able to open this report, and it is locked again with a new key, so that even a copy of the old key that ${name} may have kept opens nothing. This takes a moment; your wallet asks you to confirm twice.`}
                      onConfirm={() => void rekey.run(r.reader)}
                    />
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
      {readers === undefined ? <p className="small muted">Checking who can read it…</p> : null}
      {revoke.step ? <StepList steps={RELAY_STEPS} current={revoke.step} /> : null}
      {rekey.step ? <StepList steps={REKEY_STEPS} current={rekey.step} /> : null}
      {forPatient ? null : <AccessHistory report={report} />}
    </div>
  );
}
