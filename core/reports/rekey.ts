/**
 * Revoke and re-key: a revoked reader may still hold the report key they unwrapped, so the report
 * is re-encrypted under a fresh key for what comes next. The patient (or the issuing doctor)
 * decrypts the current version, checks it against the registered digests, encrypts it again
 * (core/crypto/reportCipher.ts), stores the new ciphertext, wraps the new key for the patient, the
 * doctor and every reader who keeps a current grant, records the new version on chain
 * (`rekeyReport`, directly or relayed) and finally unpins the old ciphertext.
 */
import type { Address, Hash, Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { digestFile } from "../crypto/digests.ts";
import { unwrapKey, wrapKey } from "../crypto/keyWrap.ts";
import { decryptReportWithMetadata, encryptReport, generateReportKey, reportCiphertextLength } from "../crypto/reportCipher.ts";
import { directSender, type ActionSender, type RekeyInput } from "../contract/actions.ts";
import { getLedgerEvents } from "../contract/events.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey, type EncryptionIdentity } from "../identity/encryptionKey.ts";
import { cidToHex } from "../ipfs/cid.ts";
import { confirmPinned } from "../ipfs/pinned.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { DEFAULT_MAX_FILE_BYTES } from "./limits.ts";
import { getReportRecord, grantOf, type ReportRecord } from "./records.ts";
import { readerKeyOf } from "./versions.ts";
import { custodianKeyFor, recordsCustodianOf } from "../custody/custodian.ts";

export type RekeyStep = "decrypting" | "encrypting" | "uploading" | "signing" | "unpinning" | "done";

export interface RekeyOptions {
  /** Readers who must not receive the new key (the one being revoked). */
  readonly without?: readonly Address[];
  /** The caller's own transaction by default; or relayed (core/relay/signedAction.ts). */
  readonly send?: ActionSender;
  readonly onProgress?: (step: RekeyStep) => void;
  readonly maxBytes?: number;
}

export interface RekeyResult {
  readonly reportId: Hex;
  /** The new version. */
  readonly version: number;
  readonly cid: string;
  readonly previousCid: string;
  /** Readers who keep access (besides the patient and the doctor). */
  readonly readers: readonly Address[];
  readonly transactionHash: Hash;
  /** Whether the old ciphertext was unpinned (false: the store cannot, or did not hold it). */
  readonly unpinned: boolean;
}

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/** Readers holding an active grant on `reportId` now: everyone it was shared with, checked with `grantOf`. */
export async function activeReaders(ledger: LedgerReader, reportId: Hex): Promise<Address[]> {
  const grants = await getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reportId } });
  const readers = [...new Set(grants.map((log) => log.args.reader))];
  const states = await Promise.all(readers.map((reader) => grantOf(ledger, reportId, reader)));
  return readers.filter((_, i) => states[i]!.status === "active");
}

/** Decrypts the current version as `identity` and checks it is the registered file. */
async function openCurrent(ledger: LedgerReader, store: ContentStore, record: ReportRecord, identity: EncryptionIdentity, maxBytes: number) {
  const current = await readerKeyOf(ledger, record, identity.address);
  const key = unwrapKey(hexToBytes(current.wrappedKey), identity.secretKey, { reportId: record.reportId, reader: identity.address });
  const ciphertext = await store.cat(current.cid, { maxBytes: reportCiphertextLength(maxBytes) });
  const { file: bytes, metadata } = await decryptReportWithMetadata(ciphertext, key, record.reportId);
  key.fill(0);
  const digests = await digestFile(bytes);
  if (digests.sha256 !== record.sha256 || digests.sha1 !== record.sha1) {
    throw new MedLedgerError(
      "DIGEST_MISMATCH",
      "The stored report does not match the digests registered on chain, so it was not re-encrypted.",
      "Report it to the hospital's administrator.",
    );
  }
  return { current, bytes, metadata };
}

/**
 * Re-encrypts report `reportId` under a fresh key and records the new version. Caller: the
 * report's patient or its issuing doctor, with their unlocked identity.
 */
export async function rekeyReport(
  ledger: LedgerWriter,
  store: ContentStore,
  reportId: Hex,
  identity: EncryptionIdentity,
  options: RekeyOptions = {},
): Promise<RekeyResult> {
  const progress = options.onProgress ?? (() => {});
  const send = options.send ?? directSender(ledger);
  const record = await getReportRecord(ledger, reportId);
  if (!same(identity.address, record.patient) && !same(identity.address, record.doctor)) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "Only the report's patient or its issuing doctor can re-encrypt it.",
      "Sign in as the patient or the issuing doctor.",
    );
  }
  const without = options.without ?? [];
  const [patientPublic, doctorPublic, granted, custodian] = await Promise.all([
    requirePublishedKey(ledger, record.patient, "patient"),
    requirePublishedKey(ledger, record.doctor, "doctor"),
    activeReaders(ledger, reportId),
    recordsCustodianOf(ledger),
  ]);
  const readers = granted.filter((reader) => !without.some((gone) => same(gone, reader)));
  const readerPublic = await Promise.all(readers.map((reader) => requirePublishedKey(ledger, reader, "reader")));

  progress("decrypting");
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { current, bytes, metadata } = await openCurrent(ledger, store, record, identity, maxBytes);

  progress("encrypting");
  const key = generateReportKey();
  // The metadata (title, kind, date) stays with the report: re-sealed under the new key.
  const ciphertext = await encryptReport(bytes, key, reportId, metadata ?? undefined);
  const wrap = (publicKey: Uint8Array, reader: Address): Hex => bytesToHex(wrapKey(key, publicKey, { reportId, reader }));
  const patientKey = wrap(patientPublic, record.patient);
  const doctorKey = wrap(doctorPublic, record.doctor);
  const readerKeys = readers.map((reader, i) => wrap(readerPublic[i]!, reader));
  const custodianKey = custodianKeyFor(custodian, key, reportId);
  key.fill(0);

  progress("uploading");
  const cid = await store.add(ciphertext, { forReport: reportId });
  await confirmPinned(store, cid, "re-encrypted report");

  progress("signing");
  const rekey: RekeyInput = { reportId, cid: cidToHex(cid), patientKey, doctorKey, custodianKey, readers, readerKeys };
  const { hash } = await send({ kind: "rekey", rekey });

  progress("unpinning");
  const unpinned = cid !== current.cid && store.unpin ? await store.unpin(current.cid, { forReport: reportId }).catch(() => false) : false;
  progress("done");
  return { reportId, version: current.version + 1, cid, previousCid: current.cid, readers, transactionHash: hash, unpinned };
}

export interface RevokeAndRekeyResult extends RekeyResult {
  /** The revocation's transaction (undefined if the reader held no grant any more). */
  readonly revokeTransactionHash?: Hash;
}

/**
 * Revokes `reader`'s access to report `reportId`, then re-encrypts the report so that the key
 * they may have kept opens nothing new. Caller: the report's patient.
 */
export async function revokeAndRekey(
  ledger: LedgerWriter,
  store: ContentStore,
  reportId: Hex,
  reader: Address,
  identity: EncryptionIdentity,
  options: Omit<RekeyOptions, "without"> = {},
): Promise<RevokeAndRekeyResult> {
  const send = options.send ?? directSender(ledger);
  const record = await getReportRecord(ledger, reportId);
  if (!same(accountOf(ledger), record.patient) || !same(identity.address, record.patient)) {
    throw new MedLedgerError("NO_ACCESS", "Only the report's patient can revoke access to it.", "Sign in as the patient.");
  }
  const { status } = await grantOf(ledger, reportId, reader);
  const revokeTransactionHash = status === "none" ? undefined : (await send({ kind: "revoke", reader, reportId })).hash;
  const rekeyed = await rekeyReport(ledger, store, reportId, identity, { ...options, send, without: [reader] });
  return { ...rekeyed, revokeTransactionHash };
}
