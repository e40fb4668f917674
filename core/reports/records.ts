/** Reports as the ledger records them: the ReportRegistered events joined with supersession and block times. */
import type { Address, Hash, Hex, TransactionReceipt } from "viem";
import { parseEventLogs, zeroHash } from "viem";
import { medLedgerAbi } from "../contract/generated/medLedger.ts";
import { readLedger } from "../contract/calls.ts";
import { blockTimestamps, getLedgerEvents, type LedgerLog } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "../errors.ts";
import { cidFromBytes } from "../ipfs/cid.ts";

export interface ReportRecord {
  /** SHA-256 of the plaintext file. */
  readonly reportId: Hex;
  readonly sha1: Hex;
  readonly patient: Address;
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
  readonly blockNumber: bigint;
  readonly transactionHash: Hash;
  /** Unix seconds. */
  readonly registeredAt: number;
}

export interface ReportFilter {
  readonly patient?: Address;
  readonly doctor?: Address;
}

type RegisteredLog = LedgerLog<"ReportRegistered">;

function orNull(value: Hex): Hex | null {
  return value === zeroHash ? null : value;
}

function toRecord(log: RegisteredLog, supersededBy: Hex | null, registeredAt: number): ReportRecord {
  return {
    reportId: log.args.reportId,
    sha1: log.args.sha1Digest,
    patient: log.args.patient,
    doctor: log.args.doctor,
    cid: cidFromBytes(log.args.cid),
    supersedes: orNull(log.args.supersedes),
    supersededBy,
    patientKey: log.args.patientKey,
    doctorKey: log.args.doctorKey,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    registeredAt,
  };
}

/** Reports of a patient and/or a doctor (all reports with no filter), newest first. */
export async function listReports(ledger: LedgerReader, filter: ReportFilter = {}): Promise<ReportRecord[]> {
  const args: Record<string, Address> = {};
  if (filter.patient) args.patient = filter.patient;
  if (filter.doctor) args.doctor = filter.doctor;
  const [logs, superseded] = await Promise.all([
    getLedgerEvents(ledger, { eventName: "ReportRegistered", args }),
    getLedgerEvents(ledger, { eventName: "ReportSuperseded" }),
  ]);
  const supersededBy = new Map<Hex, Hex>(superseded.map((log) => [log.args.reportId, log.args.by]));
  const times = await blockTimestamps(ledger, logs.map((log) => log.blockNumber));
  return logs
    .map((log) => toRecord(log, supersededBy.get(log.args.reportId) ?? null, times.get(log.blockNumber) ?? 0))
    .reverse();
}

/** One report by id, located through the block number its on-chain record keeps. */
export async function getReportRecord(ledger: LedgerReader, reportId: Hex): Promise<ReportRecord> {
  let stored: Awaited<ReturnType<typeof readLedger<"getReport">>>;
  try {
    stored = await readLedger(ledger, "getReport", [reportId]);
  } catch (error) {
    if (isMedLedgerError(error, "CONTRACT_REVERT")) {
      throw new MedLedgerError("UNKNOWN_REPORT", `No report ${reportId} is registered.`, "Check the report id (the SHA-256 of the report file).", { cause: error });
    }
    throw error;
  }
  const block = BigInt(stored.blockNumber);
  const logs = await getLedgerEvents(ledger, {
    eventName: "ReportRegistered",
    args: { patient: stored.patient },
    fromBlock: block,
    toBlock: block,
  });
  const log = logs.find((l) => l.args.reportId === reportId);
  if (!log) {
    throw new MedLedgerError("UNKNOWN_REPORT", `The node has no event for report ${reportId} in block ${block}.`, "Use a node with full event history (an archive or the original node).");
  }
  return toRecord(log, orNull(stored.supersededBy), stored.registeredAt);
}

/** The record of `reportId` from the receipt of the transaction that registered it (no event scan). */
export async function recordFromReceipt(ledger: LedgerReader, receipt: TransactionReceipt, reportId: Hex): Promise<ReportRecord> {
  const logs = parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "ReportRegistered" });
  const log = logs.find((l) => l.args.reportId === reportId && l.address.toLowerCase() === ledger.deployment.address.toLowerCase());
  if (!log) return getReportRecord(ledger, reportId);
  const times = await blockTimestamps(ledger, [receipt.blockNumber]);
  return toRecord(log as unknown as RegisteredLog, null, times.get(receipt.blockNumber) ?? 0);
}

/** Reports other accounts currently may read because `reader` holds a grant, newest first. */
export async function listReportsSharedWith(ledger: LedgerReader, reader: Address): Promise<ReportRecord[]> {
  const granted = await getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reader } });
  const ids = [...new Set(granted.map((log) => log.args.reportId))];
  const current = await Promise.all(ids.map((id) => readLedger(ledger, "isGranted", [id, reader])));
  return Promise.all(ids.filter((_, i) => current[i]).map((id) => getReportRecord(ledger, id)));
}
