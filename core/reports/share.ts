/**
 * A patient shares reports with a reader (re-wrapping each report's current key for them): one,
 * several or all in one transaction, optionally until an expiry; revokes one report or everything
 * shared with a reader; and lists who holds a grant. Shares and revocations can be relayed.
 */
import type { Address, Hash, Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { unwrapKey, wrapKey } from "../crypto/keyWrap.ts";
import { directSender, type ActionSender, type GrantInput } from "../contract/actions.ts";
import { writeLedger } from "../contract/calls.ts";
import { nowOnChain } from "../contract/clock.ts";
import { getLedgerEvents } from "../contract/events.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey, type EncryptionIdentity } from "../identity/encryptionKey.ts";
import { getReportRecord, grantOf, listReports, type ReportRecord } from "./records.ts";
import { currentKeysFor } from "./versions.ts";
import { heldResultError } from "./held.ts";

/** Shares report `reportId` with `reader`. Caller: the patient, with their unlocked identity. */
export async function shareReport(ledger: LedgerWriter, reportId: Hex, reader: Address, identity: EncryptionIdentity): Promise<Hash> {
  const record = await getReportRecord(ledger, reportId);
  if (record.patient.toLowerCase() !== identity.address.toLowerCase()) {
    throw new MedLedgerError("NO_ACCESS", "Only the report's patient can share it.", "Sign in as the patient.");
  }
  if (reader.toLowerCase() === record.patient.toLowerCase()) {
    throw new MedLedgerError("INVALID_INPUT", "You can always read your own reports.", "Share with another account.");
  }
  const readerKey = await requirePublishedKey(ledger, reader, "reader");
  const [wrapped] = await wrapForReader(ledger, identity, [record], reader, readerKey);
  return (await writeLedger(ledger, "grantAccess", [reportId, reader, wrapped!])).hash;
}

/** Revokes `reader`'s access to report `reportId`. Caller: the patient, directly or through a relayer. */
export async function revokeShare(ledger: LedgerWriter, reportId: Hex, reader: Address, send: ActionSender = directSender(ledger)): Promise<Hash> {
  return (await send({ kind: "revoke", reader, reportId })).hash;
}

export interface ShareState {
  readonly reader: Address;
  readonly active: boolean;
}

/** Everyone report `reportId` was ever shared with, and whether the grant is current. */
export async function listShares(ledger: LedgerReader, reportId: Hex): Promise<ShareState[]> {
  const grants = await getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reportId } });
  const readers = [...new Set(grants.map((log) => log.args.reader))];
  const states = await Promise.all(readers.map((reader) => grantOf(ledger, reportId, reader)));
  return readers.map((reader, i) => ({ reader, active: states[i]!.status === "active" }));
}

/**
 * The shares of every report of `patient` (report id → readers, current or revoked), from the
 * grant and revoke events (a "revoke all" ends every share with that reader): three queries
 * however many reports there are. Expiry is not in the events: {@link listReportReaders} tells it.
 */
export async function listSharesOfPatient(ledger: LedgerReader, patient: Address): Promise<Map<Hex, ShareState[]>> {
  const [granted, revoked, revokedAll] = await Promise.all([
    getLedgerEvents(ledger, { eventName: "AccessGranted", args: { patient } }),
    getLedgerEvents(ledger, { eventName: "AccessRevoked", args: { patient } }),
    getLedgerEvents(ledger, { eventName: "AllAccessRevoked", args: { patient } }),
  ]);
  type Change = {
    readonly at: { readonly blockNumber: bigint; readonly logIndex: number };
    readonly reader: Address;
    readonly reportId: Hex | null;
    readonly active: boolean;
  };
  const changes: Change[] = [
    ...granted.map((log) => ({ at: log, reader: log.args.reader, reportId: log.args.reportId, active: true })),
    ...revoked.map((log) => ({ at: log, reader: log.args.reader, reportId: log.args.reportId, active: false })),
    ...revokedAll.map((log) => ({ at: log, reader: log.args.reader, reportId: null, active: false })),
  ].sort((a, b) => (a.at.blockNumber === b.at.blockNumber ? a.at.logIndex - b.at.logIndex : a.at.blockNumber < b.at.blockNumber ? -1 : 1));
  const state = new Map<Hex, Map<Address, boolean>>();
  for (const change of changes) {
    if (change.reportId === null) {
      for (const readers of state.values()) if (readers.has(change.reader)) readers.set(change.reader, false);
      continue;
    }
    const readers = state.get(change.reportId) ?? new Map<Address, boolean>();
    readers.set(change.reader, change.active);
    state.set(change.reportId, readers);
  }
  return new Map([...state].map(([reportId, readers]) => [reportId, [...readers].map(([reader, active]) => ({ reader, active }))]));
}

/** Most reports one grant transaction carries (~10k gas each); a larger share is sent in several. */
export const MAX_REPORTS_PER_GRANT = 200;
/** Largest expiry the contract stores (uint40 seconds). */
const MAX_EXPIRY_SECONDS = 2 ** 40 - 1;

export interface ShareRequest {
  readonly reader: Address;
  /** The reports to share (report ids), or every report of the patient. */
  readonly reports: readonly Hex[] | "all";
  /**
   * When the reader's access to everything the patient shares with them ends: it becomes the
   * expiry of the earlier shares with this reader too. Must lie in the future; null removes the
   * expiry; undefined keeps the current one (none if it has passed: the shares start afresh).
   */
  readonly expiresAt?: Date | null;
  /**
   * Share for this patient as their guardian (core/care/guardians.ts): the reports are theirs, the
   * keys come from those the custodian re-wrapped for the guardian (the identity), and the grant
   * is sent with `guardianSender`. Absent: the identity is the patient.
   */
  readonly forPatient?: Address;
}

/** A share ready to send: one grant per transaction, and what needed no grant. */
export interface PreparedShare {
  readonly reader: Address;
  readonly grants: readonly GrantInput[];
  /** Reports the reader already holds a current grant on (they only get the new expiry). */
  readonly alreadyShared: readonly Hex[];
  /** Unix seconds; 0 = no expiry. */
  readonly expiresAt: number;
}

export interface ShareResult {
  readonly reader: Address;
  readonly shared: readonly Hex[];
  readonly alreadyShared: readonly Hex[];
  /** Unix seconds; 0 = no expiry. */
  readonly expiresAt: number;
  /** One per grant transaction (none if there was nothing to send). */
  readonly transactionHashes: readonly Hash[];
}

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/** `expiresAt` as the contract's uint40 seconds (0 = none), refused unless it lies after `now` (Unix seconds). */
export function expirySeconds(expiresAt: Date | undefined, now: number): number {
  if (expiresAt === undefined) return 0;
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isFinite(seconds)) {
    throw new MedLedgerError("INVALID_INPUT", "The access end date is not a valid date.", "Give a date such as 2027-06-30.");
  }
  if (seconds <= now) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `The access end date ${expiresAt.toISOString().slice(0, 10)} is not in the future.`,
      "Choose a later end date, or none.",
    );
  }
  if (seconds > MAX_EXPIRY_SECONDS) {
    throw new MedLedgerError("INVALID_INPUT", "The access end date is too far in the future.", "Choose an earlier end date, or none.");
  }
  return seconds;
}

/**
 * The end of access for a day given as YYYY-MM-DD: access lasts through that whole day (UTC),
 * ending at the next midnight UTC.
 */
export function expiryOfDay(day: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  const [year, month, date] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const start = new Date(Date.UTC(year, month - 1, date));
  if (!match || start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== date) {
    throw new MedLedgerError("INVALID_INPUT", `"${day}" is not a date.`, "Give the last day of access as YYYY-MM-DD, e.g. 2027-06-30.");
  }
  return new Date(Date.UTC(year, month - 1, date + 1));
}

/** The reports a share request names, checked to be the patient's own. */
async function reportsToShare(ledger: LedgerReader, patient: Address, reports: ShareRequest["reports"]): Promise<ReportRecord[]> {
  // A result held for review opens for nobody but its doctor until released: "all" is what the patient can open.
  if (reports === "all") return (await listReports(ledger, { patient })).filter((record) => record.heldUntil === null).reverse();
  const unique = [...new Set(reports.map((id) => id.toLowerCase() as Hex))];
  if (unique.length === 0) throw new MedLedgerError("INVALID_INPUT", "No report to share was given.", "Name at least one report, or share all of them.");
  const records = await Promise.all(unique.map((id) => getReportRecord(ledger, id)));
  for (const record of records) {
    if (!same(record.patient, patient)) {
      throw new MedLedgerError(
        "NO_ACCESS",
        "Only the report's patient can share it.",
        `Report ${record.reportId} belongs to another patient: sign in as that patient.`,
      );
    }
  }
  const held = records.find((record) => record.heldUntil !== null);
  if (held) throw heldResultError(held);
  return records;
}

/**
 * The current key of each report (the version after any re-key), unwrapped with the patient's
 * identity and wrapped for `reader`'s published key `readerKey`.
 */
async function wrapForReader(
  ledger: LedgerReader,
  identity: EncryptionIdentity,
  records: readonly ReportRecord[],
  reader: Address,
  readerKey: Uint8Array,
): Promise<Hex[]> {
  const keys = await currentKeysFor(ledger, identity.address, records);
  return records.map((record) => {
    const current = keys.get(record.reportId);
    if (!current) {
      throw new MedLedgerError(
        "NO_ACCESS",
        `You hold no key for report ${record.reportId}.`,
        same(identity.address, record.patient)
          ? "Only the report's patient can share it."
          : "Only the report's patient, or their guardian once the hospital's records custodian has given them its key, can share it.",
      );
    }
    let key: Uint8Array;
    try {
      key = unwrapKey(hexToBytes(current.wrappedKey), identity.secretKey, { reportId: record.reportId, reader: identity.address });
    } catch (error) {
      throw new MedLedgerError(
        "WRONG_KEY",
        `Your encryption key cannot open report ${record.reportId}: its key is wrapped to your key version ${current.keyVersion}.`,
        "Unlock your current key; if you rotated it, finish the rotation first (`medledger keys rotate --finish`), then share again.",
        { cause: error },
      );
    }
    const wrapped = bytesToHex(wrapKey(key, readerKey, { reportId: record.reportId, reader }));
    key.fill(0);
    return wrapped;
  });
}

/**
 * Prepares sharing several (or all) of the patient's reports with one reader: checks the reader
 * has published an encryption key (the contract no longer does), skips reports the reader already
 * holds a current grant on, and re-wraps each report's current key for the reader. Sends nothing.
 */
export async function prepareShare(ledger: LedgerReader, identity: EncryptionIdentity, request: ShareRequest): Promise<PreparedShare> {
  const patient = request.forPatient ?? identity.address;
  const reader = request.reader;
  if (same(reader, patient)) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      request.forPatient ? "The patient can always read their own reports." : "You can always read your own reports.",
      "Share with another account.",
    );
  }
  if (request.forPatient && same(reader, identity.address)) {
    throw new MedLedgerError("INVALID_INPUT", "As their guardian you already read this patient's reports.", "Share with another account.");
  }
  const now = await nowOnChain(ledger);
  const chosenExpiry = request.expiresAt === undefined ? undefined : expirySeconds(request.expiresAt ?? undefined, now);
  const [readerKey, records] = await Promise.all([requirePublishedKey(ledger, reader, "reader"), reportsToShare(ledger, patient, request.reports)]);
  const states = await Promise.all(records.map((record) => grantOf(ledger, record.reportId, reader)));
  // Every grant of the pair shares its terms: grantOf tells their expiry whatever the report.
  const currentExpiry = states[0]?.expiresAt ?? null;
  const expiresAt = chosenExpiry ?? (currentExpiry !== null && currentExpiry > now ? currentExpiry : 0);
  const toGrant = records.filter((_, i) => states[i]!.status !== "active");
  const alreadyShared = records.filter((_, i) => states[i]!.status === "active").map((record) => record.reportId);
  const wrappedKeys = await wrapForReader(ledger, identity, toGrant, reader, readerKey);
  const grants: GrantInput[] = [];
  for (let start = 0; start < toGrant.length; start += MAX_REPORTS_PER_GRANT) {
    grants.push({
      reader,
      reportIds: toGrant.slice(start, start + MAX_REPORTS_PER_GRANT).map((record) => record.reportId),
      wrappedKeys: wrappedKeys.slice(start, start + MAX_REPORTS_PER_GRANT),
      expiresAt,
    });
  }
  // Nothing new to grant but a new expiry: an empty grant sets the expiry alone.
  if (grants.length === 0 && request.expiresAt !== undefined) grants.push({ reader, reportIds: [], wrappedKeys: [], expiresAt });
  return { reader, grants, alreadyShared, expiresAt };
}

/**
 * Shares several (or all) of the patient's reports with one reader, in one transaction per
 * {@link MAX_REPORTS_PER_GRANT} reports, optionally until an expiry. `send` is the patient's own
 * transaction by default, or a relayer's (core/relay/signedAction.ts `relayedSender`).
 * Caller: the patient, with their unlocked identity.
 */
export async function shareReports(
  ledger: LedgerWriter,
  identity: EncryptionIdentity,
  request: ShareRequest,
  send: ActionSender = directSender(ledger),
): Promise<ShareResult> {
  const prepared = await prepareShare(ledger, identity, request);
  const transactionHashes: Hash[] = [];
  for (const grant of prepared.grants) transactionHashes.push((await send({ kind: "grant", grant })).hash);
  return {
    reader: prepared.reader,
    shared: prepared.grants.flatMap((grant) => grant.reportIds),
    alreadyShared: prepared.alreadyShared,
    expiresAt: prepared.expiresAt,
    transactionHashes,
  };
}

/**
 * Revokes everything the patient shared with `reader` at once (every report, every earlier
 * grant; O(1) on chain). Caller: the patient, directly or through a relayer.
 */
export async function revokeAllShares(ledger: LedgerWriter, reader: Address, send: ActionSender = directSender(ledger)): Promise<Hash> {
  if (same(reader, accountOf(ledger))) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "You can always read your own reports; there is nothing to revoke.",
      "Name the reader whose access you want to end.",
    );
  }
  return (await send({ kind: "revoke", reader, reportId: null })).hash;
}

/** A reader's current grant on a report. */
export interface ReportReader {
  readonly reader: Address;
  readonly status: "active" | "expired";
  /** Unix seconds the access ends (null: no end). */
  readonly expiresAt: number | null;
}

/**
 * Who holds a grant on report `reportId` now (active, or expired but not revoked), with its
 * expiry, from `grantOf` for every account the report was ever shared with. The patient and the
 * issuing doctor always read it and are not listed.
 */
export async function listReportReaders(ledger: LedgerReader, reportId: Hex): Promise<ReportReader[]> {
  const grants = await getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reportId } });
  const readers = [...new Set(grants.map((log) => log.args.reader))];
  const states = await Promise.all(readers.map((reader) => grantOf(ledger, reportId, reader)));
  const current: ReportReader[] = [];
  readers.forEach((reader, i) => {
    const { status, expiresAt } = states[i]!;
    if (status !== "none") current.push({ reader, status, expiresAt });
  });
  return current;
}

/**
 * {@link listReportReaders} for every report of `patient` at once (report id → its readers; a
 * report nobody can read besides the patient and its doctor is absent): the three event queries of
 * {@link listSharesOfPatient}, then `grantOf` only for the shares not revoked, however many
 * reports there are.
 */
export async function listReadersOfPatient(ledger: LedgerReader, patient: Address): Promise<Map<Hex, ReportReader[]>> {
  const shares = await listSharesOfPatient(ledger, patient);
  const live = [...shares].flatMap(([reportId, states]) => states.filter((s) => s.active).map((s) => ({ reportId, reader: s.reader })));
  const grants = await Promise.all(live.map(({ reportId, reader }) => grantOf(ledger, reportId, reader)));
  const readers = new Map<Hex, ReportReader[]>();
  live.forEach(({ reportId, reader }, i) => {
    const { status, expiresAt } = grants[i]!;
    if (status === "none") return;
    readers.set(reportId, [...(readers.get(reportId) ?? []), { reader, status, expiresAt }]);
  });
  return readers;
}
