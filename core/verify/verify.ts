/**
 * Public verification: is this file (or digest) a genuine MedLedger report? Needs no account and
 * uploads nothing: only the digests are compared with the chain. Never overstates:
 *  - a report id is one doctor's claim on a file; every claim on the file's SHA-256 is found (by
 *    the event topic) and checked with the contract's `verify(sha256, sha1, doctor)`;
 *  - exactly one valid claim: genuine (or superseded) — but only when the FILE was checked;
 *  - two or more valid claims: DISPUTED, none of them genuine, until the administrator marks the
 *    false ones fraudulent (those are listed, and ignored for the verdict);
 *  - without the file (a verify link, a pasted digest) the answer is at best "on record": the
 *    file is needed to confirm; a SHA-1 alone (a broken hash) is at best a partial match;
 *  - a match of one digest without the other is a mismatch, never genuine.
 */
import type { Address, Hex } from "viem";
import { digestFile, type FileDigests, type FileInput } from "../crypto/digests.ts";
import { readLedger } from "../contract/calls.ts";
import { getLedgerEvents, type LedgerLog } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { getStaffMember, type StaffMember } from "../staff/staff.ts";
import { parseDigest, parseDigestOf, type DigestKind, type ParsedDigest } from "../inputs.ts";

/**
 * The verdict:
 *  - "genuine": the file matches exactly one valid claim, not amended;
 *  - "superseded": the file matches exactly one valid claim, amended since by its issuer;
 *  - "disputed": two or more valid claims on the same digests (none is genuine);
 *  - "fraudulent": the only claims on these digests were marked fraudulent by the administrator;
 *  - "mismatch": one digest matches a claim and the other does not;
 *  - "not-registered": no claim;
 *  - "on-record": (no file) exactly one valid claim has these digests: the file is needed to confirm;
 *  - "partial": (SHA-1 alone) a claim has this SHA-1: the SHA-256 or the file is needed.
 */
export type VerificationStatus = "genuine" | "superseded" | "disputed" | "fraudulent" | "mismatch" | "not-registered" | "on-record" | "partial";

/** What was checked: the file itself (or its digests, computed here), both digests of a link, or one digest. */
export type VerificationEvidence = "file" | "digests" | "sha256" | "sha1";

/** One claim's standing, from the contract's `verify`. */
export type ClaimStatus = "current" | "superseded" | "mismatch" | "fraudulent";

export interface VerifiedRecord {
  /** The claim id. */
  readonly reportId: Hex;
  readonly sha256: Hex;
  readonly sha1: Hex;
  readonly patient: Address;
  readonly doctor: Address;
  /** Unix seconds. */
  readonly registeredAt: number;
  readonly supersededBy: Hex | null;
}

export interface VerifiedClaim extends VerifiedRecord {
  readonly status: ClaimStatus;
  /** The staff member who made the claim (null: not on the staff list, or unreadable). */
  readonly issuer: StaffMember | null;
}

export interface VerificationResult {
  readonly status: VerificationStatus;
  readonly evidence: VerificationEvidence;
  readonly digests: Partial<FileDigests>;
  /** The one claim the verdict rests on (genuine, superseded, on record, partial; for a mismatch the claim matched in part). */
  readonly record?: VerifiedRecord;
  /** Every claim found on these digests: valid, disputed, marked fraudulent or mismatching, oldest first. */
  readonly claims: readonly VerifiedClaim[];
  /** For a mismatch or a partial match: what matched and what did not. */
  readonly detail?: string;
}

const CLAIM_STATUS: readonly (ClaimStatus | null)[] = [null, "current", "superseded", "mismatch", "fraudulent"];
const ZERO = /^0x0+$/;

type RegisteredLog = LedgerLog<"ReportRegistered">;

const isValid = (claim: VerifiedClaim): boolean => claim.status === "current" || claim.status === "superseded";

/** The claims of these logs' doctors on `sha256`, each checked against `sha1` (the claim's own SHA-1 when not given). */
async function checkClaims(ledger: LedgerReader, logs: readonly RegisteredLog[], sha1?: Hex): Promise<VerifiedClaim[]> {
  const seen = new Set<string>();
  const unique = logs.filter((log) => {
    const key = log.args.reportId.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const issuers = new Map<string, Promise<StaffMember | null>>();
  const issuerOfDoctor = (doctor: Address) => {
    const key = doctor.toLowerCase();
    if (!issuers.has(key))
      issuers.set(
        key,
        getStaffMember(ledger, doctor).then(
          (m) => m ?? null,
          () => null,
        ),
      );
    return issuers.get(key)!;
  };
  const claims = await Promise.all(
    unique.map(async (log): Promise<VerifiedClaim | null> => {
      const [code, view] = await readLedger(ledger, "verify", [log.args.sha256Digest, sha1 ?? log.args.sha1Digest, log.args.doctor]);
      const status = CLAIM_STATUS[code] ?? null;
      if (!status) return null;
      return {
        reportId: view.reportId,
        sha256: log.args.sha256Digest,
        sha1: view.sha1Digest,
        patient: view.patient,
        doctor: view.doctor,
        registeredAt: Number(view.registeredAt),
        supersededBy: ZERO.test(view.supersededBy) ? null : view.supersededBy,
        status,
        issuer: await issuerOfDoctor(view.doctor),
      };
    }),
  );
  return claims.filter((c): c is VerifiedClaim => c !== null);
}

function recordOf(claim: VerifiedClaim): VerifiedRecord {
  const { reportId, sha256, sha1, patient, doctor, registeredAt, supersededBy } = claim;
  return { reportId, sha256, sha1, patient, doctor, registeredAt, supersededBy };
}

/** Claims registered with this SHA-1 (a scan of the range: SHA-1 is not an event topic). */
async function logsBySha1(ledger: LedgerReader, sha1: Hex): Promise<RegisteredLog[]> {
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered" });
  return logs.filter((log) => log.args.sha1Digest.toLowerCase() === sha1.toLowerCase());
}

/**
 * Verifies both digests: of a file (`evidence` "file": the verdict can be genuine) or of a link
 * (`evidence` "digests": at best on record).
 */
export async function verifyDigests(ledger: LedgerReader, digests: FileDigests, evidence: "file" | "digests"): Promise<VerificationResult> {
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args: { sha256Digest: digests.sha256 } });
  const claims = await checkClaims(ledger, logs, digests.sha1);
  const base = { evidence, digests, claims } as const;
  const valid = claims.filter(isValid);
  if (valid.length > 1) return { ...base, status: "disputed" };
  const [only] = valid;
  if (only) {
    const status = evidence === "digests" ? "on-record" : only.status === "superseded" ? "superseded" : "genuine";
    return { ...base, status, record: recordOf(only) };
  }
  const mismatching = claims.find((c) => c.status === "mismatch");
  if (mismatching) {
    return { ...base, status: "mismatch", record: recordOf(mismatching), detail: "The SHA-256 matches a registered report but the SHA-1 does not." };
  }
  if (claims.some((c) => c.status === "fraudulent")) return { ...base, status: "fraudulent" };
  const sameSha1 = await checkClaims(ledger, await logsBySha1(ledger, digests.sha1));
  const other = sameSha1.find((c) => c.status !== "fraudulent");
  if (other) {
    return {
      ...base,
      claims: sameSha1,
      status: "mismatch",
      record: recordOf(other),
      detail: "The SHA-1 matches a registered report but the SHA-256 does not (a SHA-1 collision or a forged file).",
    };
  }
  return { ...base, status: "not-registered" };
}

/** What is on record for a SHA-256 alone: never genuine (the file is needed to confirm). */
export async function lookupBySha256(ledger: LedgerReader, sha256: Hex): Promise<VerificationResult> {
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args: { sha256Digest: sha256 } });
  return fromLookup(await checkClaims(ledger, logs), "sha256", { sha256 });
}

/** What is on record for a SHA-1 alone: at best a partial match (SHA-1 is broken: the SHA-256 or the file is needed). */
export async function lookupBySha1(ledger: LedgerReader, sha1: Hex): Promise<VerificationResult> {
  return fromLookup(await checkClaims(ledger, await logsBySha1(ledger, sha1)), "sha1", { sha1 });
}

function fromLookup(claims: VerifiedClaim[], evidence: "sha256" | "sha1", digests: Partial<FileDigests>): VerificationResult {
  const base = { evidence, digests, claims } as const;
  const valid = claims.filter(isValid);
  if (valid.length === 0) return { ...base, status: claims.some((c) => c.status === "fraudulent") ? "fraudulent" : "not-registered" };
  const [first] = valid;
  const sameFile = valid.every((c) => c.sha256 === first!.sha256 && c.sha1 === first!.sha1);
  if (valid.length > 1 && sameFile) return { ...base, status: "disputed" };
  if (evidence === "sha1") {
    const detail =
      valid.length > 1
        ? `${valid.length} different reports share this SHA-1 (a SHA-1 collision): look up by SHA-256 or check the file instead.`
        : "Only the SHA-1 matched. SHA-1 alone is not enough to prove anything: check the SHA-256 or the file itself.";
    return { ...base, status: "partial", ...(valid.length === 1 ? { record: recordOf(first!) } : {}), detail };
  }
  return { ...base, status: "on-record", record: recordOf(first!) };
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
  /** The staff member who issued the claim the verdict rests on (no record → null; a doctor since removed → null). */
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

/** Who issued the claim the verdict rests on (null when none, unknown or unreadable). */
export function issuerOf(result: VerificationResult): StaffMember | null {
  const record = result.record;
  if (!record) return null;
  return result.claims.find((c) => c.reportId === record.reportId)?.issuer ?? null;
}

/** How a verdict names the issuer: "Dr. Ada Lovelace, Cardiology", "(no longer active)" when deactivated. */
export function issuerLabel(issuer: StaffMember | null): string {
  if (!issuer) return "A doctor no longer on the staff list";
  if (!issuer.profileVerified) return "A staff member whose profile this node cannot confirm";
  const { name, department } = issuer.profile;
  return `${name}${department ? `, ${department}` : ""}${issuer.active ? "" : " (no longer active)"}`;
}

function day(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}

/** A claim in one line: "Dr. Ada Lovelace, Cardiology (0x…) on Tue, 01 Dec 2026 …, for patient 0x…". */
export function claimLabel(claim: VerifiedClaim): string {
  return `${issuerLabel(claim.issuer)} (${claim.doctor}) on ${day(claim.registeredAt)}, for patient ${claim.patient}`;
}

export interface VerdictText {
  /** One short line: "GENUINE", "DISPUTED", … */
  readonly title: string;
  /** What it means, in plain words. */
  readonly explanation: string;
  /** What to do next (empty when nothing). */
  readonly advice: string;
}

/** The verdict in plain words, shared by the CLI and the web app. */
export function describeVerdict(report: VerificationReport): VerdictText {
  const r = report.record;
  const by = r ? `${issuerLabel(report.issuer)} on ${day(r.registeredAt)}` : "";
  switch (report.status) {
    case "genuine":
      return { title: "Genuine report", explanation: `This file is a registered MedLedger report, unchanged and current, issued by ${by}.`, advice: "" };
    case "superseded":
      return {
        title: "Genuine, but superseded",
        explanation: `This file is registered (issued by ${by}), but the doctor has since issued an amended version.`,
        advice: "Ask the hospital or the patient for the current version.",
      };
    case "disputed":
      return {
        title: "DISPUTED — not confirmed",
        explanation: `${report.claims.filter(isValid).length} different accounts claim to have issued a report with these fingerprints, so none of them can be confirmed as genuine.`,
        advice: "The hospital's administrator must resolve the dispute (mark the false claims fraudulent). Until then, do not rely on this report.",
      };
    case "fraudulent":
      return {
        title: "Not genuine",
        explanation: "The only registrations of these fingerprints were marked fraudulent by the administrator.",
        advice: "Do not trust this file. Ask the hospital for the genuine report.",
      };
    case "mismatch":
      return {
        title: "MISMATCH — not genuine",
        explanation: report.detail ?? "The fingerprints do not belong to the same report.",
        advice: "Do not trust this file.",
      };
    case "not-registered":
      return {
        title: "Not registered",
        explanation: "No MedLedger report has these fingerprints. The file may have been altered, or it was never registered.",
        advice: "",
      };
    case "on-record":
      return {
        title: "On record — file needed to confirm",
        explanation: `A report with these fingerprints is registered by ${by}${r?.supersededBy ? " (since amended)" : ""}.`,
        advice: "This only says what is on record. To confirm that a document is genuine, check the file itself.",
      };
    case "partial":
      return {
        title: "Partial match — not confirmed",
        explanation: r
          ? `A report registered by ${by} has this SHA-1. SHA-1 is broken (it can be forged), so this proves nothing on its own.`
          : (report.detail ?? "Several reports share this SHA-1."),
        advice: "Check the SHA-256 fingerprint or, better, the file itself.",
      };
  }
}

/**
 * The one verification entry point: a file (hashed here), the digests of a file, a verification
 * link or a pasted digest; validated (see {@link checkVerifyInput}), then checked against the
 * ledger, with the issuing doctors looked up. Only a file (or its digests computed from it) can be
 * "genuine"; see {@link VerificationStatus}.
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
    result = await verifyDigests(ledger, digests, "file");
  } else {
    progress("checking");
    if (checked.kind === "both") result = await verifyDigests(ledger, checked.digests, "digests");
    else result = checked.digest.kind === "sha1" ? await lookupBySha1(ledger, checked.digest.value) : await lookupBySha256(ledger, checked.digest.value);
  }
  return { ...result, issuer: issuerOf(result) };
}
