/**
 * Reading a report as its patient, its issuing doctor or a current grantee:
 * find the wrapped key → unwrap → fetch the ciphertext → decrypt → check both digests against
 * the chain → the issued bytes. The report id is the claim id, bound into the ciphertext and the
 * wrapped keys.
 */
import pMap from "p-map";
import type { Address, Hex } from "viem";
import { hexToBytes } from "viem";
import { digestFile } from "../crypto/digests.ts";
import { decryptReportHead, decryptReportWithMetadata, REPORT_HEAD_BYTES, reportCiphertextLength } from "../crypto/reportCipher.ts";
import { unwrapKey } from "../crypto/keyWrap.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { getReportRecord, grantOf, type ReportRecord } from "./records.ts";
import { DEFAULT_MAX_FILE_BYTES } from "./limits.ts";
import { summaryOf, type ReportSummary } from "./metadata.ts";
import { currentKeysFor, readerKeyOf, type ReaderKey } from "./versions.ts";
import { heldResultError } from "./held.ts";
import type { DocumentReference } from "@medplum/fhirtypes";

export type ReadStep = "locating" | "unwrapping" | "downloading" | "decrypting" | "verifying" | "done";

export interface ReadOptions {
  readonly onProgress?: (step: ReadStep) => void;
  readonly maxBytes?: number;
}

export interface OpenedReport {
  readonly record: ReportRecord;
  readonly bytes: Uint8Array;
  /** Its title, kind, date of service and note (null for a report registered before metadata). */
  readonly summary: ReportSummary | null;
  /** The FHIR R4 DocumentReference the summary comes from. */
  readonly document: DocumentReference | null;
}

function same(a: Address, b: Address): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether `record` is a result held for review and `reader` its patient (who opens it once released). */
function heldFromPatient(record: ReportRecord, reader: Address): boolean {
  return record.heldUntil !== null && same(reader, record.patient);
}

/** The report key wrapped for `reader`, from the registration or the reader's current grant. */
export async function wrappedKeyFor(ledger: LedgerReader, record: ReportRecord, reader: Address): Promise<Hex> {
  if (same(reader, record.patient)) return record.patientKey;
  if (same(reader, record.doctor)) return record.doctorKey;
  const [grants, grant] = await Promise.all([
    getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reportId: record.reportId, reader } }),
    grantOf(ledger, record.reportId, reader),
  ]);
  const latest = grants.at(-1);
  if (!latest) {
    throw new MedLedgerError("NO_ACCESS", "This report was not shared with you.", "Ask the patient to share it with your account.");
  }
  if (grant.status === "expired") {
    const when = grant.expiresAt === null ? "" : ` on ${new Date(grant.expiresAt * 1000).toUTCString()}`;
    throw new MedLedgerError("ACCESS_EXPIRED", `Your access to this report expired${when}.`, "Ask the patient to share it again if you still need it.");
  }
  if (grant.status !== "active") {
    throw new MedLedgerError("ACCESS_REVOKED", "The patient revoked your access to this report.", "Ask the patient to share it again if you still need it.");
  }
  return latest.args.wrappedKey;
}

/** Opens report `reportId` as `identity`; the bytes returned match both on-chain digests. */
export async function readReport(
  ledger: LedgerReader,
  store: ContentStore,
  reportId: Hex,
  identity: EncryptionIdentity,
  options: ReadOptions = {},
): Promise<OpenedReport> {
  const progress = options.onProgress ?? (() => {});
  progress("locating");
  const record = await getReportRecord(ledger, reportId);
  // A result held for review has no key for its patient until it is released: say so, and when.
  if (heldFromPatient(record, identity.address)) throw heldResultError(record);
  // The current version (after any re-key): its CID and the key wrapped for this reader.
  const current = await readerKeyOf(ledger, record, identity.address);
  progress("unwrapping");
  const key = unwrapKey(hexToBytes(current.wrappedKey), identity.secretKey, { reportId, reader: identity.address });
  progress("downloading");
  // The ciphertext adds the head, the padding and the tags to the file.
  const ciphertext = await store.cat(current.cid, { maxBytes: reportCiphertextLength(options.maxBytes ?? DEFAULT_MAX_FILE_BYTES) });
  progress("decrypting");
  const { file: bytes, metadata } = await decryptReportWithMetadata(ciphertext, key, reportId);
  key.fill(0);
  progress("verifying");
  const digests = await digestFile(bytes);
  if (digests.sha256 !== record.sha256 || digests.sha1 !== record.sha1) {
    throw new MedLedgerError(
      "DIGEST_MISMATCH",
      "The decrypted file does not match the digests registered on chain; it is not the genuine report.",
      "Do not use this file. Report it to the hospital's administrator.",
    );
  }
  progress("done");
  const described = summaryOf(metadata);
  return { record, bytes, summary: described?.summary ?? null, document: described?.document ?? null };
}

/**
 * The title, kind and date of report `record` for `identity`, from the head of its ciphertext
 * alone (its first {@link REPORT_HEAD_BYTES} bytes, whatever the file's size): what a list shows.
 * Null for a report registered before metadata.
 */
export async function readReportSummary(
  ledger: LedgerReader,
  store: ContentStore,
  record: ReportRecord,
  identity: EncryptionIdentity,
): Promise<ReportSummary | null> {
  if (heldFromPatient(record, identity.address)) throw heldResultError(record);
  return summaryWithKey(store, record.reportId, await readerKeyOf(ledger, record, identity.address), identity);
}

/** Opens the head of the version `current` names with the reader's wrapped key. */
async function summaryWithKey(store: ContentStore, reportId: Hex, current: ReaderKey, identity: EncryptionIdentity): Promise<ReportSummary | null> {
  const key = unwrapKey(hexToBytes(current.wrappedKey), identity.secretKey, { reportId, reader: identity.address });
  try {
    const prefix = await store.cat(current.cid, { length: REPORT_HEAD_BYTES });
    return summaryOf(await decryptReportHead(prefix, key, reportId))?.summary ?? null;
  } finally {
    key.fill(0);
  }
}

/**
 * A list's summaries: the reader's current keys of every listed report in four event queries
 * (core/reports/versions.ts `currentKeysFor`, not a key lookup per report), then one head fetch
 * per report, a few at a time; a report that cannot be opened gives its error, not a failed list.
 */
export async function readReportSummaries(
  ledger: LedgerReader,
  store: ContentStore,
  records: readonly ReportRecord[],
  identity: EncryptionIdentity,
  options: { readonly concurrency?: number } = {},
): Promise<Map<Hex, ReportSummary | null | MedLedgerError>> {
  const keys = await currentKeysFor(ledger, identity.address, records);
  const entries = await pMap(
    records,
    async (record): Promise<[Hex, ReportSummary | null | MedLedgerError]> => {
      const current = keys.get(record.reportId);
      if (!current && heldFromPatient(record, identity.address)) return [record.reportId, heldResultError(record)];
      if (!current)
        return [record.reportId, new MedLedgerError("NO_ACCESS", "This report was not shared with you.", "Ask the patient to share it with your account.")];
      try {
        return [record.reportId, await summaryWithKey(store, record.reportId, current, identity)];
      } catch (error) {
        if (error instanceof MedLedgerError) return [record.reportId, error];
        throw error;
      }
    },
    { concurrency: options.concurrency ?? 8 },
  );
  return new Map(entries);
}
