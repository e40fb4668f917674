/**
 * The admin's activity log: sign-ins, sign-outs, expired sessions and report openings, kept as a
 * hash chain in the database. Appends are serialised (in this process by a queue, across
 * processes by a PostgreSQL advisory lock, and by unique `seq` and `prev_hash`) so the chain
 * stays linear under concurrency.
 */
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { toCsv } from "#core/csv.ts";
import type { Db } from "../db/open.ts";
import { activityLog, type ActivityKind } from "../db/schema.ts";
import { GENESIS_HASH, hashEntry } from "./hashChain.ts";

/** What a caller logs; the chain fields are added by `appendActivity`. */
export interface NewActivity {
  readonly actor: Address;
  /** Roles read from the contract, e.g. ["doctor"]; empty for none. */
  readonly roles: readonly string[];
  readonly kind: ActivityKind;
  readonly reportId?: Hex;
  readonly sessionId?: string;
  /** How a report was opened ("app"/"cli"), for report_opened. */
  readonly via?: string;
  /** Defaults to now. */
  readonly at?: Date;
}

/** One stored entry of the activity log. */
export interface ActivityEntry {
  readonly id: string;
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly role: string;
  readonly kind: string;
  readonly reportId: string | null;
  readonly sessionId: string | null;
  /** How a report was opened ("app"/"cli"); null otherwise (and before it was recorded). */
  readonly via?: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** The chain's head: the last entry's hash and the number of entries. */
export interface AuditHead {
  /** GENESIS_HASH when the log is empty. */
  readonly head: Hex;
  readonly entries: number;
}

/** Arbitrary constant key of the advisory lock that serialises appends across processes. */
const APPEND_LOCK_KEY = 0x4d4c_4147; // "MLAG"

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `task` after every earlier task queued on the same key has finished. */
function serialised<T>(key: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  queues.set(
    key,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}

/** Encodes a role set for the `role` column. */
export function roleColumn(roles: readonly string[]): string {
  return roles.length === 0 ? "none" : [...roles].sort().join(",");
}

/** Appends one entry at the end of the chain and returns it. */
export function appendActivity(db: Db, entry: NewActivity): Promise<ActivityEntry> {
  return serialised(db, () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
      const [last] = await tx.select({ seq: activityLog.seq, hash: activityLog.hash }).from(activityLog).orderBy(desc(activityLog.seq)).limit(1);
      const fields = {
        id: randomUUID(),
        seq: (last?.seq ?? 0) + 1,
        at: entry.at ?? new Date(),
        actor: entry.actor.toLowerCase(),
        role: roleColumn(entry.roles),
        kind: entry.kind,
        reportId: entry.reportId?.toLowerCase() ?? null,
        sessionId: entry.sessionId ?? null,
        via: entry.via ?? null,
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const row = { ...fields, hash: hashEntry(fields) };
      await tx.insert(activityLog).values(row);
      return row;
    }),
  );
}

/** The current head of the chain, to anchor on chain. */
export async function auditHead(db: Db): Promise<AuditHead> {
  const [last] = await db.select({ seq: activityLog.seq, hash: activityLog.hash }).from(activityLog).orderBy(desc(activityLog.seq)).limit(1);
  return last ? { head: last.hash as Hex, entries: last.seq } : { head: GENESIS_HASH, entries: 0 };
}

export interface ActivityFilter {
  /** Only this account's entries. */
  readonly user?: Address;
  /** Only entries whose actor held this role at the time. */
  readonly role?: string;
  readonly kind?: ActivityKind;
  /** Inclusive bounds. */
  readonly from?: Date;
  readonly to?: Date;
  /** Newest first, at most this many (default 500, at most 10 000). */
  readonly limit?: number;
}

/** Entries matching `filter`, newest first. */
export async function listActivity(db: Db, filter: ActivityFilter = {}): Promise<ActivityEntry[]> {
  const conditions: SQL[] = [];
  if (filter.user) conditions.push(eq(activityLog.actor, filter.user.toLowerCase()));
  if (filter.role) conditions.push(sql`(',' || ${activityLog.role} || ',') like ${`%,${filter.role},%`}`);
  if (filter.kind) conditions.push(eq(activityLog.kind, filter.kind));
  if (filter.from) conditions.push(gte(activityLog.at, filter.from));
  if (filter.to) conditions.push(lte(activityLog.at, filter.to));
  const limit = Math.min(Math.max(filter.limit ?? 500, 1), 10_000);
  return db
    .select()
    .from(activityLog)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(activityLog.seq))
    .limit(limit);
}

/** Every entry in chain order (for verification). */
export async function allActivity(db: Db): Promise<ActivityEntry[]> {
  return db.select().from(activityLog).orderBy(asc(activityLog.seq));
}

const CSV_COLUMNS = ["seq", "at", "actor", "role", "kind", "reportId", "sessionId", "prevHash", "hash"] as const;

/** RFC 4180 CSV of the entries, with a header row. */
export function activityToCsv(entries: readonly ActivityEntry[]): string {
  return toCsv(
    CSV_COLUMNS,
    entries.map((e) => [String(e.seq), e.at.toISOString(), e.actor, e.role, e.kind, e.reportId ?? "", e.sessionId ?? "", e.prevHash, e.hash]),
  );
}
