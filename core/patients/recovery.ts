/**
 * A patient who lost their wallet loses nothing: at the reception, after the patient has proved
 * who they are (as for a lost password: an identity document, in person), the receptionist moves
 * the patient's record to the patient's new wallet (contracts/registry/PatientRecovery.sol).
 *
 * The patient brings a registration code made with the NEW wallet (core/patients/registration.ts:
 * the same code a new patient brings; it carries the new wallet's signed encryption key, so only
 * the holder of that wallet can be named). The receptionist opens the patient's profile, seals it
 * again for the new key, and sends one transaction, whatever the number of reports. The report
 * keys then reach the new wallet from the hospital's records custodian (server/custody/), which
 * re-wraps them on chain because the chain now names the new wallet as the patient: see
 * {@link recoveryProgressOf}. The old wallet loses every right at once.
 */
import type { Address, Hash } from "viem";
import { bytesToHex, hexToBytes, zeroAddress } from "viem";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { listReports } from "../reports/records.ts";
import { openPatientProfile, profileReaders, storePatientProfile } from "./profile.ts";
import type { RegistrationRequest } from "./registration.ts";

export type RecoveryStep = "checking" | "sealing" | "recovering" | "done";

export interface RecoveryResult {
  readonly previous: Address;
  readonly successor: Address;
  /** The record (the account the patient registered with). */
  readonly record: Address;
  readonly profileCid: string;
  readonly transactionHash: Hash;
}

function same(a: Address, b: Address): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Moves `lost`'s record to the wallet of `request` (a registration code made with the new wallet).
 * Caller: a receptionist whose key opens the patient's profile.
 */
export async function recoverPatient(
  reception: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  lost: Address,
  request: RegistrationRequest,
  options: { readonly onProgress?: (step: RecoveryStep) => void } = {},
): Promise<RecoveryResult> {
  const progress = options.onProgress ?? (() => {});
  progress("checking");
  const successor = request.account;
  if (same(lost, successor)) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "This registration code was made with the same wallet that was lost.",
      "Ask the patient to make the code with their new wallet.",
    );
  }
  const [record, successorRecord, successorVersion] = await Promise.all([
    readLedger(reception, "patientRecordOf", [lost]),
    readLedger(reception, "patientRecordOf", [successor]),
    readLedger(reception, "keyVersionOf", [successor]),
  ]);
  if (record === zeroAddress) {
    throw new MedLedgerError("INVALID_INPUT", `${lost} is not a patient's current account.`, "Choose the patient's lost account from the patient list.");
  }
  if (successorRecord !== zeroAddress) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "The new wallet already belongs to a patient.",
      "Ask the patient to make the code with a wallet that was never registered at the hospital.",
    );
  }
  if (request.keyVersion !== successorVersion + 1) {
    throw new MedLedgerError("INVALID_INPUT", "The registration code is out of date for this wallet.", "Ask the patient to make a new code.");
  }

  progress("sealing");
  const { profile } = await openPatientProfile(reception, store, identity, lost);
  // The same readers as now (receptionists, assigned doctors), with the new wallet's key in place of the lost one's.
  const readers = (await profileReaders(reception, lost)).filter((r) => !same(r.address, lost));
  const { cid, cidBytes } = await storePatientProfile(store, profile, [{ address: successor, publicKey: hexToBytes(request.encryptionKey) }, ...readers]);

  progress("recovering");
  const { hash } = await writeLedger(reception, "recoverPatient", [
    lost,
    successor,
    bytesToHex(cidBytes),
    request.encryptionKey,
    BigInt(request.deadline),
    request.signature,
  ]);
  progress("done");
  return { previous: lost, successor, record, profileCid: cid, transactionHash: hash };
}

export interface RecoveryProgress {
  /** The patient's reports (of the whole record). */
  readonly reports: number;
  /** Of those, how many the account can open now (a key for its current encryption key is on chain). */
  readonly readable: number;
}

/**
 * For a patient whose record moved to `account`: how many of their reports already have a key for
 * it (the custodian delivers them shortly after the recovery). Results held for review count once
 * released.
 */
export async function recoveryProgressOf(ledger: LedgerReader, account: Address): Promise<RecoveryProgress> {
  const [reports, keyVersion, delivered] = await Promise.all([
    listReports(ledger, { patient: account }),
    readLedger(ledger, "keyVersionOf", [account]),
    getLedgerEvents(ledger, { eventName: "ReportKeyRewrapped", args: { reader: account } }),
  ]);
  const have = new Set(delivered.filter((log) => log.args.keyVersion === keyVersion).map((log) => log.args.reportId));
  const open = reports.filter((r) => r.heldUntil === null);
  const readable = open.filter((r) => have.has(r.reportId) || (r.registeredFor !== undefined && same(r.registeredFor, account)));
  return { reports: open.length, readable: readable.length };
}
