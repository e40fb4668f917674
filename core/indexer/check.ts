/**
 * The O(1) checks of listed rows against the contract. A report: one `getReport` read per row shown.
 * What a row says — patient, doctor, registration time, amended or not, fraud mark, key version —
 * is compared with the contract's record, and its SHA-256 with the claim id (keccak256 of the
 * SHA-256 and the doctor); its CID and wrapped keys with the registration event in the receipt of
 * the transaction the row names (one receipt read). The web shows the chain's word on every row it
 * renders, and opens a report's encrypted head (its title) only with the chain's keys. A grant
 * (`grantOf` and `getReport`) and a patient (`patientProfile`, the registration's receipt, and
 * `isAssigned` for a doctor's list) likewise.
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
import type { IndexedGrant, IndexedPatient } from "./wire.ts";

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
    // Held for review, or released since the row was indexed: the chain's word.
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
 * The O(1) check of a listed patient (/v1/patients): `patientProfile` says the account is a patient
 * and which profile is current, the receipt of the transaction the row names holds the
 * registration (who registered them), and with `doctor` (a doctor's list) `isAssigned` says the
 * assignment stands. What is shown is the chain's: its profile CID and the registration's sender.
 */
export async function checkIndexedPatient(ledger: LedgerReader, row: IndexedPatient, doctor?: Address): Promise<PatientCheck> {
  const [profile, registration, assigned] = await Promise.all([
    readLedger(ledger, "patientProfile", [row.account]),
    patientRegistrationIn(ledger, row),
    doctor ? readLedger(ledger, "isAssigned", [row.account, doctor]) : Promise.resolve(true),
  ]);
  if (profile === "0x") return { ok: false, patient: null, differences: ["not a patient"] };
  const differences: string[] = [];
  if (profile.toLowerCase() !== row.profileCid.toLowerCase()) differences.push("profile");
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

/** The PatientRegistered event of `row.account` in the receipt of the transaction the row names. */
async function patientRegistrationIn(ledger: LedgerReader, row: IndexedPatient): Promise<{ by: Address; blockNumber: bigint } | null> {
  let receipt;
  try {
    receipt = await ledger.publicClient.getTransactionReceipt({ hash: row.transactionHash });
  } catch {
    return null;
  }
  const logs = parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "PatientRegistered" });
  const log = logs.find((l) => sameAddress(l.args.patient, row.account) && sameAddress(l.address, ledger.deployment.address));
  return log ? { by: log.args.by, blockNumber: receipt.blockNumber } : null;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
