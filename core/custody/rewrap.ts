/**
 * What the records custodian does with its key, each step asked of the chain first and recorded
 * on it (contracts/registry/KeyCustody.sol, ResultRelease.sol):
 *  - {@link rewrapForReader}: a patient's report keys re-wrapped for an account the chain already
 *    allows to read them — the patient's successor after a recovery, a guardian, a doctor with
 *    emergency access — and published with `custodianRewrap`, in batches;
 *  - {@link releaseDueReports}: results held for review released to the patient once the
 *    hospital's delay has passed (`releaseReport`).
 * Both are idempotent: what was already delivered (a `ReportKeyRewrapped` for the reader's current
 * key and the report's current version) or released is skipped, so the worker may run them again
 * after any failure or restart. The keystore only ever re-wraps for a recipient `canRead` allows,
 * to the key that recipient published on chain.
 */
import type { Address, Hash, Hex } from "viem";
import { hexToBytes, bytesToHex } from "viem";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import { accountOf, type LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey } from "../identity/encryptionKey.ts";
import type { ReportRecord } from "../reports/records.ts";
import { currentVersions } from "../reports/versions.ts";
import type { CustodianKeystore } from "./keystore.ts";

/** Most re-wrapped keys per `custodianRewrap` transaction (80-byte keys: about 12 kB of calldata). */
export const REWRAP_BATCH = 100;

export interface RewrapOutcome {
  readonly reader: Address;
  /** Reports whose key was published for the reader now. */
  readonly rewrapped: readonly Hex[];
  /** Reports the reader already had the current key of. */
  readonly alreadyDelivered: readonly Hex[];
  /** Reports the chain does not let the reader open (nothing was unwrapped for them). */
  readonly notAllowed: readonly Hex[];
  /** Reports registered without a key for the custodian (before the hospital had one): they cannot be recovered. */
  readonly notCustodied: readonly Hex[];
  readonly transactionHashes: readonly Hash[];
}

function requireCustodian(custodian: LedgerWriter, keystore: CustodianKeystore): void {
  if (accountOf(custodian).toLowerCase() !== keystore.account.toLowerCase()) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "The custodian's keystore belongs to another account than the one sending its transactions.",
      "Configure the records custodian's wallet key and keystore of the same account.",
    );
  }
}

/**
 * Publishes the current key of each of `reports` re-wrapped for `reader`, for those the chain lets
 * `reader` open. `reports` are one patient's (core/reports/records.ts listReports).
 */
export async function rewrapForReader(
  custodian: LedgerWriter,
  keystore: CustodianKeystore,
  reader: Address,
  reports: readonly ReportRecord[],
  options: { readonly confirmations?: number } = {},
): Promise<RewrapOutcome> {
  requireCustodian(custodian, keystore);
  const outcome = {
    reader,
    rewrapped: [] as Hex[],
    alreadyDelivered: [] as Hex[],
    notAllowed: [] as Hex[],
    notCustodied: [] as Hex[],
    transactionHashes: [] as Hash[],
  };
  if (reports.length === 0) return outcome;
  const [readerKey, keyVersion, versions, delivered] = await Promise.all([
    requirePublishedKey(custodian, reader, "reader"),
    readLedger(custodian, "keyVersionOf", [reader]),
    currentVersions(custodian, reports),
    getLedgerEvents(custodian, { eventName: "ReportKeyRewrapped", args: { reader } }),
  ]);
  const have = new Set(delivered.filter((log) => log.args.keyVersion === keyVersion).map((log) => `${log.args.reportId}:${log.args.reportVersion}`));
  const allowed = await Promise.all(reports.map((report) => readLedger(custodian, "canRead", [report.reportId, reader])));
  const pending: { reportId: Hex; wrappedKey: Hex }[] = [];
  for (const [i, report] of reports.entries()) {
    const version = versions.get(report.reportId);
    if (!allowed[i]) outcome.notAllowed.push(report.reportId);
    else if (!version || version.custodianKey === "0x") outcome.notCustodied.push(report.reportId);
    else if (have.has(`${report.reportId}:${version.version}`)) outcome.alreadyDelivered.push(report.reportId);
    else {
      const wrapped = await keystore.rewrap(hexToBytes(version.custodianKey), { reportId: report.reportId, reader: keystore.account }, readerKey, {
        reportId: report.reportId,
        reader,
      });
      pending.push({ reportId: report.reportId, wrappedKey: bytesToHex(wrapped) });
    }
  }
  for (let start = 0; start < pending.length; start += REWRAP_BATCH) {
    const batch = pending.slice(start, start + REWRAP_BATCH);
    const { hash } = await writeLedger(custodian, "custodianRewrap", [reader, batch.map((b) => b.reportId), batch.map((b) => b.wrappedKey)], {
      confirmations: options.confirmations,
    });
    outcome.transactionHashes.push(hash);
    outcome.rewrapped.push(...batch.map((b) => b.reportId));
  }
  return outcome;
}

export interface ReleaseOutcome {
  readonly released: readonly Hex[];
  readonly transactionHashes: readonly Hash[];
}

/**
 * Releases each of `reports` that is still held and whose automatic release time has come (by
 * the chain's clock): the custodian re-wraps its key for the patient's current account and calls
 * `releaseReport`. Reports held for their doctor only, or not due yet, are left alone.
 */
export async function releaseDueReports(
  custodian: LedgerWriter,
  keystore: CustodianKeystore,
  reports: readonly ReportRecord[],
  options: { readonly confirmations?: number } = {},
): Promise<ReleaseOutcome> {
  requireCustodian(custodian, keystore);
  const outcome = { released: [] as Hex[], transactionHashes: [] as Hash[] };
  const held = reports.filter((r) => r.heldUntil !== null && Number.isFinite(r.heldUntil));
  if (held.length === 0) return outcome;
  const block = await custodian.publicClient.getBlock({ blockTag: "latest" });
  const now = Number(block.timestamp);
  const versions = await currentVersions(custodian, held);
  for (const report of held) {
    // The list may be stale: the chain says whether it is still held, and until when.
    const stored = await readLedger(custodian, "getReport", [report.reportId]);
    const releaseAt = Number(stored.heldUntil);
    if (releaseAt === 0 || releaseAt > now) continue;
    const version = versions.get(report.reportId);
    if (!version || version.custodianKey === "0x") continue;
    const patient = stored.patient;
    const patientKey = await requirePublishedKey(custodian, patient, "patient");
    const wrapped = await keystore.rewrap(hexToBytes(version.custodianKey), { reportId: report.reportId, reader: keystore.account }, patientKey, {
      reportId: report.reportId,
      reader: patient,
    });
    const { hash } = await writeLedger(custodian, "releaseReport", [report.reportId, bytesToHex(wrapped)], { confirmations: options.confirmations });
    outcome.released.push(report.reportId);
    outcome.transactionHashes.push(hash);
  }
  return outcome;
}
