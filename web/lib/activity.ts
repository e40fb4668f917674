/**
 * The admin's merged activity view, as pure functions: the server's off-chain activity log
 * (sign-ins, sign-outs, expired sessions, opened reports) and the contract's on-chain events in
 * one chronological list, plus the query parameters both sources share.
 */
import type { Address, Hash, Hex } from "viem";
import type { TimelineEntry, TimelineFilter } from "#core/contract/events.ts";
import { toCsv } from "#core/csv.ts";
import { dayToSeconds, describeEvent } from "./timeline.ts";
import type { ActivityEntry } from "#server/activity/log.ts";

/**
 * One entry of GET /api/activity: the server's entry with its date as an ISO string. `role` holds
 * the roles held at that moment, comma-separated, or "none".
 */
export type ActivityEntryJson = Omit<ActivityEntry, "at"> & { readonly at: string };

/** GET /api/activity: the entries (newest first) and the head of the whole hash chain. */
export interface ActivityAnswer {
  readonly entries: readonly ActivityEntryJson[];
  readonly head: { readonly head: Hex; readonly entries: number };
}

/** GET /api/activity/verify (bigints as decimal strings). */
export interface AuditVerificationJson {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: Hex;
  readonly anchorsChecked: number;
  readonly latestAnchor?: { readonly head: Hex; readonly entries: number; readonly by: Address; readonly blockNumber: string; readonly transactionHash: Hash };
  readonly unanchoredEntries: number;
  readonly firstProblem?: { readonly kind: string; readonly seq: number; readonly toSeq?: number; readonly message: string };
  readonly problems: readonly { readonly kind: string; readonly seq: number; readonly message: string }[];
}

export const ACTIVITY_KINDS = ["login", "logout", "session_expired", "report_opened"] as const;
export const ACTIVITY_ROLES = ["admin", "receptionist", "doctor", "patient", "none"] as const;

/** What the admin filters by (form values as typed). */
export interface ActivityFilterInput {
  /** An account address, or "" for everyone. */
  readonly user: string;
  /** One of ACTIVITY_ROLES, or "". */
  readonly role: string;
  /** One of ACTIVITY_KINDS, or "". */
  readonly kind: string;
  /** YYYY-MM-DD (local days), or "". */
  readonly from: string;
  readonly to: string;
}

/** Query parameters of GET /api/activity for `input`: local-day bounds as ISO instants. */
export function activityParams(input: ActivityFilterInput): Record<string, string | undefined> {
  const bound = (day: string, end: boolean) => {
    const seconds = dayToSeconds(day, end);
    if (seconds === undefined) return undefined;
    return new Date(seconds * 1000 + (end ? 999 : 0)).toISOString();
  };
  return {
    user: input.user || undefined,
    role: input.role || undefined,
    kind: input.kind || undefined,
    from: bound(input.from, false),
    to: bound(input.to, true),
  };
}

/** The same filter for core's getTimeline (on-chain events have no role or activity kind). */
export function timelineFilter(input: ActivityFilterInput): TimelineFilter {
  return { actor: input.user ? (input.user as Address) : undefined, from: dayToSeconds(input.from, false), to: dayToSeconds(input.to, true) };
}

export type MergedRow =
  | { readonly source: "off-chain"; readonly key: string; readonly time: number; readonly actor: string; readonly entry: ActivityEntryJson }
  | { readonly source: "on-chain"; readonly key: string; readonly time: number; readonly actor: string; readonly event: TimelineEntry };

/**
 * Both sources in one list, newest first. Equal times keep each source's own order (chain order
 * for events, sequence for the log); an on-chain event sorts before off-chain activity of the same second.
 */
export function mergeActivity(offChain: readonly ActivityEntryJson[], onChain: readonly TimelineEntry[]): MergedRow[] {
  const rows: MergedRow[] = [
    ...offChain.map((entry): MergedRow => ({ source: "off-chain", key: `log-${entry.seq}`, time: Date.parse(entry.at), actor: entry.actor, entry })),
    ...onChain.map((event): MergedRow => ({
      source: "on-chain",
      key: `tx-${event.transactionHash}-${event.logIndex}`,
      time: event.timestamp * 1000,
      actor: event.actor,
      event,
    })),
  ];
  const order = (row: MergedRow): number => (row.source === "off-chain" ? row.entry.seq : Number(row.event.blockNumber) * 10_000 + row.event.logIndex);
  return rows.sort((a, b) => {
    // Blocks carry whole seconds: compare at that precision so a block is not placed after activity of its own second.
    const byTime = Math.floor(b.time / 1000) - Math.floor(a.time / 1000);
    if (byTime !== 0) return byTime;
    if (a.source !== b.source) return a.source === "on-chain" ? -1 : 1;
    return order(b) - order(a) || b.time - a.time;
  });
}

/** "Signed in", "Signed out", "Session expired", "Opened report 0x12…ab". */
export function describeActivity(entry: Pick<ActivityEntryJson, "kind" | "reportId">): string {
  switch (entry.kind) {
    case "login":
      return "Signed in";
    case "logout":
      return "Signed out";
    case "session_expired":
      return "Session expired";
    case "report_opened":
      return `Opened report ${entry.reportId ? `${entry.reportId.slice(0, 10)}…${entry.reportId.slice(-4)}` : ""}`.trim();
    default:
      return entry.kind;
  }
}

/** A block explorer's page of transaction `hash`, for the public networks that have a well-known one. */
export function explorerTxUrl(chainId: number, hash: Hash): string | undefined {
  const explorers: Readonly<Record<number, string>> = {
    1: "https://etherscan.io",
    11155111: "https://sepolia.etherscan.io",
    17000: "https://holesky.etherscan.io",
  };
  const base = explorers[chainId];
  return base ? `${base}/tx/${hash}` : undefined;
}

const SHOWN_CSV_COLUMNS = ["time", "source", "actor", "name", "role", "what", "kind", "record", "block", "hash"] as const;

/**
 * The rows as shown (off-chain and on-chain, newest first) as CSV: one line each, the off-chain
 * log entry's number and hash or the event's transaction, block and log index.
 */
export function activityRowsToCsv(rows: readonly MergedRow[], nameOf: (account: string) => string): string {
  return toCsv(
    SHOWN_CSV_COLUMNS,
    rows.map((row) =>
      row.source === "off-chain"
        ? [
            new Date(row.time).toISOString(),
            "off-chain",
            row.actor,
            nameOf(row.actor),
            row.entry.role,
            describeActivity(row.entry),
            row.entry.kind,
            `log entry ${row.entry.seq}`,
            "",
            row.entry.hash,
          ]
        : [
            new Date(row.time).toISOString(),
            "on-chain",
            row.actor,
            nameOf(row.actor),
            "",
            describeEvent(row.event, nameOf),
            row.event.eventName,
            `${row.event.transactionHash}#${row.event.logIndex}`,
            row.event.blockNumber.toString(),
            row.event.transactionHash,
          ],
    ),
  );
}
