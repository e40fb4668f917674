/**
 * The O(1) checks of listed rows against the contract. A report: one `getReport` read per row shown.
 * What a row says — patient, doctor, registration time, amended or not, fraud mark, key version —
 * is compared with the contract's record, and its SHA-256 with the claim id (keccak256 of the
 * SHA-256 and the doctor); its CID and wrapped keys with the registration event in the receipt of
 * the transaction the row names (one receipt read). The web shows the chain's word on every row it
 * renders, and opens a report's encrypted head (its title) only with the chain's keys. A grant
 * (`grantOf` and `getReport`), a patient (`patientProfile`, `patientRecordOf`, the registration's
 * receipt, and `isAssigned` for a doctor's list), an emergency access (its transaction's receipt,
 * its block's time, `patientAccountOf`) and a guardianship (`guardianOf`, `patientRecordOf`) likewise.
 *
 * A patient's record moves to a successor account on recovery: the chain names the patient by the
 * record's current account (`getReport`, `patientAccountOf`), while events of before the recovery
 * name the account of then (the registration's `patient` is the record itself). The checks
 * compare the indexer's current account with the chain's, and events through the record.
 */
import { parseEventLogs, type Address, type Hex } from "viem";
import { medLedgerAbi } from "../contract/generated/medLedger.ts";
import { cidFromBytes } from "../ipfs/cid.ts";
import { readLedger } from "../contract/calls.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { isMedLedgerError } from "../errors.ts";
import { claimIdOf } from "../reports/claimId.ts";
import { heldUntilOf } from "../reports/held.ts";
import type { PatientSummary } from "../patients/patients.ts";
import { getStoredReport, grantOf, type ReportRecord } from "../reports/records.ts";
import type { ListedReport } from "./listed.ts";
import type { IndexedEmergency, IndexedGrant, IndexedGuardian, IndexedPatient } from "./wire.ts";

export type { ListedReport } from "./listed.ts";

export type ReportCheck =
  | { readonly ok: true; readonly reportId: Hex; readonly record: ReportRecord }
  /** `differences` names what the indexer got wrong; `record` holds the chain's values. */
  | { readonly ok: false; readonly reportId: Hex; readonly record: ReportRecord | null; readonly differences: readonly string[] };

const ZERO = `0x${"0".repeat(64)}`;

/**
 * `sharedWith`: the row is listed as shared with this reader — the contract's `grantOf` must say
 * the access is active (one more O(1) read).
 */
export async function checkIndexedReport(ledger: LedgerReader, row: ListedReport, sharedWith?: Address): Promise<ReportCheck> {
  let stored: Awaited<ReturnType<typeof getStoredReport>>;
  try {
    stored = await getStoredReport(ledger, row.reportId);
  } catch (error) {
    if (isMedLedgerError(error, "UNKNOWN_REPORT")) {
      return { ok: false, reportId: row.reportId, record: null, differences: ["the contract has no such report"] };
    }
    throw error;
  }
  const supersededBy = stored.supersededBy === ZERO ? null : stored.supersededBy;
  const registered = await registrationIn(ledger, row);
  const record: ReportRecord = {
    ...row,
    ...(registered ?? {}),
    sha1: stored.sha1Digest,
    patient: stored.patient,
    doctor: stored.doctor,
    supersededBy,
    registeredAt: Number(stored.registeredAt),
    fraudulent: stored.fraudulent,
    version: Number(stored.version),
    heldUntil: heldUntilOf(stored.heldUntil),
  };
  const differences: string[] = [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (!same(stored.patient, row.patient)) differences.push("patient");
  if (!same(stored.doctor, row.doctor)) differences.push("doctor");
  if (!same(stored.sha1Digest, row.sha1)) differences.push("SHA-1");
  if (!same(claimIdOf(row.sha256, stored.doctor), row.reportId)) differences.push("SHA-256");
  if (Number(stored.registeredAt) !== row.registeredAt) differences.push("registration time");
  if ((supersededBy ?? "").toLowerCase() !== (row.supersededBy ?? "").toLowerCase()) differences.push("amendment");
  if (stored.fraudulent !== row.fraudulent) differences.push("fraud mark");
  if (Number(stored.version) !== row.version) differences.push("key version");
  if (record.heldUntil !== (row.heldUntil ?? null)) differences.push("hold");
  if (!registered) differences.push("registration transaction");
  else if (registered.cid !== row.cid || !same(registered.patientKey, row.patientKey) || !same(registered.doctorKey, row.doctorKey))
    differences.push("stored file or keys");
  if (sharedWith && (await grantOf(ledger, row.reportId, sharedWith)).status !== "active") differences.push("access");
  return differences.length === 0 ? { ok: true, reportId: row.reportId, record } : { ok: false, reportId: row.reportId, record, differences };
}

/** The CID and wrapped keys of `row`'s registration, from the receipt of the transaction the row names (null: no such registration there). */
async function registrationIn(ledger: LedgerReader, row: ListedReport): Promise<Pick<ReportRecord, "cid" | "patientKey" | "doctorKey"> | null> {
  let receipt;
  try {
    receipt = await ledger.publicClient.getTransactionReceipt({ hash: row.transactionHash });
  } catch {
    return null;
  }
  const logs = parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "ReportRegistered" });
  const log = logs.find((l) => l.args.reportId === row.reportId && l.address.toLowerCase() === ledger.deployment.address.toLowerCase());
  return log ? { cid: cidFromBytes(log.args.cid), patientKey: log.args.patientKey, doctorKey: log.args.doctorKey } : null;
}

/** The checks of the rows on screen, in parallel (a window of rows: O(1) reads each). */
export function checkIndexedReports(ledger: LedgerReader, rows: readonly ListedReport[]): Promise<ReportCheck[]> {
  return Promise.all(rows.map((row) => checkIndexedReport(ledger, row)));
}

/** A grant as the patient's page shows it: the chain's status and end date. */
export interface CheckedGrant {
  readonly reportId: Hex;
  readonly patient: Address;
  readonly reader: Address;
  readonly status: "active" | "expired";
  /** Unix seconds the access ends (null: no end), as the contract keeps it. */
  readonly expiresAt: number | null;
}

export type GrantCheck =
  | { readonly ok: true; readonly grant: CheckedGrant }
  /** `grant`: what the chain holds (null: no grant of this report's patient to this reader). */
  | { readonly ok: false; readonly grant: CheckedGrant | null; readonly differences: readonly string[] };

/**
 * The O(1) check of a listed grant (/v1/grants): `grantOf(reportId, reader)` says whether the
 * grant exists and when it ends, `getReport` whose patient the report is (two reads per row).
 */
export async function checkIndexedGrant(ledger: LedgerReader, row: IndexedGrant): Promise<GrantCheck> {
  const [onChain, stored] = await Promise.all([
    grantOf(ledger, row.reportId, row.reader),
    getStoredReport(ledger, row.reportId).catch((error: unknown) => {
      if (isMedLedgerError(error, "UNKNOWN_REPORT")) return null;
      throw error;
    }),
  ]);
  if (!stored) return { ok: false, grant: null, differences: ["the contract has no such report"] };
  const differences: string[] = [];
  if (!sameAddress(stored.patient, row.patient)) differences.push("patient");
  if (onChain.status === "none") differences.push("access");
  else if (onChain.expiresAt !== row.expiresAt) differences.push("end date");
  const grant: CheckedGrant | null =
    onChain.status === "none"
      ? null
      : { reportId: row.reportId, patient: stored.patient, reader: row.reader, status: onChain.status, expiresAt: onChain.expiresAt };
  return differences.length === 0 && grant ? { ok: true, grant } : { ok: false, grant, differences };
}

/** The checks of listed grants, in parallel (O(1) reads each). */
export function checkIndexedGrants(ledger: LedgerReader, rows: readonly IndexedGrant[]): Promise<GrantCheck[]> {
  return Promise.all(rows.map((row) => checkIndexedGrant(ledger, row)));
}

export type PatientCheck =
  | { readonly ok: true; readonly patient: PatientSummary }
  /** `patient`: the chain's values where it has them (null: not a registered patient). */
  | { readonly ok: false; readonly patient: PatientSummary | null; readonly differences: readonly string[] };

/**
 * The O(1) check of a listed patient (/v1/patients): `patientProfile` says the account holds a
 * patient record now (a retired account holds none) and which profile is current,
 * `patientRecordOf` which record it holds, the receipt of the transaction the row names holds that
 * record's registration (who registered them), and with `doctor` (a doctor's list) `isAssigned`
 * says the assignment stands. What is shown is the chain's: its profile CID and the registration's sender.
 */
export async function checkIndexedPatient(ledger: LedgerReader, row: IndexedPatient, doctor?: Address): Promise<PatientCheck> {
  const [profile, record, registrations, assigned] = await Promise.all([
    readLedger(ledger, "patientProfile", [row.account]),
    readLedger(ledger, "patientRecordOf", [row.account]),
    patientRegistrationsIn(ledger, row.transactionHash),
    doctor ? readLedger(ledger, "isAssigned", [row.account, doctor]) : Promise.resolve(true),
  ]);
  if (profile === "0x") return { ok: false, patient: null, differences: ["not a patient"] };
  const differences: string[] = [];
  if (!sameAddress(record, row.record)) differences.push("record");
  if (profile.toLowerCase() !== row.profileCid.toLowerCase()) differences.push("profile");
  // The registration names the record (the account of then), whichever account holds it now.
  const registration = registrations?.find((r) => sameAddress(r.record, record));
  if (!registration) differences.push("registration transaction");
  else if (!sameAddress(registration.by, row.registeredBy)) differences.push("registered by");
  if (!assigned) differences.push("assignment");
  const patient: PatientSummary = {
    account: row.account,
    profileCid: cidFromBytes(profile),
    registeredBy: registration?.by ?? row.registeredBy,
    registeredBlock: registration?.blockNumber ?? 0n,
  };
  return differences.length === 0 ? { ok: true, patient } : { ok: false, patient, differences };
}

/** The checks of listed patients, in parallel (O(1) reads each); `doctor`: each must be assigned to them. */
export function checkIndexedPatients(ledger: LedgerReader, rows: readonly IndexedPatient[], doctor?: Address): Promise<PatientCheck[]> {
  return Promise.all(rows.map((row) => checkIndexedPatient(ledger, row, doctor)));
}

/** The PatientRegistered events of the contract in the receipt of transaction `hash` (null: no such transaction). */
async function patientRegistrationsIn(ledger: LedgerReader, hash: Hex): Promise<{ record: Address; by: Address; blockNumber: bigint }[] | null> {
  const receipt = await receiptOf(ledger, hash);
  if (!receipt) return null;
  return parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "PatientRegistered" })
    .filter((l) => sameAddress(l.address, ledger.deployment.address))
    .map((l) => ({ record: l.args.patient, by: l.args.by, blockNumber: receipt.blockNumber }));
}

async function receiptOf(ledger: LedgerReader, hash: Hex) {
  try {
    return await ledger.publicClient.getTransactionReceipt({ hash });
  } catch {
    return null;
  }
}

/** An emergency access as the chain records it. */
export interface CheckedEmergency {
  readonly record: Address;
  /** The account that holds the record now. */
  readonly patient: Address;
  readonly doctor: Address;
  /** The contract's EmergencyReason code (1–4). */
  readonly reason: number;
  /** Unix seconds the access ends (exclusive). */
  readonly until: number;
  /** Unix seconds of its block. */
  readonly accessedAt: number;
  readonly blockNumber: bigint;
  readonly logIndex: number;
  readonly transactionHash: Hex;
}

export type EmergencyCheck =
  | { readonly ok: true; readonly access: CheckedEmergency }
  /** `access`: the chain's record of the access the row names (null: its transaction holds no such access). */
  | { readonly ok: false; readonly access: CheckedEmergency | null; readonly differences: readonly string[] };

/**
 * The O(1) check of a listed emergency access (/v1/emergencies): the receipt of the transaction
 * the row names holds the EmergencyAccessed log at the row's position, with its record, doctor,
 * reason and end; the block's time is the access's; `patientAccountOf` the log's record is the
 * account the row names as the patient (the log names the patient's account of then).
 */
export async function checkIndexedEmergency(ledger: LedgerReader, row: IndexedEmergency): Promise<EmergencyCheck> {
  const receipt = await receiptOf(ledger, row.transactionHash);
  const log = receipt
    ? parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "EmergencyAccessed" }).find(
        (l) => l.logIndex === row.logIndex && sameAddress(l.address, ledger.deployment.address),
      )
    : undefined;
  if (!receipt || !log) return { ok: false, access: null, differences: ["emergency access"] };
  const [holder, block] = await Promise.all([
    readLedger(ledger, "patientAccountOf", [log.args.record]),
    ledger.publicClient.getBlock({ blockHash: receipt.blockHash }),
  ]);
  const access: CheckedEmergency = {
    record: log.args.record,
    patient: holder,
    doctor: log.args.doctor,
    reason: Number(log.args.reason),
    until: Number(log.args.until),
    accessedAt: Number(block.timestamp),
    blockNumber: receipt.blockNumber,
    logIndex: log.logIndex,
    transactionHash: receipt.transactionHash,
  };
  const differences: string[] = [];
  if (!sameAddress(access.record, row.record) || !sameAddress(access.patient, row.patient)) differences.push("patient");
  if (!sameAddress(access.doctor, row.doctor)) differences.push("doctor");
  if (access.reason !== row.reason) differences.push("reason");
  if (access.until !== row.until) differences.push("end date");
  if (access.accessedAt !== row.accessedAt) differences.push("time");
  if (access.blockNumber !== row.blockNumber) differences.push("position");
  return differences.length === 0 ? { ok: true, access } : { ok: false, access, differences };
}

/** The checks of listed emergency accesses, in parallel (O(1) reads each). */
export function checkIndexedEmergencies(ledger: LedgerReader, rows: readonly IndexedEmergency[]): Promise<EmergencyCheck[]> {
  return Promise.all(rows.map((row) => checkIndexedEmergency(ledger, row)));
}

/** A current guardianship as the chain holds it. */
export interface CheckedGuardian {
  readonly record: Address;
  readonly patient: Address;
  readonly guardian: Address;
  /** Unix seconds it ends (exclusive); null: no end. */
  readonly until: number | null;
  readonly byReception: boolean;
}

export type GuardianCheck =
  | { readonly ok: true; readonly guardian: CheckedGuardian }
  /** `guardian`: the chain's guardianship (null: `guardian` is not a current guardian of `patient`). */
  | { readonly ok: false; readonly guardian: CheckedGuardian | null; readonly differences: readonly string[] };

/** The contract's "no end" of a guardianship (`type(uint40).max`). */
const NO_END = 2 ** 40 - 1;

/**
 * The O(1) check of a listed guardianship (/v1/guardians): `guardianOf(patient, guardian)` says it
 * is current, until when and who appointed it, `patientRecordOf(patient)` whose record it is (two reads per row).
 */
export async function checkIndexedGuardian(ledger: LedgerReader, row: IndexedGuardian): Promise<GuardianCheck> {
  const [[active, until, byReception], record] = await Promise.all([
    readLedger(ledger, "guardianOf", [row.patient, row.guardian]),
    readLedger(ledger, "patientRecordOf", [row.patient]),
  ]);
  if (!active) return { ok: false, guardian: null, differences: ["guardianship"] };
  const guardian: CheckedGuardian = {
    record,
    patient: row.patient,
    guardian: row.guardian,
    until: Number(until) === NO_END ? null : Number(until),
    byReception,
  };
  const differences: string[] = [];
  if (!sameAddress(record, row.record)) differences.push("patient");
  if (guardian.until !== row.until) differences.push("end date");
  if (guardian.byReception !== row.byReception) differences.push("appointed by");
  return differences.length === 0 ? { ok: true, guardian } : { ok: false, guardian, differences };
}

/** The checks of listed guardianships, in parallel (O(1) reads each). */
export function checkIndexedGuardians(ledger: LedgerReader, rows: readonly IndexedGuardian[]): Promise<GuardianCheck[]> {
  return Promise.all(rows.map((row) => checkIndexedGuardian(ledger, row)));
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
