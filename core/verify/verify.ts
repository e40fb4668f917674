/**
 * Public verification: is this file (or digest) a genuine MedLedger report? Needs no account and
 * uploads nothing: only the digests are compared with the chain.
 * A match of one digest without the other is a mismatch, never genuine.
 */
import type { Address, Hex } from "viem";
import { digestFile, type FileDigests } from "../crypto/digests.ts";
import { readLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";

export type VerificationStatus = "genuine" | "superseded" | "not-registered" | "mismatch";

export interface VerifiedRecord {
  readonly reportId: Hex;
  readonly sha1: Hex;
  readonly patient: Address;
  readonly doctor: Address;
  /** Unix seconds. */
  readonly registeredAt: number;
  readonly blockNumber: bigint;
  readonly supersededBy: Hex | null;
}

export interface VerificationResult {
  readonly status: VerificationStatus;
  readonly digests: Partial<FileDigests>;
  /** The record the digests matched (fully or, for a mismatch, partly). */
  readonly record?: VerifiedRecord;
  /** For a mismatch: which digest matched and which did not. */
  readonly detail?: string;
}

const STATUS = ["not-registered", "genuine", "superseded", "mismatch"] as const;

async function recordBySha256(ledger: LedgerReader, sha256: Hex, sha1: Hex): Promise<{ status: VerificationStatus; record?: VerifiedRecord }> {
  const [code, report] = await readLedger(ledger, "verify", [sha256, sha1 as `0x${string}`]);
  const status = STATUS[code] ?? "not-registered";
  if (status === "not-registered") return { status };
  return {
    status,
    record: {
      reportId: report.reportId,
      sha1: report.sha1Digest,
      patient: report.patient,
      doctor: report.doctor,
      registeredAt: report.registeredAt,
      blockNumber: BigInt(report.blockNumber),
      supersededBy: /^0x0+$/.test(report.supersededBy) ? null : report.supersededBy,
    },
  };
}

/** Reports whose SHA-1 is `sha1` (several only after a SHA-1 collision), via the indexed event topic. */
async function reportIdsBySha1(ledger: LedgerReader, sha1: Hex): Promise<Hex[]> {
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args: { sha1Digest: sha1 } });
  return logs.map((log) => log.args.reportId);
}

/** Verifies both digests of a file. */
export async function verifyDigests(ledger: LedgerReader, digests: FileDigests): Promise<VerificationResult> {
  const byBoth = await recordBySha256(ledger, digests.sha256, digests.sha1);
  if (byBoth.status === "mismatch") {
    return { ...byBoth, digests, detail: "The SHA-256 matches a registered report but the SHA-1 does not." };
  }
  if (byBoth.status !== "not-registered") return { ...byBoth, digests };
  const sameSha1 = await reportIdsBySha1(ledger, digests.sha1);
  const other = sameSha1[0];
  if (other) {
    const { record } = await lookupBySha256(ledger, other);
    return { status: "mismatch", digests, record, detail: "The SHA-1 matches a registered report but the SHA-256 does not (a SHA-1 collision or a forged file)." };
  }
  return { status: "not-registered", digests };
}

/** Hashes the file (locally) and verifies it. */
export async function verifyFile(
  ledger: LedgerReader,
  file: Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<VerificationResult> {
  if (file instanceof Uint8Array && file.byteLength === 0) {
    throw new MedLedgerError("EMPTY_FILE", "The file is empty.", "Choose the report file you were given.");
  }
  return verifyDigests(ledger, await digestFile(file));
}

/** Looks a report up by its SHA-256 alone (the report id). */
export async function lookupBySha256(ledger: LedgerReader, sha256: Hex): Promise<VerificationResult> {
  const [code, report] = await readLedger(ledger, "verify", [sha256, "0x0000000000000000000000000000000000000000"]);
  if (code === 0) return { status: "not-registered", digests: { sha256 } };
  const result = await recordBySha256(ledger, sha256, report.sha1Digest);
  return { ...result, digests: { sha256, sha1: report.sha1Digest } };
}

/** Looks a report up by its SHA-1 alone; several matches (a SHA-1 collision) are a mismatch. */
export async function lookupBySha1(ledger: LedgerReader, sha1: Hex): Promise<VerificationResult> {
  const ids = await reportIdsBySha1(ledger, sha1);
  const first = ids[0];
  if (!first) return { status: "not-registered", digests: { sha1 } };
  const result = await lookupBySha256(ledger, first);
  if (ids.length > 1) {
    return { ...result, status: "mismatch", detail: `${ids.length} reports share this SHA-1 (a SHA-1 collision): look up by SHA-256 instead.` };
  }
  return result;
}

/** Parses a pasted digest: 40 hex digits → SHA-1, 64 → SHA-256. */
export function parseDigest(text: string): { kind: "sha1" | "sha256"; value: Hex } {
  const clean = text.trim().toLowerCase().replace(/^0x/, "");
  if (/^[0-9a-f]{40}$/.test(clean)) return { kind: "sha1", value: `0x${clean}` };
  if (/^[0-9a-f]{64}$/.test(clean)) return { kind: "sha256", value: `0x${clean}` };
  throw new MedLedgerError("INVALID_INPUT", "That is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) digest.", "Paste the digest exactly as shown on the report's verification link.");
}

