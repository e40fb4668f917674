/**
 * Public verification: is this file (or digest) a genuine MedLedger report? Needs no account and
 * uploads nothing: only the digests are compared with the chain.
 * A match of one digest without the other is a mismatch, never genuine.
 */
import type { Address, Hex } from "viem";
import { digestFile, type FileDigests, type FileInput } from "../crypto/digests.ts";
import { readLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { getStaffMember, type StaffMember } from "../staff/staff.ts";
import { parseDigest, parseDigestOf, type DigestKind, type ParsedDigest } from "../validation.ts";

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

/** A browser File (or any Blob): its size is known before it is read. */
export interface BlobLike {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

/** What is to be verified. */
export type VerifyInput =
  /** A file's content, hashed here (locally). */
  | { readonly kind: "file"; readonly file: FileInput | BlobLike; readonly name?: string }
  /** The digests of a file hashed elsewhere (e.g. on disk by core/node/files.ts), given or computed on demand. */
  | { readonly kind: "digests"; readonly digests: FileDigests | (() => Promise<FileDigests>); readonly size?: number; readonly name?: string }
  /** The digests of a verification link (?sha256=…&sha1=…); one of them alone is looked up alone. */
  | { readonly kind: "link"; readonly sha1?: string; readonly sha256?: string }
  /** One pasted digest, of either kind unless `expected` says which. */
  | { readonly kind: "digest"; readonly digest: string; readonly expected?: DigestKind };

export type VerifyStep = "hashing" | "checking";

export interface VerifyOptions {
  readonly onProgress?: (step: VerifyStep) => void;
}

export interface VerificationReport extends VerificationResult {
  /** The staff member who issued the matched report (undefined record → null; a doctor since removed → null). */
  readonly issuer: StaffMember | null;
}

/** SHA-256 of zero bytes: what an empty stream hashes to. */
const EMPTY_SHA256 = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function emptyFile(name: string | undefined): MedLedgerError {
  return new MedLedgerError("EMPTY_FILE", name ? `The file ${name} is empty.` : "The file is empty.", "Choose the report file you were given.");
}

function isBlobLike(file: FileInput | BlobLike): file is BlobLike {
  return typeof (file as Partial<BlobLike>).size === "number" && typeof (file as Partial<BlobLike>).stream === "function";
}

function sizeOf(input: VerifyInput): number | undefined {
  if (input.kind === "digests") return input.size;
  if (input.kind !== "file") return undefined;
  if (input.file instanceof Uint8Array) return input.file.byteLength;
  return isBlobLike(input.file) ? input.file.size : undefined;
}

/** A validated input: digests still to compute, both digests, or one. */
export type CheckedVerifyInput =
  | { readonly kind: "hash"; readonly input: Extract<VerifyInput, { kind: "file" | "digests" }> }
  | { readonly kind: "both"; readonly digests: FileDigests }
  | { readonly kind: "one"; readonly digest: ParsedDigest };

function digestOfKind(text: string, expected: DigestKind | undefined): ParsedDigest {
  return expected === undefined ? parseDigest(text) : { kind: expected, value: parseDigestOf(expected, text) };
}

/**
 * Validates `input` without touching the network or reading the file: an empty file, a malformed
 * digest, a digest of the wrong kind. {@link verifyReport} does it too; a client calls it first
 * to refuse bad input before it connects.
 */
export function checkVerifyInput(input: VerifyInput): CheckedVerifyInput {
  switch (input.kind) {
    case "file":
    case "digests":
      if (sizeOf(input) === 0) throw emptyFile(input.name);
      return { kind: "hash", input };
    case "digest":
      return { kind: "one", digest: digestOfKind(input.digest, input.expected) };
    case "link": {
      const malformed = new MedLedgerError("INVALID_INPUT", "The link's digests are malformed.", "Open the link exactly as given, or check the file instead.");
      if (input.sha1 !== undefined && input.sha256 !== undefined) {
        let sha1: ParsedDigest, sha256: ParsedDigest;
        try {
          sha1 = parseDigest(input.sha1);
          sha256 = parseDigest(input.sha256);
        } catch {
          throw malformed;
        }
        if (sha1.kind !== "sha1" || sha256.kind !== "sha256") throw malformed;
        return { kind: "both", digests: { sha1: sha1.value, sha256: sha256.value } };
      }
      const one = input.sha256 ?? input.sha1;
      if (one === undefined) throw malformed;
      return { kind: "one", digest: digestOfKind(one, input.sha256 !== undefined ? "sha256" : "sha1") };
    }
  }
}

async function digestsOf(input: Extract<VerifyInput, { kind: "file" | "digests" }>): Promise<FileDigests> {
  if (input.kind === "digests") return typeof input.digests === "function" ? input.digests() : input.digests;
  return digestFile(isBlobLike(input.file) ? input.file.stream() : input.file);
}

/** Who issued the matched report, from the staff directory (null when unknown or unreadable). */
export async function issuerOf(ledger: LedgerReader, result: VerificationResult): Promise<StaffMember | null> {
  if (!result.record) return null;
  return (await getStaffMember(ledger, result.record.doctor).catch(() => undefined)) ?? null;
}

/** How a verdict names the issuer: "Dr. Ada Lovelace, Cardiology", "(no longer active)" when deactivated. */
export function issuerLabel(issuer: StaffMember | null): string {
  if (!issuer) return "A doctor no longer on the staff list";
  const { name, department } = issuer.profile;
  return `${name}${department ? `, ${department}` : ""}${issuer.active ? "" : " (no longer active)"}`;
}

/**
 * The one verification entry point: a file (hashed here), the digests of a file, a verification
 * link or a pasted digest; validated (see {@link checkVerifyInput}), then checked against the
 * ledger, with the issuing doctor looked up.
 */
export async function verifyReport(ledger: LedgerReader, input: VerifyInput, options: VerifyOptions = {}): Promise<VerificationReport> {
  const progress = options.onProgress ?? (() => {});
  const checked = checkVerifyInput(input);
  let result: VerificationResult;
  if (checked.kind === "hash") {
    progress("hashing");
    const digests = await digestsOf(checked.input);
    if (digests.sha256 === EMPTY_SHA256) throw emptyFile(checked.input.name);
    progress("checking");
    result = await verifyDigests(ledger, digests);
  } else {
    progress("checking");
    if (checked.kind === "both") result = await verifyDigests(ledger, checked.digests);
    else result = checked.digest.kind === "sha1" ? await lookupBySha1(ledger, checked.digest.value) : await lookupBySha256(ledger, checked.digest.value);
  }
  return { ...result, issuer: await issuerOf(ledger, result) };
}
