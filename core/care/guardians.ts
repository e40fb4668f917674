/**
 * Guardians (a parent, a proxy): an account that reads a patient's reports and manages their
 * sharing for them (contracts/registry/Guardianship.sol). Appointed by the patient, who can end it;
 * or by the reception — for a minor or a patient without capacity — optionally until a date: then
 * only the reception ends it, or the date does. The guardian receives the report keys from the
 * hospital's records custodian (core/custody/rewrap.ts, run by the server's custody worker), and
 * shares or stops sharing in the patient's name with core/reports/share.ts through
 * {@link guardianSender}: each such transaction carries an `ActedAsGuardian` event naming them.
 *
 * Every rule the contract enforces is checked here first, so the user reads a plain reason before
 * any wallet prompt. Lists come from the chain's events, each entry confirmed with `guardianOf`;
 * a {@link GuardianSource} (the indexer's, later) can replace the event scan.
 */
import type { Address, Hex } from "viem";
import { zeroAddress, zeroHash } from "viem";
import { ROLE_IDS } from "../accounts/roles.ts";
import { grantArgs, type ActionSender } from "../contract/actions.ts";
import { readLedger, writeLedger, type WriteResult } from "../contract/calls.ts";
import { nowOnChain } from "../contract/clock.ts";
import { getLedgerEvents } from "../contract/events.ts";
import { accountOf, type LedgerReader, type LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";
import { requirePublishedKey } from "../identity/encryptionKey.ts";
import { expiryOfDay } from "../reports/share.ts";

/** The contract's "no end" (`type(uint40).max`). */
const NO_END = 2 ** 40 - 1;

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/** One guardianship as the chain holds it now. */
export interface Guardianship {
  /** The patient's current account. */
  readonly patient: Address;
  /** The patient's record (the account they were registered with). */
  readonly record: Address;
  readonly guardian: Address;
  /** Unix seconds at which it ends; null: no end. */
  readonly until: number | null;
  /** Appointed by the reception: only the reception (or the date) ends it. */
  readonly byReception: boolean;
  /** Who appointed it (the patient, or the receptionist). */
  readonly appointedBy: Address;
}

/** `guardianOf(patient, guardian)`: whether it lasts now, until when, and who may end it. */
export interface GuardianState {
  readonly active: boolean;
  /** Unix seconds; null: no end (or none was appointed). */
  readonly until: number | null;
  readonly byReception: boolean;
}

export async function guardianStateOf(ledger: LedgerReader, patient: Address, guardian: Address): Promise<GuardianState> {
  const [active, until, byReception] = await readLedger(ledger, "guardianOf", [patient, guardian]);
  return { active, until: until === 0 || until === NO_END ? null : Number(until), byReception };
}

/**
 * The moment a guardianship set to end on `day` (YYYY-MM-DD) ends: the start of that day (UTC),
 * so a minor's guardianship set to their 18th birthday ends as they turn 18.
 */
export function guardianshipEndOfDay(day: string): Date {
  return new Date(expiryOfDay(day).getTime() - 24 * 60 * 60 * 1000);
}

/** Who the caller is to `patient`'s guardianships: the patient, a receptionist, or neither (refused). */
async function managerRole(ledger: LedgerReader, patient: Address, caller: Address): Promise<"patient" | "reception"> {
  if (await readLedger(ledger, "hasRole", [ROLE_IDS.receptionist, caller])) return "reception";
  if (same(caller, patient)) return "patient";
  throw new MedLedgerError(
    "NO_ACCESS",
    "Only the patient, or the reception, can appoint or end a patient's guardians.",
    "Sign in as the patient, or ask the hospital's reception.",
  );
}

async function requirePatient(ledger: LedgerReader, patient: Address): Promise<Address> {
  const record = await readLedger(ledger, "patientRecordOf", [patient]);
  if (record === zeroAddress) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `${patient} is not a registered patient (or their account was replaced by a new one).`,
      "Check the patient's current account.",
    );
  }
  return record;
}

export interface AppointRequest {
  readonly patient: Address;
  readonly guardian: Address;
  /** When it ends (must lie ahead); null or absent: no end. */
  readonly until?: Date | null;
}

/** The appointment's end as the contract takes it (0: none), refused unless it lies ahead of `now`. */
function untilSeconds(until: Date | null | undefined, now: number): number {
  if (!until) return 0;
  const seconds = Math.floor(until.getTime() / 1000);
  if (!Number.isFinite(seconds)) {
    throw new MedLedgerError("INVALID_INPUT", "The guardianship's end date is not a valid date.", "Give a date such as 2032-05-14.");
  }
  if (seconds <= now) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `The guardianship's end date ${until.toISOString().slice(0, 10)} is not in the future.`,
      "Choose a later end date, or none.",
    );
  }
  if (seconds >= NO_END) {
    throw new MedLedgerError("INVALID_INPUT", "The guardianship's end date is too far in the future.", "Choose an earlier end date, or none.");
  }
  return seconds;
}

/**
 * Makes `guardian` a guardian of `patient`, optionally until a date. Caller: the patient (then
 * they can end it themselves), or a receptionist (then only the reception ends it, or the date).
 * Appointing again replaces the end date. The guardian must have published an encryption key:
 * the records custodian wraps the report keys for it.
 */
export async function appointGuardian(ledger: LedgerWriter, request: AppointRequest): Promise<WriteResult> {
  const { patient, guardian } = request;
  const caller = accountOf(ledger);
  if (same(guardian, zeroAddress)) throw new MedLedgerError("INVALID_INPUT", "The guardian's account is missing.", "Enter the guardian's 0x… account.");
  await requirePatient(ledger, patient);
  await managerRole(ledger, patient, caller);
  if (same(guardian, patient)) {
    throw new MedLedgerError("INVALID_INPUT", "A patient cannot be their own guardian.", "Name another person's account as the guardian.");
  }
  const until = untilSeconds(request.until, await nowOnChain(ledger));
  await requirePublishedKey(ledger, guardian, "guardian");
  return writeLedger(ledger, "appointGuardian", [patient, guardian, until]);
}

/**
 * Ends `guardian`'s guardianship of `patient`. Caller: a receptionist (any guardianship), or the
 * patient for one they appointed themselves.
 */
export async function endGuardianship(ledger: LedgerWriter, patient: Address, guardian: Address): Promise<WriteResult> {
  await requirePatient(ledger, patient);
  const role = await managerRole(ledger, patient, accountOf(ledger));
  const state = await guardianStateOf(ledger, patient, guardian);
  if (!state.active) {
    throw new MedLedgerError("INVALID_INPUT", `${guardian} is not (or no longer) a guardian of this patient.`, "Nothing to end: check the guardian's account.");
  }
  if (state.byReception && role === "patient") {
    throw new MedLedgerError(
      "NO_ACCESS",
      "The reception appointed this guardian; ask the reception to end it.",
      state.until === null ? "Only the reception can end it." : `Otherwise it ends by itself on ${new Date(state.until * 1000).toUTCString()}.`,
    );
  }
  return writeLedger(ledger, "endGuardianship", [patient, guardian]);
}

/** A possible guardianship found in the history (to be confirmed with `guardianOf`). */
export interface GuardianCandidate {
  readonly record: Address;
  readonly guardian: Address;
  /** Who made the latest appointment. */
  readonly appointedBy: Address;
}

/** Where the lists find their candidates: the chain's events, or an indexer. */
export interface GuardianSource {
  /** Every guardian ever appointed for patient record `record`. */
  guardiansOfRecord(record: Address): Promise<GuardianCandidate[]>;
  /** Every record `guardian` was ever appointed for. */
  recordsOfGuardian(guardian: Address): Promise<GuardianCandidate[]>;
}

/** The latest appointment per (record, guardian), oldest first. */
function latestPerPair(logs: readonly { args: { record: Address; guardian: Address; by: Address } }[]): GuardianCandidate[] {
  const latest = new Map<string, GuardianCandidate>();
  for (const log of logs) {
    const key = `${log.args.record.toLowerCase()}:${log.args.guardian.toLowerCase()}`;
    latest.delete(key);
    latest.set(key, { record: log.args.record, guardian: log.args.guardian, appointedBy: log.args.by });
  }
  return [...latest.values()];
}

/** The {@link GuardianSource} of the chain's `GuardianAppointed` events (one query per list). */
export function chainGuardianSource(ledger: LedgerReader): GuardianSource {
  return {
    guardiansOfRecord: async (record) => latestPerPair(await getLedgerEvents(ledger, { eventName: "GuardianAppointed", args: { record } })),
    recordsOfGuardian: async (guardian) => latestPerPair(await getLedgerEvents(ledger, { eventName: "GuardianAppointed", args: { guardian } })),
  };
}

/** The candidates that the chain confirms as current guardianships. */
async function confirmed(ledger: LedgerReader, candidates: readonly GuardianCandidate[]): Promise<Guardianship[]> {
  const patients = await Promise.all(candidates.map((c) => readLedger(ledger, "patientAccountOf", [c.record])));
  const states = await Promise.all(candidates.map((c, i) => guardianStateOf(ledger, patients[i]!, c.guardian)));
  return candidates.flatMap((c, i) => {
    const state = states[i]!;
    return state.active
      ? [{ patient: patients[i]!, record: c.record, guardian: c.guardian, until: state.until, byReception: state.byReception, appointedBy: c.appointedBy }]
      : [];
  });
}

/** `patient`'s current guardians, oldest appointment first. */
export async function listGuardians(ledger: LedgerReader, patient: Address, source: GuardianSource = chainGuardianSource(ledger)): Promise<Guardianship[]> {
  const record = await readLedger(ledger, "patientRecordOf", [patient]);
  if (record === zeroAddress) return [];
  return confirmed(ledger, await source.guardiansOfRecord(record));
}

/** The patients `guardian` currently looks after (each by their current account), oldest appointment first. */
export async function listPatientsOfGuardian(
  ledger: LedgerReader,
  guardian: Address,
  source: GuardianSource = chainGuardianSource(ledger),
): Promise<Guardianship[]> {
  return confirmed(ledger, await source.recordsOfGuardian(guardian));
}

/** Refuses unless `guardian` is a current guardian of `patient`. */
export async function requireGuardian(ledger: LedgerReader, patient: Address, guardian: Address): Promise<GuardianState> {
  const state = await guardianStateOf(ledger, patient, guardian);
  if (!state.active) {
    throw new MedLedgerError(
      "NO_ACCESS",
      `You are not (or no longer) a guardian of patient ${patient}.`,
      "Ask the patient, or the hospital's reception, to appoint you as their guardian.",
    );
  }
  return state;
}

/**
 * Sends the sharing actions of core/reports/share.ts (`shareReports`, `revokeShare`,
 * `revokeAllShares`) as `guardian`'s own transactions for `patient`: `grantAccessAsGuardian` and
 * `revokeAccessAsGuardian`, each recorded with an `ActedAsGuardian` event naming the guardian.
 * Re-keys and key changes stay the patient's own and are refused.
 */
export function guardianSender(ledger: LedgerWriter, patient: Address): ActionSender {
  return async (action) => {
    if (action.kind === "grant" || action.kind === "revoke") await requireGuardian(ledger, patient, accountOf(ledger));
    switch (action.kind) {
      case "grant":
        return writeLedger(ledger, "grantAccessAsGuardian", [patient, grantArgs(action.grant)]);
      case "revoke":
        return writeLedger(ledger, "revokeAccessAsGuardian", [patient, (action.reportId ?? zeroHash) as Hex, action.reader]);
      default:
        throw new MedLedgerError(
          "NO_ACCESS",
          "A guardian shares and stops sharing for the patient; re-encrypting reports and changing keys stay with the patient.",
          "Ask the patient (or the report's doctor) to do this.",
        );
    }
  };
}
