"use client";
/**
 * The profile re-seal that follows a doctor's assignment or unassignment: its progress, its
 * result, and — when it fails after the assignment went through — a clear message with a retry
 * of the re-seal alone. The workflow's own re-seal is shown here; a retry is one transaction of
 * its own, announced by its toast.
 */
import { useCallback, useState } from "react";
import type { Address } from "viem";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import type { ResealOutcome, ResealResult } from "#core/patients/reseal.ts";
import { useContentStore } from "#web/lib/contentStore.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

/** The change the re-seal follows. */
export interface DoctorChange {
  readonly kind: "assigned" | "unassigned";
  readonly patient: Address;
  readonly doctor: Address;
}

export interface Reseal {
  readonly change: DoctorChange | null;
  readonly pending: boolean;
  readonly error: unknown;
  readonly result: ResealResult | undefined;
  /** Whether the result is a retry's (announced by its toast), not the workflow's. */
  readonly retried: boolean;
  /** The core workflow has started the re-seal that follows `change` (which has gone through on chain). */
  begin(change: DoctorChange): void;
  /** The outcome of that re-seal, as the workflow returned it. */
  report(outcome: ResealOutcome): void;
  /** Re-seals again, alone, for the last change. */
  retry(): Promise<void>;
}

const doReseal = async (writer: LedgerWriter, store: ContentStore, identity: EncryptionIdentity, patient: Address) =>
  (await import("#core/patients/reseal.ts")).resealPatientProfile(writer, store, identity, patient);

export function useReseal(identity: EncryptionIdentity): Reseal {
  const store = useContentStore();
  const nameOf = useNameOf();
  const [change, setChange] = useState<DoctorChange | null>(null);
  const resealed = (c: DoctorChange | null) => (c ? (c.kind === "assigned" ? ` for ${nameOf(c.doctor)}` : ` without ${nameOf(c.doctor)}`) : "");
  const action = useLedgerAction(doReseal, {
    pending: () => `Re-sealing the profile${resealed(change)}…`,
    success: () => (change?.kind === "assigned" ? `Profile re-sealed: ${nameOf(change.doctor)} can read it.` : `Profile re-sealed${resealed(change)}.`),
    failure: "The profile was not re-sealed",
  });
  /** The workflow's re-seal: running, or its outcome; null once a retry has taken over. */
  const [reported, setReported] = useState<ResealOutcome | "running" | null>(null);
  const { run, reset } = action;
  const begin = useCallback(
    (next: DoctorChange) => {
      reset();
      setChange(next);
      setReported("running");
    },
    [reset],
  );
  const report = useCallback((outcome: ResealOutcome) => setReported(outcome), []);
  const retry = useCallback(async () => {
    if (!change) return;
    setReported(null);
    await run(store, identity, change.patient);
  }, [run, store, identity, change]);
  const outcome = reported === "running" ? null : reported;
  return {
    change,
    pending: reported === "running" || action.pending,
    error: outcome ? (outcome.ok ? null : outcome.error) : action.error,
    result: outcome ? (outcome.ok ? outcome.result : undefined) : action.result,
    retried: reported === null,
    begin,
    report,
    retry,
  };
}

export function ResealStatus({ reseal }: { reseal: Reseal }) {
  const nameOf = useNameOf();
  const { change } = reseal;
  if (!change) return null;
  const doctor = nameOf(change.doctor);
  // A retry's progress and outcome are its toast's.
  if (reseal.pending)
    return reseal.retried ? null : <Spinner label={`Re-sealing the profile ${change.kind === "assigned" ? `for ${doctor}` : `without ${doctor}`}…`} />;
  if (reseal.error) {
    const title =
      change.kind === "assigned"
        ? `${doctor} is assigned, but the profile was not re-sealed for them: they cannot read it yet.`
        : `${doctor} is unassigned, but the profile was not re-sealed without them.`;
    return (
      <div className="reseal-failed" data-testid="reseal-failed">
        {/* A failed retry's reason is in its toast: here only what it leaves to do. */}
        {reseal.retried ? <p className="small">{title}</p> : <ErrorBox error={reseal.error} title={title} />}
        <button type="button" className="btn btn-small btn-primary" onClick={() => void reseal.retry()}>
          Retry re-sealing the profile
        </button>
      </div>
    );
  }
  if (!reseal.result) return null;
  const missing = reseal.result.doctorsWithoutKey;
  return (
    <>
      {reseal.retried ? null : (
        <Notice kind="success">
          <span data-testid="reseal-done">Profile re-sealed{change.kind === "assigned" ? `: ${doctor} can read it.` : ` without ${doctor}.`}</span>
        </Notice>
      )}
      {missing.length > 0 ? (
        <Notice kind="warning">
          {missing.map(nameOf).join(", ")} {missing.length === 1 ? "has" : "have"} not published an encryption key yet, so the profile is not sealed for them:
          re-seal it once they have unlocked their key on the Doctor page.{" "}
          <button type="button" className="btn btn-small" onClick={() => void reseal.retry()}>
            Re-seal again
          </button>
        </Notice>
      ) : null}
    </>
  );
}
