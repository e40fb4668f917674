/**
 * The records custodian's worker: the only code that uses the custodian's key, and only in answer
 * to an event on chain, its output published on chain.
 *  - PatientRecovered → the record's report keys re-wrapped for the successor;
 *  - GuardianAppointed → for the guardian, while the guardianship lasts;
 *  - EmergencyAccessed → for the doctor, while the emergency access lasts;
 *  - ReportRegistered / ReportRekeyed / ReportReleased → the new key for the patient's current
 *    guardians and emergency doctors;
 *  - a held result whose automatic release time has passed → released to the patient.
 * Every step is core/custody/rewrap.ts, which asks the chain (`canRead`) before unwrapping anything
 * and skips what was already delivered, so a pass can fail half-way and simply run again; the
 * worker keeps its place in the chain only in memory and, after a restart, looks at the whole
 * history again (nothing is delivered twice). One pass at a time.
 */
import type { Address, Hex } from "viem";
import { zeroAddress } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { CustodianKeystore } from "#core/custody/keystore.ts";
import { releaseDueReports, rewrapForReader, type RewrapOutcome } from "#core/custody/rewrap.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { getReportRecord, listReports, type ReportRecord } from "#core/reports/records.ts";

export interface CustodyWorkerOptions {
  /** The custodian's account, able to send transactions (it pays their gas). */
  readonly custodian: LedgerWriter;
  readonly keystore: CustodianKeystore;
  /** Pause between passes (default 2 s). */
  readonly intervalMs?: number;
  readonly confirmations?: number;
  readonly log?: (line: string) => void;
}

export interface PassOutcome {
  /** Up to which block the events were handled. */
  readonly toBlock: bigint;
  readonly rewraps: readonly RewrapOutcome[];
  readonly released: readonly Hex[];
}

export interface CustodyWorker {
  /** Runs one pass now (or waits for the running one) and returns what it did. */
  runOnce(): Promise<PassOutcome>;
  stop(): Promise<void>;
}

/** A (reader, record) pair to deliver keys for. */
interface Delivery {
  readonly reader: Address;
  readonly record: Address;
  /** Only these reports (a new or re-keyed one), or all of the record's. */
  readonly reportIds?: readonly Hex[];
}

function describe(error: unknown): string {
  if (isMedLedgerError(error)) return `${error.message} ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

export function startCustodyWorker(options: CustodyWorkerOptions): CustodyWorker {
  const { custodian, keystore } = options;
  const log = options.log ?? (() => {});
  const interval = options.intervalMs ?? 2_000;
  let cursor = custodian.deployment.deployBlock - 1n;
  const held = new Set<Hex>();
  let running: Promise<PassOutcome> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function currentAccountOf(record: Address): Promise<Address> {
    return readLedger(custodian, "patientAccountOf", [record]);
  }

  /** The accounts that may read `record`'s reports as its guardians or emergency doctors now. */
  async function delegatesOf(record: Address): Promise<Address[]> {
    const patient = await currentAccountOf(record);
    const [appointed, emergencies] = await Promise.all([
      getLedgerEvents(custodian, { eventName: "GuardianAppointed", args: { record } }),
      getLedgerEvents(custodian, { eventName: "EmergencyAccessed", args: { record } }),
    ]);
    const now = BigInt((await custodian.publicClient.getBlock({ blockTag: "latest" })).timestamp);
    const delegates: Address[] = [];
    for (const guardian of new Set(appointed.map((log) => log.args.guardian))) {
      const [active] = await readLedger(custodian, "guardianOf", [patient, guardian]);
      if (active) delegates.push(guardian);
    }
    for (const doctor of new Set(emergencies.map((log) => log.args.doctor))) {
      if (BigInt(await readLedger(custodian, "emergencyAccessUntil", [patient, doctor])) > now) delegates.push(doctor);
    }
    return delegates;
  }

  async function deliver(delivery: Delivery): Promise<RewrapOutcome> {
    const patient = await currentAccountOf(delivery.record);
    let reports: ReportRecord[];
    if (delivery.reportIds) reports = await Promise.all(delivery.reportIds.map((id) => getReportRecord(custodian, id)));
    else reports = await listReports(custodian, { patient });
    const outcome = await rewrapForReader(custodian, keystore, delivery.reader, reports, { confirmations: options.confirmations });
    if (outcome.rewrapped.length > 0) log(`custodian: ${outcome.rewrapped.length} report key(s) re-wrapped for ${delivery.reader}`);
    return outcome;
  }

  async function pass(): Promise<PassOutcome> {
    const toBlock = await custodian.publicClient.getBlockNumber({ cacheTime: 0 });
    const fromBlock = cursor + 1n;
    const rewraps: RewrapOutcome[] = [];
    if (toBlock >= fromBlock) {
      const range = { fromBlock, toBlock };
      const [recovered, appointed, emergencies, registered, rekeyed, releasedLogs] = await Promise.all([
        getLedgerEvents(custodian, { eventName: "PatientRecovered", ...range }),
        getLedgerEvents(custodian, { eventName: "GuardianAppointed", ...range }),
        getLedgerEvents(custodian, { eventName: "EmergencyAccessed", ...range }),
        getLedgerEvents(custodian, { eventName: "ReportRegistered", ...range }),
        getLedgerEvents(custodian, { eventName: "ReportRekeyed", ...range }),
        getLedgerEvents(custodian, { eventName: "ReportReleased", ...range }),
      ]);
      const deliveries: Delivery[] = [
        ...recovered.map((l) => ({ reader: l.args.successor, record: l.args.record })),
        ...appointed.map((l) => ({ reader: l.args.guardian, record: l.args.record })),
        ...emergencies.map((l) => ({ reader: l.args.doctor, record: l.args.record })),
      ];
      // New keys (a new report, a re-key) for whoever reads the patient's reports on their behalf now.
      // (A held result reaches guardians only once released.)
      const changed = [...registered, ...rekeyed, ...releasedLogs].map((l) => l.args.reportId);
      for (const l of registered) if (l.args.heldUntil !== 0) held.add(l.args.reportId);
      const byRecord = new Map<Address, Hex[]>();
      for (const reportId of new Set(changed)) {
        const { patient } = await readLedger(custodian, "getReport", [reportId]);
        const record = await readLedger(custodian, "patientRecordOf", [patient]);
        if (record === zeroAddress) continue;
        byRecord.set(record, [...(byRecord.get(record) ?? []), reportId]);
      }
      for (const [record, reportIds] of byRecord) {
        for (const reader of await delegatesOf(record)) deliveries.push({ reader, record, reportIds });
      }
      const seen = new Set<string>();
      for (const delivery of deliveries) {
        const key = `${delivery.reader}:${delivery.record}:${delivery.reportIds?.join(",") ?? "*"}`.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        rewraps.push(await deliver(delivery));
      }
    }
    let released: readonly Hex[] = [];
    if (held.size > 0) {
      const records = await Promise.all([...held].map((id) => getReportRecord(custodian, id)));
      for (const record of records) if (record.heldUntil === null || !Number.isFinite(record.heldUntil)) held.delete(record.reportId);
      const outcome = await releaseDueReports(custodian, keystore, records, { confirmations: options.confirmations });
      for (const id of outcome.released) held.delete(id);
      released = outcome.released;
      if (released.length > 0) log(`custodian: released ${released.length} held result(s)`);
    }
    // Only a pass that went through moves on: a failed one is tried again, whole, next time.
    cursor = toBlock;
    return { toBlock, rewraps, released };
  }

  function runOnce(): Promise<PassOutcome> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => log(`custodian: pass failed, trying again: ${describe(error)}`))
        .finally(schedule);
    }, interval);
  }
  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
