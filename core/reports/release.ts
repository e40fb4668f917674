/**
 * Results held for review (contracts/registry/ResultRelease.sol), the doctor's side and what
 * everyone is told while a result waits:
 *  - {@link releaseReport}: the issuing doctor unwraps their own key of the report and wraps it for
 *    the patient's current published key, then sends `releaseReport` (recorded on chain by
 *    `ReportReleased` and the patient's `ReportKeyRewrapped`);
 *  - {@link heldReportsOf}: the doctor's results still held (one event query, then one `getReport`
 *    per result ever registered held);
 *  - the plain refusal a patient meets opening a held result is core/reports/held.ts `heldResultError`.
 * The automatic release after the hospital's delay is the records custodian's
 * (core/custody/rewrap.ts `releaseDueReports`).
 */
import type { Address, Hash, Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { ROLE_IDS } from "../accounts/roles.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { unwrapKey, wrapKey } from "../crypto/keyWrap.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey, type EncryptionIdentity } from "../identity/encryptionKey.ts";
import { getReportRecord, recordsOf, type ReportRecord } from "./records.ts";
import { readerKeyOf } from "./versions.ts";
import { releaseWhenText } from "./held.ts";

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/** Whether `record` is held for review now (as its record says). */
export function isHeld(record: Pick<ReportRecord, "heldUntil">): boolean {
  return record.heldUntil !== null;
}

export interface ReleaseOptions {
  /** Blocks to wait for (default 1). */
  readonly confirmations?: number;
}

export interface ReleaseResult {
  readonly reportId: Hex;
  /** The patient's account the key was wrapped for (their current one). */
  readonly patient: Address;
  readonly transactionHash: Hash;
}

/** Why a release is not possible for `record`, checked before anything is unwrapped or sent. */
async function checkReleasable(ledger: LedgerReader, record: ReportRecord, doctor: Address): Promise<void> {
  if (!same(record.doctor, doctor)) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "Only the doctor who issued this result can release it.",
      record.heldUntil !== null && Number.isFinite(record.heldUntil)
        ? `Ask the issuing doctor (${record.doctor}); otherwise it is released automatically ${releaseWhenText(record.heldUntil)}.`
        : `Ask the issuing doctor (${record.doctor}) to release it.`,
    );
  }
  if (record.heldUntil === null) {
    const released = await getLedgerEvents(ledger, { eventName: "ReportReleased", args: { reportId: record.reportId } });
    throw new MedLedgerError(
      "INVALID_INPUT",
      released.length > 0
        ? "This result was already released: the patient can open it."
        : "This result was not held for review: the patient can already open it.",
      "Nothing to do.",
    );
  }
  if (!(await readLedger(ledger, "hasRole", [ROLE_IDS.doctor, doctor]))) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "Your doctor account is deactivated, so you can no longer release results.",
      Number.isFinite(record.heldUntil)
        ? `The hospital releases it automatically ${releaseWhenText(record.heldUntil)}; ask the administrator if it is needed sooner.`
        : "Ask the hospital's administrator: the result waits for its doctor, so a reactivated account (or the administrator's arrangement) is needed.",
    );
  }
}

/**
 * Releases held result `reportId` to its patient, as its issuing doctor: the doctor's wrapped key of
 * the report (from the registration) is unwrapped with `identity` and wrapped for the key the
 * patient's current account published, with that account as the reader bound in.
 */
export async function releaseReport(ledger: LedgerWriter, reportId: Hex, identity: EncryptionIdentity, options: ReleaseOptions = {}): Promise<ReleaseResult> {
  const doctor = accountOf(ledger);
  if (!same(identity.address, doctor)) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "The unlocked key belongs to another account than the one sending.",
      "Unlock the key of the account you release with.",
    );
  }
  const record = await getReportRecord(ledger, reportId);
  await checkReleasable(ledger, record, doctor);
  const patient = record.patient;
  const [mine, patientPublic] = await Promise.all([readerKeyOf(ledger, record, doctor), requirePublishedKey(ledger, patient, "patient")]);
  let key: Uint8Array;
  try {
    key = unwrapKey(hexToBytes(mine.wrappedKey), identity.secretKey, { reportId, reader: doctor });
  } catch (error) {
    throw new MedLedgerError(
      "WRONG_KEY",
      `Your encryption key cannot open this result: its key is wrapped to your key version ${mine.keyVersion}.`,
      "Unlock your current key; if you rotated it, finish the rotation first (`medledger keys rotate --finish`), then release again.",
      { cause: error },
    );
  }
  const patientKey = bytesToHex(wrapKey(key, patientPublic, { reportId, reader: patient }));
  key.fill(0);
  const { hash } = await writeLedger(ledger, "releaseReport", [reportId, patientKey], { confirmations: options.confirmations });
  return { reportId, patient, transactionHash: hash };
}

/**
 * The results `doctor` issued that are still held for review, newest first: the registrations
 * that were held (their event says so), each checked with `getReport` (released ones drop out).
 */
export async function heldReportsOf(ledger: LedgerReader, doctor: Address): Promise<ReportRecord[]> {
  const logs = await getLedgerEvents(ledger, { eventName: "ReportRegistered", args: { doctor } });
  const records = await recordsOf(
    ledger,
    logs.filter((log) => log.args.heldUntil !== 0),
  );
  return records.filter(isHeld);
}
