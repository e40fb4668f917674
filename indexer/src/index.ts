/**
 * Indexing functions: every event of the contract goes into the timeline; the events that change a
 * list (reports, grants, staff, patients, guardians, emergency accesses) also update its table.
 * Ponder replays them in chain order and, on a reorganisation, reverts the rows written for the
 * dropped blocks.
 *
 * A patient's rows are keyed by their record (ponder.schema.ts): events that name the patient by
 * their account at the time (ReportRegistered, AccessGranted, DoctorAssigned, …) are filed under
 * the record that account held then (`patientLink`), so a recovery moves nothing but the patient
 * row and the links.
 */
import { ponder, type Context, type EventNames } from "ponder:registry";
import schema from "ponder:schema";
import { and, eq, isNull, sql } from "ponder";
import type { Address, Hex } from "viem";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import { cidFromBytes } from "#core/ipfs/cid.ts";
import { toJsonArgs } from "#indexer/lib/jsonArgs.ts";

/** What every contract event carries, whatever its arguments. */
interface LedgerEventLike {
  readonly args: object;
  readonly block: { readonly number: bigint; readonly timestamp: bigint };
  readonly log: { readonly logIndex: number };
  readonly transaction: { readonly hash: Hex; readonly from: Address };
}

const ZERO_HASH = `0x${"0".repeat(64)}`;
const lower = (value: string) => value.toLowerCase() as Hex;
const isAddress = (value: unknown): value is Address => typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);
const isHash = (value: unknown): value is Hex => typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);

/** Events whose acting account is an argument (the sender may be someone else's wallet contract or a relayer). */
const ACTOR_ARGUMENT: Readonly<Record<string, string>> = { ActedAsGuardian: "guardian", EmergencyAccessed: "doctor" };

/** The record `account` holds now (null: none — not a patient, or retired). */
async function linkedRecord(context: Context, account: Address): Promise<Hex | null> {
  return (await context.db.find(schema.patientLink, { account }))?.record ?? null;
}

/** The record of a patient an event names by their current account (the contract only accepts patients holding one). */
async function recordOf(context: Context, account: Address): Promise<Hex> {
  return (await linkedRecord(context, account)) ?? lower(account);
}

/**
 * The patient record an event is about: its `record`; else the record its `patient` holds; else
 * its report's; else the record its `account` or `reader` holds (a patient's key, a re-wrap for a
 * patient's successor). Null for events about no patient (staff, roles, policy, …).
 */
async function subjectOf(context: Context, args: Record<string, unknown>): Promise<Hex | null> {
  if (isAddress(args.record)) return lower(args.record);
  if (isAddress(args.patient)) return linkedRecord(context, args.patient);
  if (isHash(args.reportId)) return (await context.db.find(schema.report, { reportId: args.reportId }))?.record ?? null;
  for (const key of ["account", "reader"]) {
    const account = args[key];
    if (isAddress(account)) return linkedRecord(context, account);
  }
  return null;
}

async function intoTimeline(eventName: string, event: LedgerEventLike, context: Context, subject?: Hex): Promise<void> {
  const args = event.args as Record<string, unknown>;
  const actorArgument = ACTOR_ARGUMENT[eventName];
  const acting = actorArgument ? args[actorArgument] : undefined;
  await context.db.insert(schema.ledgerEvent).values({
    id: `${event.block.number}-${event.log.logIndex}`,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    eventName,
    actor: isAddress(acting) ? acting : event.transaction.from,
    record: subject ?? (await subjectOf(context, args)),
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    args: toJsonArgs(event.args),
  });
}

/**
 * Files the events of transaction `hash` that named `account` before the indexer knew it holds
 * `record` — a registration's or recovery's key publication and role grant come before the
 * PatientRegistered or PatientRecovered event — under that record.
 */
async function fileUnder(context: Context, hash: Hex, account: Address, record: Hex): Promise<void> {
  const t = schema.ledgerEvent;
  await context.db.sql
    .update(t)
    .set({ record })
    .where(and(eq(t.transactionHash, lower(hash)), isNull(t.record), sql`lower(${t.args}->>'account') = ${lower(account)}`));
}

const position = (event: LedgerEventLike) => ({ blockNumber: event.block.number, logIndex: event.log.logIndex });

ponder.on("MedLedger:ReportRegistered", async ({ event, context }) => {
  await intoTimeline("ReportRegistered", event, context);
  const a = event.args;
  await context.db.insert(schema.report).values({
    reportId: a.reportId,
    sha256: a.sha256Digest,
    sha1: a.sha1Digest,
    record: await recordOf(context, a.patient),
    doctor: a.doctor,
    cid: cidFromBytes(a.cid),
    patientKey: a.patientKey,
    doctorKey: a.doctorKey,
    supersedes: a.supersedes === ZERO_HASH ? null : a.supersedes,
    supersededBy: null,
    fraudulent: false,
    version: 0,
    heldUntil: Number(a.heldUntil) === 0 ? null : BigInt(a.heldUntil),
    registeredAt: event.block.timestamp,
    transactionHash: event.transaction.hash,
    ...position(event),
  });
});

ponder.on("MedLedger:ReportSuperseded", async ({ event, context }) => {
  await intoTimeline("ReportSuperseded", event, context);
  await context.db.update(schema.report, { reportId: event.args.reportId }).set({ supersededBy: event.args.by });
});

ponder.on("MedLedger:ClaimMarkedFraudulent", async ({ event, context }) => {
  await intoTimeline("ClaimMarkedFraudulent", event, context);
  await context.db.update(schema.report, { reportId: event.args.reportId }).set({ fraudulent: true });
});

ponder.on("MedLedger:ReportRekeyed", async ({ event, context }) => {
  await intoTimeline("ReportRekeyed", event, context);
  await context.db.update(schema.report, { reportId: event.args.reportId }).set({ version: event.args.version, cid: cidFromBytes(event.args.cid) });
});

ponder.on("MedLedger:ReportReleased", async ({ event, context }) => {
  await intoTimeline("ReportReleased", event, context);
  await context.db.update(schema.report, { reportId: event.args.reportId }).set({ heldUntil: null });
});

ponder.on("MedLedger:AccessGranted", async ({ event, context }) => {
  await intoTimeline("AccessGranted", event, context);
  const { reportId, patient, reader } = event.args;
  const record = await recordOf(context, patient);
  await context.db
    .insert(schema.grant)
    .values({ reportId, reader, record, active: true, ...position(event) })
    .onConflictDoUpdate({ active: true, ...position(event) });
});

ponder.on("MedLedger:AccessRevoked", async ({ event, context }) => {
  await intoTimeline("AccessRevoked", event, context);
  const { reportId, reader } = event.args;
  const row = await context.db.find(schema.grant, { reportId, reader });
  if (row) await context.db.update(schema.grant, { reportId, reader }).set({ active: false });
});

ponder.on("MedLedger:AllAccessRevoked", async ({ event, context }) => {
  await intoTimeline("AllAccessRevoked", event, context);
  const { patient, reader, epoch } = event.args;
  const record = await recordOf(context, patient);
  const pair = and(eq(schema.grant.record, record), eq(schema.grant.reader, lower(reader)));
  await context.db.sql.update(schema.grant).set({ active: false }).where(pair);
  await context.db.insert(schema.terms).values({ record, reader, epoch, expiresAt: 0n }).onConflictDoUpdate({ epoch, expiresAt: 0n });
});

ponder.on("MedLedger:AccessTermsSet", async ({ event, context }) => {
  await intoTimeline("AccessTermsSet", event, context);
  const { patient, reader, epoch, expiresAt } = event.args;
  const record = await recordOf(context, patient);
  await context.db
    .insert(schema.terms)
    .values({ record, reader, epoch, expiresAt: BigInt(expiresAt) })
    .onConflictDoUpdate({ epoch, expiresAt: BigInt(expiresAt) });
});

ponder.on("MedLedger:StaffAdded", async ({ event, context }) => {
  await intoTimeline("StaffAdded", event, context);
  const { account, role, profile } = event.args;
  const values = { role, name: profile.name, department: profile.department, contact: profile.contact, active: true, ...position(event) };
  await context.db
    .insert(schema.staff)
    .values({ account, ...values })
    .onConflictDoUpdate(values);
});

ponder.on("MedLedger:StaffUpdated", async ({ event, context }) => {
  await intoTimeline("StaffUpdated", event, context);
  const { account, profile } = event.args;
  await context.db.update(schema.staff, { account }).set({ name: profile.name, department: profile.department, contact: profile.contact });
});

ponder.on("MedLedger:StaffDeactivated", async ({ event, context }) => {
  await intoTimeline("StaffDeactivated", event, context);
  await context.db.update(schema.staff, { account: event.args.account }).set({ active: false });
});

ponder.on("MedLedger:StaffReactivated", async ({ event, context }) => {
  await intoTimeline("StaffReactivated", event, context);
  await context.db.update(schema.staff, { account: event.args.account }).set({ active: true });
});

ponder.on("MedLedger:PatientRegistered", async ({ event, context }) => {
  const { patient, by, profileCid } = event.args;
  // The record is named by the account registered.
  await intoTimeline("PatientRegistered", event, context, lower(patient));
  await context.db
    .insert(schema.patient)
    .values({ record: patient, account: patient, registeredBy: by, profileCid, transactionHash: event.transaction.hash, ...position(event) });
  await context.db
    .insert(schema.patientLink)
    .values({ account: patient, record: patient })
    .onConflictDoUpdate({ record: lower(patient) });
  await fileUnder(context, event.transaction.hash, patient, lower(patient));
});

ponder.on("MedLedger:PatientRecovered", async ({ event, context }) => {
  await intoTimeline("PatientRecovered", event, context);
  const { record, previous, successor } = event.args;
  await context.db.update(schema.patient, { record }).set({ account: lower(successor) });
  if (await context.db.find(schema.patientLink, { account: previous })) await context.db.delete(schema.patientLink, { account: previous });
  await context.db
    .insert(schema.patientLink)
    .values({ account: successor, record })
    .onConflictDoUpdate({ record: lower(record) });
  await fileUnder(context, event.transaction.hash, successor, lower(record));
});

ponder.on("MedLedger:PatientProfileUpdated", async ({ event, context }) => {
  await intoTimeline("PatientProfileUpdated", event, context);
  const record = await recordOf(context, event.args.patient);
  await context.db.update(schema.patient, { record }).set({ profileCid: event.args.profileCid });
});

ponder.on("MedLedger:DoctorAssigned", async ({ event, context }) => {
  await intoTimeline("DoctorAssigned", event, context);
  const { patient, doctor } = event.args;
  const record = await recordOf(context, patient);
  await context.db
    .insert(schema.care)
    .values({ record, doctor, active: true, ...position(event) })
    .onConflictDoUpdate({ active: true, ...position(event) });
});

ponder.on("MedLedger:DoctorUnassigned", async ({ event, context }) => {
  await intoTimeline("DoctorUnassigned", event, context);
  const { patient, doctor } = event.args;
  const record = await recordOf(context, patient);
  const row = await context.db.find(schema.care, { record, doctor });
  if (row) await context.db.update(schema.care, { record, doctor }).set({ active: false });
});

ponder.on("MedLedger:GuardianAppointed", async ({ event, context }) => {
  await intoTimeline("GuardianAppointed", event, context);
  const { record, guardian, until, byReception } = event.args;
  const values = { until: BigInt(until), byReception, active: true, transactionHash: event.transaction.hash, ...position(event) };
  await context.db
    .insert(schema.guardian)
    .values({ record, guardian, ...values })
    .onConflictDoUpdate(values);
});

ponder.on("MedLedger:GuardianshipEnded", async ({ event, context }) => {
  await intoTimeline("GuardianshipEnded", event, context);
  const { record, guardian } = event.args;
  const row = await context.db.find(schema.guardian, { record, guardian });
  if (row) await context.db.update(schema.guardian, { record, guardian }).set({ active: false });
});

ponder.on("MedLedger:EmergencyAccessed", async ({ event, context }) => {
  await intoTimeline("EmergencyAccessed", event, context);
  const { record, doctor, reason, until } = event.args;
  await context.db.insert(schema.emergency).values({
    id: `${event.block.number}-${event.log.logIndex}`,
    record,
    doctor,
    reason: Number(reason),
    until: BigInt(until),
    accessedAt: event.block.timestamp,
    transactionHash: event.transaction.hash,
    ...position(event),
  });
});

/** The events above have their own functions; every other one only goes into the timeline. */
const HANDLED = new Set([
  "ReportRegistered",
  "ReportSuperseded",
  "ClaimMarkedFraudulent",
  "ReportRekeyed",
  "ReportReleased",
  "AccessGranted",
  "AccessRevoked",
  "AllAccessRevoked",
  "AccessTermsSet",
  "StaffAdded",
  "StaffUpdated",
  "StaffDeactivated",
  "StaffReactivated",
  "PatientRegistered",
  "PatientRecovered",
  "PatientProfileUpdated",
  "DoctorAssigned",
  "DoctorUnassigned",
  "GuardianAppointed",
  "GuardianshipEnded",
  "EmergencyAccessed",
]);

type TimelineOnly = (args: { event: LedgerEventLike; context: Context }) => Promise<void>;

for (const item of medLedgerAbi) {
  if (item.type !== "event" || HANDLED.has(item.name)) continue;
  const eventName = item.name;
  const handler: TimelineOnly = ({ event, context }) => intoTimeline(eventName, event, context);
  // One registration per event name; the argument shapes differ, the timeline needs none of them.
  ponder.on(`MedLedger:${eventName}` as EventNames, handler as Parameters<typeof ponder.on>[1]);
}
