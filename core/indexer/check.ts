/**
 * The O(1) check of a listed report against the contract: one `getReport` read per row shown.
 * What a row says — patient, doctor, registration time, amended or not, fraud mark, key version —
 * is compared with the contract's record, and its SHA-256 with the claim id (keccak256 of the
 * SHA-256 and the doctor); its CID and wrapped keys with the registration event in the receipt of
 * the transaction the row names (one receipt read). The web shows the chain's word on every row it
 * renders, and opens a report's encrypted head (its title) only with the chain's keys.
 */
import { parseEventLogs, type Address, type Hex } from "viem";
import { medLedgerAbi } from "../contract/generated/medLedger.ts";
import { cidFromBytes } from "../ipfs/cid.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { isMedLedgerError } from "../errors.ts";
import { claimIdOf } from "../reports/claimId.ts";
import { getStoredReport, grantOf, type ReportRecord } from "../reports/records.ts";
import type { ListedReport } from "./listed.ts";

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
