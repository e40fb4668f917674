/**
 * What the indexer keeps: reports, grants (and the patient's terms per reader), staff, patients and
 * their doctors, guardians, emergency accesses, and every event as the audit timeline. Every list
 * is ordered by where its row's event is on the chain, (block number, log index): a stable, unique
 * cursor key. Hex and address columns hold lower case (Ponder's `hex`).
 *
 * A patient's rows are keyed by their record, as on chain: the account the patient registered
 * with. A recovery (PatientRecovered) moves the record to a successor account: only the patient
 * row (`account`, the current account) and the account → record links change, O(1); every list
 * names the patient by the record's current account (a join on `patient.record`), and a query by
 * a patient's account goes through `patientLink` (a retired account holds no record: it lists nothing).
 */
import { index, onchainTable, primaryKey } from "ponder";

export const report = onchainTable(
  "report",
  (t) => ({
    reportId: t.hex().primaryKey(),
    sha256: t.hex().notNull(),
    sha1: t.hex().notNull(),
    /** The patient's record (the current account is `patient.account` of that record). */
    record: t.hex().notNull(),
    doctor: t.hex().notNull(),
    cid: t.text().notNull(),
    /** The report key wrapped for the patient and for the doctor at registration (public, as in the event): what a list needs to open a report's head. */
    patientKey: t.hex().notNull(),
    doctorKey: t.hex().notNull(),
    supersedes: t.hex(),
    supersededBy: t.hex(),
    fraudulent: t.boolean().notNull(),
    version: t.integer().notNull(),
    /** Held for review: the contract's `heldUntil` (seconds; 2^40 - 1: only the doctor releases it); null when not held, or once released. */
    heldUntil: t.bigint(),
    registeredAt: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    byRecord: index().on(table.record, table.blockNumber, table.logIndex),
    byDoctor: index().on(table.doctor, table.blockNumber, table.logIndex),
    byPosition: index().on(table.blockNumber, table.logIndex),
  }),
);

export const grant = onchainTable(
  "grant",
  (t) => ({
    reportId: t.hex().notNull(),
    reader: t.hex().notNull(),
    /** The report's patient record. */
    record: t.hex().notNull(),
    /** Granted and not revoked since (its end date, if any, is in `terms`). */
    active: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.reportId, table.reader] }),
    byReader: index().on(table.reader, table.blockNumber, table.logIndex),
    byRecord: index().on(table.record, table.blockNumber, table.logIndex),
    byPair: index().on(table.record, table.reader),
  }),
);

export const terms = onchainTable(
  "terms",
  (t) => ({
    record: t.hex().notNull(),
    reader: t.hex().notNull(),
    epoch: t.integer().notNull(),
    /** Unix seconds; 0: no end. */
    expiresAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.record, table.reader] }) }),
);

export const staff = onchainTable(
  "staff",
  (t) => ({
    account: t.hex().primaryKey(),
    role: t.hex().notNull(),
    name: t.text().notNull(),
    department: t.text().notNull(),
    contact: t.text().notNull(),
    active: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ byPosition: index().on(table.blockNumber, table.logIndex) }),
);

/** One row per patient record, at its registration's position. */
export const patient = onchainTable(
  "patient",
  (t) => ({
    /** The account the patient registered with (PatientRegistered's `patient`). */
    record: t.hex().primaryKey(),
    /** The account that holds the record now (the latest successor, or the record itself). */
    account: t.hex().notNull(),
    registeredBy: t.hex().notNull(),
    profileCid: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    /** The registration's transaction (a list checks the registration in its receipt). */
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ byPosition: index().on(table.blockNumber, table.logIndex), byAccount: index().on(table.account) }),
);

/** Account → the record it holds now: the record's own account until it is recovered, then each successor (a retired account has no row). */
export const patientLink = onchainTable("patient_link", (t) => ({
  account: t.hex().primaryKey(),
  record: t.hex().notNull(),
}));

export const care = onchainTable(
  "care",
  (t) => ({
    record: t.hex().notNull(),
    doctor: t.hex().notNull(),
    active: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.record, table.doctor] }),
    byDoctor: index().on(table.doctor, table.blockNumber, table.logIndex),
  }),
);

/** Guardians of patient records (the latest appointment of each pair, at its position). */
export const guardian = onchainTable(
  "guardian",
  (t) => ({
    record: t.hex().notNull(),
    guardian: t.hex().notNull(),
    /** Unix seconds the guardianship ends (exclusive); 2^40 - 1: no end. */
    until: t.bigint().notNull(),
    /** Appointed by the reception (only the reception ends it), else by the patient. */
    byReception: t.boolean().notNull(),
    /** Appointed and not ended since (it may still have run out: `until`). */
    active: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.record, table.guardian] }),
    byRecord: index().on(table.record, table.blockNumber, table.logIndex),
    byGuardian: index().on(table.guardian, table.blockNumber, table.logIndex),
  }),
);

/** Every emergency ("break-glass") access: the patients' access history and the admin's review list. */
export const emergency = onchainTable(
  "emergency",
  (t) => ({
    /** `<block>-<log index>`. */
    id: t.text().primaryKey(),
    record: t.hex().notNull(),
    doctor: t.hex().notNull(),
    /** The contract's EmergencyReason code (1–4). */
    reason: t.integer().notNull(),
    /** Unix seconds the access ends (exclusive). */
    until: t.bigint().notNull(),
    /** The block's time. */
    accessedAt: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    byPosition: index().on(table.blockNumber, table.logIndex),
    byRecord: index().on(table.record, table.blockNumber, table.logIndex),
    byDoctor: index().on(table.doctor, table.blockNumber, table.logIndex),
  }),
);

/** Every event of the contract: the admin's audit timeline. */
export const ledgerEvent = onchainTable(
  "ledger_event",
  (t) => ({
    /** `<block>-<log index>`. */
    id: t.text().primaryKey(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    eventName: t.text().notNull(),
    /**
     * Who did it: the transaction's sender, except where the event names the account that acted
     * (ActedAsGuardian: the guardian; EmergencyAccessed: the doctor).
     */
    actor: t.hex().notNull(),
    /** The patient record the event is about, if any (the timeline's `patient` filter). */
    record: t.hex(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    /** The decoded arguments (integers as decimal strings). */
    args: t.json().$type<Record<string, unknown>>().notNull(),
  }),
  (table) => ({
    byPosition: index().on(table.blockNumber, table.logIndex),
    byActor: index().on(table.actor, table.blockNumber, table.logIndex),
    byRecord: index().on(table.record, table.blockNumber, table.logIndex),
    byName: index().on(table.eventName, table.blockNumber, table.logIndex),
    byTime: index().on(table.timestamp),
  }),
);
