/**
 * Indexing functions: every event of the contract goes into the timeline; the events that change a
 * list (reports, grants, staff, patients) also update its table. Ponder replays them in chain order
 * and, on a reorganisation, reverts the rows written for the dropped blocks.
 */
import { ponder, type Context, type EventNames } from "ponder:registry";
import schema from "ponder:schema";
import { and, eq } from "ponder";
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

async function intoTimeline(eventName: string, event: LedgerEventLike, context: Context): Promise<void> {
  await context.db.insert(schema.ledgerEvent).values({
    id: `${event.block.number}-${event.log.logIndex}`,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    eventName,
    actor: event.transaction.from,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    args: toJsonArgs(event.args),
  });
}

const position = (event: LedgerEventLike) => ({ blockNumber: event.block.number, logIndex: event.log.logIndex });

ponder.on("MedLedger:ReportRegistered", async ({ event, context }) => {
  await intoTimeline("ReportRegistered", event, context);
  const a = event.args;
  await context.db.insert(schema.report).values({
    reportId: a.reportId,
    sha256: a.sha256Digest,
    sha1: a.sha1Digest,
    patient: a.patient,
    doctor: a.doctor,
    cid: cidFromBytes(a.cid),
    patientKey: a.patientKey,
    doctorKey: a.doctorKey,
    supersedes: a.supersedes === ZERO_HASH ? null : a.supersedes,
    supersededBy: null,
    fraudulent: false,
    version: 0,
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

ponder.on("MedLedger:AccessGranted", async ({ event, context }) => {
  await intoTimeline("AccessGranted", event, context);
  const { reportId, patient, reader } = event.args;
  await context.db
    .insert(schema.grant)
    .values({ reportId, reader, patient, active: true, ...position(event) })
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
  const pair = and(eq(schema.grant.patient, patient.toLowerCase() as Hex), eq(schema.grant.reader, reader.toLowerCase() as Hex));
  await context.db.sql.update(schema.grant).set({ active: false }).where(pair);
  await context.db.insert(schema.terms).values({ patient, reader, epoch, expiresAt: 0n }).onConflictDoUpdate({ epoch, expiresAt: 0n });
});

ponder.on("MedLedger:AccessTermsSet", async ({ event, context }) => {
  await intoTimeline("AccessTermsSet", event, context);
  const { patient, reader, epoch, expiresAt } = event.args;
  await context.db
    .insert(schema.terms)
    .values({ patient, reader, epoch, expiresAt: BigInt(expiresAt) })
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
  await intoTimeline("PatientRegistered", event, context);
  const { patient, by, profileCid } = event.args;
  await context.db
    .insert(schema.patient)
    .values({ account: patient, registeredBy: by, profileCid, transactionHash: event.transaction.hash, ...position(event) });
});

ponder.on("MedLedger:PatientProfileUpdated", async ({ event, context }) => {
  await intoTimeline("PatientProfileUpdated", event, context);
  await context.db.update(schema.patient, { account: event.args.patient }).set({ profileCid: event.args.profileCid });
});

ponder.on("MedLedger:DoctorAssigned", async ({ event, context }) => {
  await intoTimeline("DoctorAssigned", event, context);
  const { patient, doctor } = event.args;
  await context.db
    .insert(schema.care)
    .values({ patient, doctor, active: true, ...position(event) })
    .onConflictDoUpdate({ active: true, ...position(event) });
});

ponder.on("MedLedger:DoctorUnassigned", async ({ event, context }) => {
  await intoTimeline("DoctorUnassigned", event, context);
  const { patient, doctor } = event.args;
  const row = await context.db.find(schema.care, { patient, doctor });
  if (row) await context.db.update(schema.care, { patient, doctor }).set({ active: false });
});

/** The events above have their own functions; every other one only goes into the timeline. */
const HANDLED = new Set([
  "ReportRegistered",
  "ReportSuperseded",
  "ClaimMarkedFraudulent",
  "ReportRekeyed",
  "AccessGranted",
  "AccessRevoked",
  "AllAccessRevoked",
  "AccessTermsSet",
  "StaffAdded",
  "StaffUpdated",
  "StaffDeactivated",
  "StaffReactivated",
  "PatientRegistered",
  "PatientProfileUpdated",
  "DoctorAssigned",
  "DoctorUnassigned",
]);

type TimelineOnly = (args: { event: LedgerEventLike; context: Context }) => Promise<void>;

for (const item of medLedgerAbi) {
  if (item.type !== "event" || HANDLED.has(item.name)) continue;
  const eventName = item.name;
  const handler: TimelineOnly = ({ event, context }) => intoTimeline(eventName, event, context);
  // One registration per event name; the argument shapes differ, the timeline needs none of them.
  ponder.on(`MedLedger:${eventName}` as EventNames, handler as Parameters<typeof ponder.on>[1]);
}
