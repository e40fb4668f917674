/**
 * The activity log's hash chain: each entry's hash is SHA-256 over a canonical encoding of its
 * fields and of the previous entry's hash. Pure functions, shared by appending and verifying.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Hex } from "viem";
import type { ActivityKind } from "../db/schema.ts";

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH: Hex = `0x${"00".repeat(32)}`;

/** Version tag of the encoding; part of every hash. */
const ENCODING_TAG = "medledger-activity/1";

/** The hashed fields of one activity entry. */
export interface ChainedEntryFields {
  readonly id: string;
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly role: string;
  readonly kind: ActivityKind | string;
  readonly reportId: string | null;
  readonly sessionId: string | null;
  /** How a report was opened ("app"/"cli"); absent or null for entries without it. */
  readonly via?: string | null;
  readonly prevHash: string;
}

/**
 * Canonical encoding: a JSON array with a fixed field order; strings are JSON-escaped and the
 * time is ISO 8601 in UTC with milliseconds, so the same entry always gives the same bytes.
 * `via` is appended only when set, so the entries written before it existed keep their hashes.
 */
export function encodeEntry(entry: ChainedEntryFields): string {
  return JSON.stringify([
    ENCODING_TAG,
    entry.id,
    entry.seq,
    entry.at.toISOString(),
    entry.actor,
    entry.role,
    entry.kind,
    entry.reportId,
    entry.sessionId,
    entry.prevHash,
    ...(entry.via ? [entry.via] : []),
  ]);
}

/** The entry's hash (0x-prefixed, 32 bytes). */
export function hashEntry(entry: ChainedEntryFields): Hex {
  return `0x${bytesToHex(sha256(utf8ToBytes(encodeEntry(entry))))}`;
}
