"use client";
/**
 * What a patient sees of emergency ("break-glass") access to their record: a notice on their next
 * visit for each access they have not dismissed yet ("Dr X opened your records in an emergency on
 * …"; the dismissal is remembered on this device), and the list of every emergency access — who,
 * why, when, until when — from the chain.
 */
import { useCallback, useSyncExternalStore } from "react";
import type { Address } from "viem";
import type { EmergencyAccess } from "#core/care/emergency.ts";
import { useEmergencyAccesses } from "#web/lib/emergencyLists.ts";
import { usePublicConfig } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { Table } from "../Table.tsx";

const WHEN = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const when = (seconds: number) => WHEN.format(new Date(seconds * 1000));

const changed = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  changed.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    changed.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

/** The emergency accesses (by transaction) this device's patient dismissed, in localStorage. */
function useDismissed(storageKey: string): { dismissed: ReadonlySet<string>; dismiss: (id: string) => void } {
  const raw = useSyncExternalStore(
    subscribe,
    () => globalThis.localStorage?.getItem(storageKey) ?? "[]",
    () => "[]",
  );
  const dismissed = new Set<string>(parseList(raw));
  const dismiss = useCallback(
    (id: string) => {
      const next = [...new Set([...parseList(globalThis.localStorage?.getItem(storageKey) ?? "[]"), id])];
      globalThis.localStorage?.setItem(storageKey, JSON.stringify(next));
      for (const listener of changed) listener();
    },
    [storageKey],
  );
  return { dismissed, dismiss };
}

function parseList(raw: string): string[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** "Dr X opened your records in an emergency on …", until dismissed on this device. */
export function EmergencyNotice({ address }: { address: Address }) {
  const { chainId } = usePublicConfig();
  const nameOf = useNameOf();
  const accesses = useEmergencyAccesses(address);
  const { dismissed, dismiss } = useDismissed(`medledger:emergency-seen:${chainId}:${address.toLowerCase()}`);
  const unseen = (accesses.rows ?? []).filter((a) => !dismissed.has(a.transactionHash));
  if (unseen.length === 0) return null;
  return (
    <div data-testid="emergency-notice">
      {unseen.map((access) => (
        <Notice key={access.transactionHash} kind="warning">
          <span>
            {nameOf(access.doctor)} opened your records in an emergency on {when(access.at)} ({access.reason.label}).{" "}
            {access.active ? `Their access ends on ${when(access.until)}.` : `Their access ended on ${when(access.until)}.`}
          </span>{" "}
          <button type="button" className="btn btn-small" onClick={() => dismiss(access.transactionHash)}>
            Dismiss
          </button>
        </Notice>
      ))}
    </div>
  );
}

function AccessRow({ access, nameOf }: { access: EmergencyAccess; nameOf: (a: string) => string }) {
  return (
    <tr data-active={String(access.active)}>
      <td data-label="Who">{nameOf(access.doctor)}</td>
      <td data-label="Why">{access.reason.label}</td>
      <td data-label="When">{when(access.at)}</td>
      <td data-label="Until">
        {when(access.until)} {access.active ? <span className="badge badge-ok">open now</span> : <span className="badge">ended</span>}
      </td>
    </tr>
  );
}

/** Every emergency access to the patient's record, newest first. */
export function EmergencyHistory({ address }: { address: Address }) {
  const nameOf = useNameOf();
  const accesses = useEmergencyAccesses(address);
  if (accesses.rows?.length === 0) return null;
  return (
    <section className="card" aria-labelledby="emergency-history-title">
      <h2 id="emergency-history-title">Emergency access to your records</h2>
      <p className="muted small">Doctors not assigned to you who opened your reports in an emergency. Each access is recorded publicly and ends on its own.</p>
      {accesses.isPending ? <Spinner label="Reading…" /> : null}
      <ErrorBox error={accesses.error} />
      {accesses.rows ? (
        <Table testId="emergency-history" columns={["Who", "Why", "When", "Until"]}>
          {accesses.rows.map((access) => (
            <AccessRow key={access.transactionHash} access={access} nameOf={nameOf} />
          ))}
        </Table>
      ) : null}
    </section>
  );
}
