/** A patient shares one report with a reader (re-wrapping the report key for them) and revokes. */
import type { Address, Hash, Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { unwrapKey, wrapKey } from "../crypto/keyWrap.ts";
import { writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey, type EncryptionIdentity } from "../identity/encryptionKey.ts";
import { getReportRecord, grantOf } from "./records.ts";

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
  const key = unwrapKey(hexToBytes(record.patientKey), identity.secretKey, { reportId, reader: identity.address });
  const wrapped = wrapKey(key, readerKey, { reportId, reader });
  key.fill(0);
  return (await writeLedger(ledger, "grantAccess", [reportId, reader, bytesToHex(wrapped)])).hash;
}

/** Revokes `reader`'s access to report `reportId`. Caller: the patient. */
export async function revokeShare(ledger: LedgerWriter, reportId: Hex, reader: Address): Promise<Hash> {
  return (await writeLedger(ledger, "revokeAccess", [reportId, reader])).hash;
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
 * grant and revoke events: two queries however many reports there are.
 */
export async function listSharesOfPatient(ledger: LedgerReader, patient: Address): Promise<Map<Hex, ShareState[]>> {
  const [granted, revoked] = await Promise.all([
    getLedgerEvents(ledger, { eventName: "AccessGranted", args: { patient } }),
    getLedgerEvents(ledger, { eventName: "AccessRevoked", args: { patient } }),
  ]);
  const events = [
    ...granted.map((log) => ({ log, active: true })),
    ...revoked.map((log) => ({ log, active: false })),
  ].sort((a, b) => (a.log.blockNumber === b.log.blockNumber ? a.log.logIndex - b.log.logIndex : a.log.blockNumber < b.log.blockNumber ? -1 : 1));
  const state = new Map<Hex, Map<Address, boolean>>();
  for (const { log, active } of events) {
    const readers = state.get(log.args.reportId) ?? new Map<Address, boolean>();
    readers.set(log.args.reader, active);
    state.set(log.args.reportId, readers);
  }
  return new Map([...state].map(([reportId, readers]) => [reportId, [...readers].map(([reader, active]) => ({ reader, active }))]));
}
