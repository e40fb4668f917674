/**
 * Reports as the ledger records them: the ReportRegistered events joined with the on-chain record
 * of each claim (registration time, amendment, fraud mark, key version). A report's id is its
 * claim id ({@link claimIdOf}); its file is identified by `sha256`.
 */
import { heldUntilOf } from "./held.ts";
import { zeroAddress, parseEventLogs, zeroHash } from "viem";
import type { Address, Hash, Hex, TransactionReceipt } from "viem";
import { medLedgerAbi } from "../contract/generated/medLedger.ts";
import { readLedger } from "../contract/calls.ts";
import { getLedgerEvents, type LedgerLog } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "../errors.ts";
import { cidFromBytes } from "../ipfs/cid.ts";

export interface ReportRecord {
  /** The claim id: keccak256(abi.encode(sha256, doctor)). */
  readonly reportId: Hex;
  /** SHA-256 of the issued file. */
  readonly sha256: Hex;
  readonly sha1: Hex;
  /** The patient's current account (after a recovery, the successor of the account it was registered for). */
  readonly patient: Address;
  /** The account the report was registered for (its registration's patient key is wrapped for it); absent in an indexer's list row. */
  readonly registeredFor?: Address;
  readonly doctor: Address;
  /** CID of the encrypted file. */
  readonly cid: string;
  /** The report this one amends. */
  readonly supersedes: Hex | null;
  /** The report that amends this one. */
  readonly supersededBy: Hex | null;
  /** The report key wrapped for the patient and for the doctor. */
  readonly patientKey: Hex;
  readonly doctorKey: Hex;
  /** The report key wrapped for the hospital's records custodian ("0x": none; absent in an indexer's list row). */
  readonly custodianKey?: Hex;
  /** Block of the registration event (for ordering; times come from `registeredAt`). */
  readonly blockNumber: bigint;
  readonly transactionHash: Hash;
  /** Unix seconds, as the contract recorded them. */
  readonly registeredAt: number;
  /** The administrator marked this claim fraudulent (a settled dispute). */
  readonly fraudulent: boolean;
  /** Key version of the report: 0 as registered, + 1 per re-key. */
  readonly version: number;
  /**
   * Held for review: Unix seconds of its automatic release (`Infinity`: only its doctor releases
   * it); null once released or never held. The patient's copy opens only after the release.
   */
  readonly heldUntil: number | null;
}

export interface ReportFilter {
  readonly patient?: Address;
  readonly doctor?: Address;
}

type RegisteredLog = LedgerLog<"ReportRegistered">;
export type StoredReport = Awaited<ReturnType<typeof readLedger<"getReport">>>;

function orNull(value: Hex): Hex | null {
  return value === zeroHash ? null : value;
}

function toRecord(log: RegisteredLog, stored: StoredReport): ReportRecord {
  return {
    reportId: log.args.reportId,
    sha256: log.args.sha256Digest,
    sha1: log.args.sha1Digest,
    // The patient's current account: after a lost wallet was recovered, the successor (core/patients/recovery.ts).
    patient: stored.patient,
    registeredFor: log.args.patient,
    doctor: log.args.doctor,
    cid: cidFromBytes(log.args.cid),
    supersedes: orNull(log.args.supersedes),
    supersededBy: orNull(stored.supersededBy),
    patientKey: log.args.patientKey,
    doctorKey: log.args.doctorKey,
    custodianKey: log.args.custodianKey,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    registeredAt: Number(stored.registeredAt),
    fraudulent: stored.fraudulent,
    version: Number(stored.version),
    heldUntil: heldUntilOf(stored.heldUntil),
  };
}

/** The on-chain record of claim `reportId`; UNKNOWN_REPORT if there is none. */
export async function getStoredReport(ledger: LedgerReader, reportId: Hex): Promise<StoredReport> {
  try {
    return await readLedger(ledger, "getReport", [reportId]);
  } catch (error) {
    if (isMedLedgerError(error, "CONTRACT_REVERT")) {
      throw new MedLedgerError("UNKNOWN_REPORT", `No report ${reportId} is registered.`, "Check the report id (as shown in the report list).", {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Reports of a patient and/or a doctor (all reports with no filter), newest first. A patient's
 * are those of their record: after a lost wallet was recovered, also the reports registered for
 * the accounts the record had before ({@link patientAccountsOf}).
 */
export async function listReports(ledger: LedgerReader, filter: ReportFilter = {}): Promise<ReportRecord[]> {
  const args: { patient?: Address | Address[]; doctor?: Address } = {};
  if (filter.patient) {
    args.patient = await patientTopicOf(ledger, filter.patient);
  }
  if (filter.doctor) args.doctor = filter.doctor;
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args });
  return recordsOf(ledger, logs);
}

/** The `patient` topic filter of events about `account`'s record: the account, or every account the record had. */
export async function patientTopicOf(ledger: LedgerReader, account: Address): Promise<Address | Address[]> {
  const accounts = await patientAccountsOf(ledger, account);
  return accounts.length === 1 ? accounts[0]! : accounts;
}

/**
 * Every account that held the patient record `account` holds now, oldest first (the account it
 * was registered with, then each successor); just `account` when it holds no record.
 */
export async function patientAccountsOf(ledger: LedgerReader, account: Address): Promise<Address[]> {
  const record = await readLedger(ledger, "patientRecordOf", [account]);
  // Holding the record it registered with, the account never moved: no history to look up.
  if (record === zeroAddress || record.toLowerCase() === account.toLowerCase()) return [account];
  const moves = await getLedgerEvents(ledger, { eventName: "PatientRecovered", args: { record } });
  return [record, ...moves.map((log) => log.args.successor)];
}

/** Every claim on the file with SHA-256 `sha256` (by the indexed topic), oldest first. */
export async function listClaimsOf(ledger: LedgerReader, sha256: Hex): Promise<ReportRecord[]> {
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args: { sha256Digest: sha256 } });
  return (await recordsOf(ledger, logs)).reverse();
}

/** The records of registration logs, newest first: one contract read per claim, no block reads. */
/** The records of registration events `logs` (one `getReport` each), newest first. */
export async function recordsOf(ledger: LedgerReader, logs: readonly RegisteredLog[]): Promise<ReportRecord[]> {
  const stored = await Promise.all(logs.map((log) => readLedger(ledger, "getReport", [log.args.reportId])));
  return logs.map((log, i) => toRecord(log, stored[i]!)).reverse();
}

/**
 * One report by claim id: its record from the contract, its registration event located by the
 * indexed topics (patient and doctor, or SHA-256 and doctor when the file's SHA-256 is known).
 */
export async function getReportRecord(ledger: LedgerReader, reportId: Hex, known: { readonly sha256?: Hex } = {}): Promise<ReportRecord> {
  const stored = await getStoredReport(ledger, reportId);
  // The registration names the account the report was registered for: after a recovery, an earlier account of the record.
  const args: { sha256Digest?: Hex; patient?: Address | Address[]; doctor: Address } = known.sha256
    ? { sha256Digest: known.sha256, doctor: stored.doctor }
    : { patient: await patientTopicOf(ledger, stored.patient), doctor: stored.doctor };
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args });
  const log = logs.find((l) => l.args.reportId === reportId);
  if (!log) {
    throw new MedLedgerError(
      "UNKNOWN_REPORT",
      `The node has no registration event for report ${reportId}.`,
      "Use a node with full event history (an archive or the original node).",
    );
  }
  return toRecord(log, stored);
}

/** The record of `reportId` from the receipt of the transaction that registered it (no event scan). */
export async function recordFromReceipt(ledger: LedgerReader, receipt: TransactionReceipt, reportId: Hex): Promise<ReportRecord> {
  const logs = parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "ReportRegistered" });
  const log = logs.find((l) => l.args.reportId === reportId && l.address.toLowerCase() === ledger.deployment.address.toLowerCase());
  if (!log) return getReportRecord(ledger, reportId);
  return toRecord(log as unknown as RegisteredLog, await getStoredReport(ledger, reportId));
}

/** The grant states of the contract's `grantOf`. */
export const GRANT_STATUS = ["none", "active", "expired"] as const;
export type GrantState = (typeof GRANT_STATUS)[number];

export interface GrantInfo {
  readonly status: GrantState;
  /** Unix seconds the access ends (null: no end). */
  readonly expiresAt: number | null;
}

/** `reader`'s grant on report `reportId`: none (never or revoked), active or expired. */
export async function grantOf(ledger: LedgerReader, reportId: Hex, reader: Address): Promise<GrantInfo> {
  const [status, expiresAt] = await readLedger(ledger, "grantOf", [reportId, reader]);
  return { status: GRANT_STATUS[status] ?? "none", expiresAt: expiresAt === 0 ? null : Number(expiresAt) };
}

/** Reports other accounts currently may read because `reader` holds an active grant, newest first. */
export async function listReportsSharedWith(ledger: LedgerReader, reader: Address): Promise<ReportRecord[]> {
  const granted = await getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reader } });
  const ids = [...new Set(granted.map((log) => log.args.reportId))].reverse();
  const grants = await Promise.all(ids.map((id) => grantOf(ledger, id, reader)));
  return Promise.all(ids.filter((_, i) => grants[i]!.status === "active").map((id) => getReportRecord(ledger, id)));
}
