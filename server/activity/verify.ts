/**
 * Checking the activity log: every link of the hash chain and every on-chain anchor
 * (`AuditLogAnchored` events), naming the first entry that was altered or removed; and anchoring
 * the current head on chain.
 */
import type { Address, Hash, Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import type { LedgerReader, LedgerWriter } from "#core/contract/ledger.ts";
import { MedLedgerError } from "#core/errors.ts";
import type { Db } from "../db/open.ts";
import { GENESIS_HASH, hashEntry } from "./hashChain.ts";
import { allActivity, auditHead, type ActivityEntry } from "./log.ts";

/** One on-chain anchor of the log. */
export interface AuditAnchor {
  readonly head: Hex;
  /** Number of entries the head covers (the head is the hash of entry `entries`). */
  readonly entries: number;
  readonly by: Address;
  readonly blockNumber: bigint;
  readonly transactionHash: Hash;
}

/**
 * - altered: the entry's content no longer matches its own hash.
 * - removed: the entry (seq) is missing from the log.
 * - link_broken: the entry is self-consistent but the next entry recorded another hash for it:
 *   it was altered and re-hashed, or entries after it were removed and the rest renumbered.
 * - truncated: an anchor covers more entries than the log has: the tail was removed.
 * - anchor_mismatch: the entry an anchor covers has another hash than anchored: an entry
 *   between the previous matching anchor and this one was rewritten (chain re-computed).
 */
export type AuditProblemKind = "altered" | "removed" | "link_broken" | "truncated" | "anchor_mismatch";

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** The first entry (1-based seq) that can no longer be trusted. */
  readonly seq: number;
  /** Last seq of the affected range, when known to be a range. */
  readonly toSeq?: number;
  readonly message: string;
  readonly anchor?: AuditAnchor;
}

export interface AuditVerification {
  /** True when every link and every anchor checks out. */
  readonly ok: boolean;
  /** Entries present in the database. */
  readonly entries: number;
  /** Hash of the last entry present. */
  readonly head: Hex;
  readonly anchorsChecked: number;
  /** The most recent anchor (by block), if any. */
  readonly latestAnchor?: AuditAnchor;
  /** Entries after the latest anchor: present but not yet protected by an anchor. */
  readonly unanchoredEntries: number;
  /** The earliest problem: names the first altered or removed entry. */
  readonly firstProblem?: AuditProblem;
  /** Every problem found, earliest first. */
  readonly problems: readonly AuditProblem[];
}

/** Reads every `AuditLogAnchored` event of the contract, oldest first. */
export async function readAuditAnchors(ledger: LedgerReader): Promise<AuditAnchor[]> {
  const logs = await getLedgerEvents(ledger, { eventName: "AuditLogAnchored" });
  return logs.map((log) => ({
    head: log.args.head,
    entries: Number(log.args.entries),
    by: log.args.by,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
  }));
}

/** Pure check of `rows` (in seq order) against `anchors`. */
export function verifyEntries(rows: readonly ActivityEntry[], anchors: readonly AuditAnchor[]): AuditVerification {
  const problems: AuditProblem[] = [];
  const bySeq = new Map<number, ActivityEntry>();
  let expectedSeq = 1;
  let previous: ActivityEntry | undefined;
  for (const row of rows) {
    bySeq.set(row.seq, row);
    const gap = row.seq !== expectedSeq;
    if (gap) {
      const last = row.seq - 1;
      problems.push({
        kind: "removed",
        seq: expectedSeq,
        ...(last > expectedSeq ? { toSeq: last } : {}),
        message: last > expectedSeq ? `Entries ${expectedSeq} to ${last} were removed from the log.` : `Entry ${expectedSeq} was removed from the log.`,
      });
    }
    if (hashEntry(row) !== row.hash) {
      problems.push({ kind: "altered", seq: row.seq, message: `Entry ${row.seq} was altered: its content no longer matches its hash.` });
    } else if (!gap) {
      const expectedPrev = previous?.hash ?? GENESIS_HASH;
      if (row.prevHash !== expectedPrev) {
        const seq = previous?.seq ?? row.seq;
        problems.push({
          kind: "link_broken",
          seq,
          message: previous
            ? `Entry ${previous.seq} is not the entry that entry ${row.seq} follows: entry ${previous.seq} was altered and re-hashed, or entries after it were removed.`
            : `Entry ${row.seq} does not start the chain: earlier entries were removed, or it was altered and re-hashed.`,
        });
      }
    }
    previous = row;
    expectedSeq = row.seq + 1;
  }
  const present = previous?.seq ?? 0;
  const ordered = [...anchors].sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0));
  const matchedCounts: number[] = [0];
  for (const anchor of ordered) {
    if (anchor.entries > present) {
      problems.push({
        kind: "truncated",
        seq: present + 1,
        toSeq: anchor.entries,
        anchor,
        message: `The log ends at entry ${present}, but the anchor of block ${anchor.blockNumber} covers ${anchor.entries} entries: ${
          anchor.entries > present + 1 ? `entries ${present + 1} to ${anchor.entries} were removed` : `entry ${anchor.entries} was removed`
        }.`,
      });
      continue;
    }
    const row = bySeq.get(anchor.entries);
    if (!row) continue; // reported as removed above
    if (row.hash.toLowerCase() === anchor.head.toLowerCase()) {
      matchedCounts.push(anchor.entries);
    } else {
      const after = Math.max(...matchedCounts.filter((n) => n < anchor.entries));
      problems.push({
        kind: "anchor_mismatch",
        seq: after + 1,
        toSeq: anchor.entries,
        anchor,
        message: `Entry ${anchor.entries} differs from the head anchored in block ${anchor.blockNumber}: an entry between ${after + 1} and ${anchor.entries} was altered or removed.`,
      });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  const latestAnchor = ordered.at(-1);
  return {
    ok: problems.length === 0,
    entries: rows.length,
    head: (previous?.hash as Hex | undefined) ?? GENESIS_HASH,
    anchorsChecked: ordered.length,
    ...(latestAnchor ? { latestAnchor } : {}),
    unanchoredEntries: Math.max(0, present - Math.max(0, ...ordered.map((a) => a.entries))),
    ...(problems[0] ? { firstProblem: problems[0] } : {}),
    problems,
  };
}

/** Checks the whole log in `db` against the on-chain `anchors` (see `readAuditAnchors`). */
export async function verifyAuditLog(db: Db, anchors: readonly AuditAnchor[]): Promise<AuditVerification> {
  return verifyEntries(await allActivity(db), anchors);
}

export interface AnchorResult {
  readonly head: Hex;
  readonly entries: number;
  readonly transactionHash: Hash;
  readonly blockNumber: bigint;
}

/**
 * Verifies the log against the existing anchors, then anchors its current head on chain with
 * the admin's wallet (`ledger.walletClient`). Refuses to anchor a log that fails verification.
 */
export async function anchorAuditHead(ledger: LedgerWriter, db: Db): Promise<AnchorResult> {
  const verification = await verifyAuditLog(db, await readAuditAnchors(ledger));
  if (!verification.ok) {
    throw new MedLedgerError(
      "CONFLICT",
      `The activity log fails verification (${verification.firstProblem?.message ?? "unknown problem"}); it is not anchored.`,
      "Run `medledger audit verify` and restore the log from a backup before anchoring.",
    );
  }
  const { head, entries } = await auditHead(db);
  if (entries === 0) {
    throw new MedLedgerError("INVALID_INPUT", "The activity log is empty: there is nothing to anchor.", "Anchor once users have signed in.");
  }
  const { hash, receipt } = await writeLedger(ledger, "anchorAuditLog", [head, BigInt(entries)]);
  return { head, entries, transactionHash: hash, blockNumber: receipt.blockNumber };
}
