/**
 * What the indexer keeps: reports, grants (and the patient's terms per reader), staff, patients and
 * their doctors, and every event as the audit timeline. Every list is ordered by where its row's
 * event is on the chain, (block number, log index): a stable, unique cursor key. Hex and address
 * columns hold lower case (Ponder's `hex`).
 */
import { index, onchainTable, primaryKey } from "ponder";

export const report = onchainTable(
  "report",
  (t) => ({
    reportId: t.hex().primaryKey(),
    sha256: t.hex().notNull(),
    sha1: t.hex().notNull(),
    patient: t.hex().notNull(),
    doctor: t.hex().notNull(),
    cid: t.text().notNull(),
    /** The report key wrapped for the patient and for the doctor at registration (public, as in the event): what a list needs to open a report's head. */
    patientKey: t.hex().notNull(),
    doctorKey: t.hex().notNull(),
    supersedes: t.hex(),
    supersededBy: t.hex(),
    fraudulent: t.boolean().notNull(),
    version: t.integer().notNull(),
    registeredAt: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    byPatient: index().on(table.patient, table.blockNumber, table.logIndex),
    byDoctor: index().on(table.doctor, table.blockNumber, table.logIndex),
    byPosition: index().on(table.blockNumber, table.logIndex),
  }),
);

export const grant = onchainTable(
  "grant",
  (t) => ({
    reportId: t.hex().notNull(),
    reader: t.hex().notNull(),
    patient: t.hex().notNull(),
    /** Granted and not revoked since (its end date, if any, is in `terms`). */
    active: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.reportId, table.reader] }),
    byReader: index().on(table.reader, table.blockNumber, table.logIndex),
    byPatient: index().on(table.patient, table.blockNumber, table.logIndex),
    byPair: index().on(table.patient, table.reader),
  }),
);

export const terms = onchainTable(
  "terms",
  (t) => ({
    patient: t.hex().notNull(),
    reader: t.hex().notNull(),
    epoch: t.integer().notNull(),
    /** Unix seconds; 0: no end. */
    expiresAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.patient, table.reader] }) }),
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

export const patient = onchainTable(
  "patient",
  (t) => ({
    account: t.hex().primaryKey(),
    registeredBy: t.hex().notNull(),
    profileCid: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    /** The registration's transaction (a list checks the registration in its receipt). */
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ byPosition: index().on(table.blockNumber, table.logIndex) }),
);

export const care = onchainTable(
  "care",
  (t) => ({
    patient: t.hex().notNull(),
    doctor: t.hex().notNull(),
    active: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.patient, table.doctor] }),
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
    /** The transaction's sender. */
    actor: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    /** The decoded arguments (integers as decimal strings). */
    args: t.json().$type<Record<string, unknown>>().notNull(),
  }),
  (table) => ({
    byPosition: index().on(table.blockNumber, table.logIndex),
    byActor: index().on(table.actor, table.blockNumber, table.logIndex),
    byName: index().on(table.eventName, table.blockNumber, table.logIndex),
    byTime: index().on(table.timestamp),
  }),
);
