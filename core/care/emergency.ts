/**
 * "Break-glass" emergency access (contracts/registry/EmergencyAccess.sol): a doctor who is not
 * assigned to a patient opens the patient's reports for the hospital's emergency duration
 * (`carePolicy()`, 24 hours by default), stating a coded reason — never free text, so nothing
 * medical reaches the chain. The access is public: the patient sees it in their access history,
 * the administrator reviews every one. The doctor then receives the report keys re-wrapped by the
 * records custodian (core/custody/rewrap.ts, run by the server's custody worker) and reads them
 * through the usual read path (core/reports/read.ts).
 *
 * The lists here are read from the chain's `EmergencyAccessed` events; an indexer can give the
 * same {@link EmergencyAccess} rows (web/lib/emergencyLists.ts picks the source).
 */
import type { Address, Hash } from "viem";
import { parseEventLogs, zeroAddress } from "viem";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { chainTime } from "../contract/clock.ts";
import { blockTimestamps, getLedgerEvents, type LedgerLog } from "../contract/events.ts";
import { medLedgerAbi } from "../contract/generated/medLedger.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { ROLE_IDS } from "../accounts/roles.ts";
import { MedLedgerError } from "../errors.ts";
import { publishedKeyOf } from "../identity/encryptionKey.ts";
import { EMERGENCY_REASONS, emergencyReason, type EmergencyReason, type EmergencyReasonCode } from "./reasons.ts";

export { EMERGENCY_REASONS, emergencyReason, parseEmergencyReason, type EmergencyReason, type EmergencyReasonCode } from "./reasons.ts";

/** One break-glass access as the chain recorded it. */
export interface EmergencyAccess {
  /** The patient's record (the account they were registered with: it names them across recoveries). */
  readonly record: Address;
  /** The patient's account when the access was opened. */
  readonly patient: Address;
  readonly doctor: Address;
  readonly reason: EmergencyReason;
  /** Unix seconds it was opened (its block's time). */
  readonly at: number;
  /** Unix seconds it ends (exclusive). */
  readonly until: number;
  /** Whether it lasts at the chain's current time. */
  readonly active: boolean;
  readonly transactionHash: Hash;
}

export interface OpenedEmergencyAccess {
  readonly patient: Address;
  readonly record: Address;
  readonly doctor: Address;
  readonly reason: EmergencyReason;
  /** Unix seconds the access ends. */
  readonly until: number;
  readonly transactionHash: Hash;
}

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Opens `patient`'s reports to the signing doctor in an emergency, for `reason`. Checked first,
 * with plain errors: MedLedger paused, the signer not an active doctor, the patient not
 * registered, the doctor assigned to them already (they read normally), the doctor's key not
 * published (the hospital could not give them the report keys).
 */
export async function openEmergencyAccess(
  doctorWriter: LedgerWriter,
  patient: Address,
  reason: EmergencyReasonCode,
  options: { readonly confirmations?: number } = {},
): Promise<OpenedEmergencyAccess> {
  const doctor = accountOf(doctorWriter);
  if (!EMERGENCY_REASONS.some((r) => r.code === reason)) {
    throw new MedLedgerError("INVALID_INPUT", "Choose why you need emergency access.", "Pick one of the listed reasons.");
  }
  const [paused, isDoctor, record, assigned, key] = await Promise.all([
    readLedger(doctorWriter, "paused"),
    readLedger(doctorWriter, "hasRole", [ROLE_IDS.doctor, doctor]),
    readLedger(doctorWriter, "patientRecordOf", [patient]),
    readLedger(doctorWriter, "isAssigned", [patient, doctor]),
    publishedKeyOf(doctorWriter, doctor),
  ]);
  if (paused) {
    throw new MedLedgerError(
      "CONTRACT_REVERT",
      "MedLedger is paused by its administrator: emergency access cannot be opened right now.",
      "Ask the hospital's administrator, or a doctor assigned to the patient.",
    );
  }
  if (!isDoctor) {
    throw new MedLedgerError("NO_ACCESS", "Only an active doctor of the hospital can open emergency access.", "Sign in with a doctor's account.");
  }
  if (record === zeroAddress) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "This account is not a registered patient.",
      "Check the patient's account; a patient is registered at the reception.",
    );
  }
  if (same(patient, doctor)) {
    throw new MedLedgerError("INVALID_INPUT", "You cannot open emergency access to your own record.", "Ask another doctor.");
  }
  if (assigned) {
    throw new MedLedgerError("INVALID_INPUT", "You are assigned to this patient, open their reports normally.", "Find the patient under “My patients”.");
  }
  if (!key) {
    throw new MedLedgerError(
      "NO_ENCRYPTION_KEY",
      "Your encryption key is not published yet, so the hospital could not give you the patient's report keys.",
      "Open MedLedger once with your wallet and unlock your key, then try again.",
    );
  }
  const { hash, receipt } = await writeLedger(doctorWriter, "breakGlass", [patient, reason], { confirmations: options.confirmations });
  const [event] = parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "EmergencyAccessed" });
  if (!event) throw new MedLedgerError("CONTRACT_REVERT", "The chain did not record the emergency access.", "Try again.");
  return {
    patient: event.args.patient,
    record: event.args.record,
    doctor: event.args.doctor,
    reason: emergencyReason(event.args.reason),
    until: Number(event.args.until),
    transactionHash: hash,
  };
}

async function toAccesses(ledger: LedgerReader, logs: readonly LedgerLog<"EmergencyAccessed">[]): Promise<EmergencyAccess[]> {
  if (logs.length === 0) return [];
  const [times, now] = await Promise.all([
    blockTimestamps(
      ledger,
      logs.map((log) => log.blockNumber),
    ),
    chainTime(ledger),
  ]);
  return [...logs]
    .sort((a, b) => (a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber < b.blockNumber ? 1 : -1))
    .map((log) => ({
      record: log.args.record,
      patient: log.args.patient,
      doctor: log.args.doctor,
      reason: emergencyReason(log.args.reason),
      at: times.get(log.blockNumber) ?? 0,
      until: Number(log.args.until),
      active: Number(log.args.until) > now,
      transactionHash: log.transactionHash,
    }));
}

/** The patient's record of account `patient` (itself when it holds none). */
async function recordOf(ledger: LedgerReader, patient: Address): Promise<Address> {
  const record = await readLedger(ledger, "patientRecordOf", [patient]);
  return record === zeroAddress ? patient : record;
}

/** Every emergency access to `patient`'s record (also under their earlier accounts), newest first. */
export async function emergencyAccessesOf(ledger: LedgerReader, patient: Address): Promise<EmergencyAccess[]> {
  const record = await recordOf(ledger, patient);
  return toAccesses(ledger, await getLedgerEvents(ledger, { eventName: "EmergencyAccessed", args: { record } }));
}

/** Every emergency access of the hospital, newest first: the administrator's review list. */
export async function allEmergencyAccesses(ledger: LedgerReader): Promise<EmergencyAccess[]> {
  return toAccesses(ledger, await getLedgerEvents(ledger, { eventName: "EmergencyAccessed" }));
}

/** Every emergency access `doctor` opened, newest first. */
export async function emergencyAccessesBy(ledger: LedgerReader, doctor: Address): Promise<EmergencyAccess[]> {
  return toAccesses(ledger, await getLedgerEvents(ledger, { eventName: "EmergencyAccessed", args: { doctor } }));
}

/** A patient a doctor has emergency access to now. */
export interface EmergencyPatient {
  readonly record: Address;
  /** The patient's current account (what their reports are listed by). */
  readonly patient: Address;
  readonly reason: EmergencyReason;
  readonly at: number;
  readonly until: number;
}

/** The patients `doctor` has emergency access to now (the latest access per patient), newest first. */
export async function emergencyPatientsOf(ledger: LedgerReader, doctor: Address): Promise<EmergencyPatient[]> {
  const latest = new Map<string, EmergencyAccess>();
  for (const access of await emergencyAccessesBy(ledger, doctor)) {
    if (!latest.has(access.record.toLowerCase())) latest.set(access.record.toLowerCase(), access);
  }
  const active = [...latest.values()].filter((access) => access.active);
  return Promise.all(
    active.map(async (access) => {
      const current = await readLedger(ledger, "patientAccountOf", [access.record]);
      return {
        record: access.record,
        patient: current === zeroAddress ? access.patient : current,
        reason: access.reason,
        at: access.at,
        until: access.until,
      };
    }),
  );
}

/** Until when `doctor` has emergency access to `patient` (Unix seconds; 0: never had any). */
export async function emergencyAccessUntil(ledger: LedgerReader, patient: Address, doctor: Address): Promise<number> {
  return Number(await readLedger(ledger, "emergencyAccessUntil", [patient, doctor]));
}

/** The plain refusal for a doctor whose emergency access to a report's patient ended at `until`. */
export function emergencyEndedError(until: number): MedLedgerError {
  return new MedLedgerError(
    "ACCESS_EXPIRED",
    `Your emergency access to this patient ended on ${new Date(until * 1000).toUTCString()}.`,
    "Open emergency access again if the emergency goes on, or ask the patient's assigned doctor.",
  );
}
