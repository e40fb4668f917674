/** The reception's work: registering patients, updating their profiles, assigning doctors. */
import type { Address, Hash } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { cidFromBytes } from "../ipfs/cid.ts";
import { profileReaders, storePatientProfile, type PatientProfile } from "./profile.ts";
import type { RegistrationRequest } from "./registration.ts";

export interface PatientSummary {
  readonly account: Address;
  /** CID of the current sealed profile. */
  readonly profileCid: string;
  readonly registeredBy: Address;
  readonly registeredBlock: bigint;
}

/** Registers the patient of `request` with a sealed profile readable by them and the receptionists. */
export async function registerPatient(
  ledger: LedgerWriter,
  store: ContentStore,
  request: RegistrationRequest,
  profile: PatientProfile,
  options: { readonly onProgress?: (step: "sealing" | "registering") => void } = {},
): Promise<{ hash: Hash; profileCid: string }> {
  options.onProgress?.("sealing");
  const readers = await profileReaders(ledger, request.account);
  const patientReader = { address: request.account, publicKey: hexToBytes(request.encryptionKey) };
  const all = readers.some((r) => r.address.toLowerCase() === request.account.toLowerCase()) ? readers : [patientReader, ...readers];
  const { cid, cidBytes } = await storePatientProfile(store, profile, all);
  options.onProgress?.("registering");
  const { hash } = await writeLedger(ledger, "registerPatient", [
    request.account,
    bytesToHex(cidBytes),
    request.encryptionKey,
    BigInt(request.deadline),
    request.signature,
  ]);
  return { hash, profileCid: cid };
}

/** Re-seals and stores `profile` for the current readers and points the chain at it. */
export async function updatePatientProfile(
  ledger: LedgerWriter,
  store: ContentStore,
  patient: Address,
  profile: PatientProfile,
  extraDoctors: readonly Address[] = [],
): Promise<{ hash: Hash; profileCid: string }> {
  const readers = await profileReaders(ledger, patient, extraDoctors);
  const { cid, cidBytes } = await storePatientProfile(store, profile, readers);
  const { hash } = await writeLedger(ledger, "updatePatientProfile", [patient, bytesToHex(cidBytes)]);
  return { hash, profileCid: cid };
}

export async function assignDoctor(ledger: LedgerWriter, patient: Address, doctor: Address): Promise<Hash> {
  return (await writeLedger(ledger, "assignDoctor", [patient, doctor])).hash;
}

export async function unassignDoctor(ledger: LedgerWriter, patient: Address, doctor: Address): Promise<Hash> {
  return (await writeLedger(ledger, "unassignDoctor", [patient, doctor])).hash;
}

/**
 * The current account of each patient account given (itself, or its latest successor after
 * recoveries of lost wallets), from the PatientRecovered events: one query.
 */
export async function currentPatientAccounts(ledger: LedgerReader): Promise<(account: Address) => Address> {
  const moves = await getLedgerEvents(ledger, { eventName: "PatientRecovered" });
  const next = new Map(moves.map((log) => [log.args.previous.toLowerCase(), log.args.successor]));
  return (account) => {
    let current = account;
    for (let hop = next.get(current.toLowerCase()); hop; hop = next.get(current.toLowerCase())) current = hop;
    return current;
  };
}

/** Every registered patient (by their current account, after any recovery) with their current profile CID. */
export async function listPatients(ledger: LedgerReader): Promise<PatientSummary[]> {
  const [registered, current] = await Promise.all([getLedgerEvents(ledger, { eventName: "PatientRegistered" }), currentPatientAccounts(ledger)]);
  const accounts = registered.map((log) => current(log.args.patient));
  const cids = await Promise.all(accounts.map((account) => readLedger(ledger, "patientProfile", [account])));
  return registered.map((log, i) => ({
    account: accounts[i]!,
    profileCid: cidFromBytes(cids[i] && cids[i] !== "0x" ? cids[i] : log.args.profileCid),
    registeredBy: log.args.by,
    registeredBlock: log.blockNumber,
  }));
}

/** Patients currently assigned to `doctor`. */
export async function patientsOfDoctor(ledger: LedgerReader, doctor: Address): Promise<Address[]> {
  const [assigned, current] = await Promise.all([getLedgerEvents(ledger, { eventName: "DoctorAssigned", args: { doctor } }), currentPatientAccounts(ledger)]);
  const patients = [...new Set(assigned.map((log) => current(log.args.patient)))];
  const active = await Promise.all(patients.map((patient) => readLedger(ledger, "isAssigned", [patient, doctor])));
  return patients.filter((_, i) => active[i]);
}
