/**
 * Appointments: a patient requests a slot with one of their assigned doctors (checked on chain);
 * that doctor or any receptionist confirms, reschedules or declines it; the patient may cancel.
 * Visible to the patient, that doctor and receptionists only. A doctor's slot is never held by
 * two open appointments: an overlap check under a per-doctor lock, backed by a partial unique
 * index on (doctor, slot_start).
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, gte, inArray, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { getAddress, type Address } from "viem";
import { z } from "zod";
import { MedLedgerError } from "#core/errors.ts";
import { addressSchema } from "#core/validation.ts";
import { allowedAppointmentActions, canSeeAppointment, isAppointmentStaff } from "#core/appointments/rules.ts";
import type { Caller, ServerContext } from "../context.ts";
import type { Db } from "../db/open.ts";
import { APPOINTMENT_STATUSES, appointments, type AppointmentStatus } from "../db/schema.ts";

export interface Appointment {
  readonly id: string;
  readonly patient: Address;
  readonly doctor: Address;
  readonly slotStart: Date;
  readonly slotEnd: Date;
  readonly status: AppointmentStatus;
  readonly reason: string | null;
  readonly createdBy: Address;
  readonly createdAt: Date;
  readonly updatedBy: Address;
  readonly updatedAt: Date;
}

const MAX_SLOT_MS = 8 * 60 * 60 * 1000;

const isoDate = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
/** Short non-medical reason; the database must not hold health details. */
const reason = z.string().trim().max(200).optional();

export const appointmentRequestSchema = z.object({ doctor: addressSchema, slotStart: isoDate, slotEnd: isoDate });
export type AppointmentRequest = z.input<typeof appointmentRequestSchema>;

export const appointmentUpdateSchema = z.discriminatedUnion("action", [
  z.object({ id: z.string().min(1), action: z.literal("confirm") }),
  z.object({ id: z.string().min(1), action: z.literal("decline"), reason }),
  z.object({ id: z.string().min(1), action: z.literal("cancel"), reason }),
  z.object({ id: z.string().min(1), action: z.literal("reschedule"), slotStart: isoDate, slotEnd: isoDate, reason }),
]);
export type AppointmentUpdate = z.input<typeof appointmentUpdateSchema>;

export const appointmentFilterSchema = z.object({
  status: z.enum(APPOINTMENT_STATUSES).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type AppointmentFilter = z.input<typeof appointmentFilterSchema>;

/** Parses with zod; failures become INVALID_INPUT with the first issue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new MedLedgerError("INVALID_INPUT", `Invalid request: ${where}${issue?.message ?? "unknown problem"}.`, "Fix the highlighted field and retry.");
  }
  return result.data;
}

type Row = typeof appointments.$inferSelect;

function toAppointment(row: Row): Appointment {
  return {
    ...row,
    patient: getAddress(row.patient),
    doctor: getAddress(row.doctor),
    status: row.status as AppointmentStatus,
    createdBy: getAddress(row.createdBy),
    updatedBy: getAddress(row.updatedBy),
  };
}

function checkSlot(ctx: ServerContext, slotStart: Date, slotEnd: Date): void {
  if (slotEnd.getTime() <= slotStart.getTime()) {
    throw new MedLedgerError("INVALID_INPUT", "The appointment must end after it starts.", "Pick an end time after the start time.");
  }
  if (slotEnd.getTime() - slotStart.getTime() > MAX_SLOT_MS) {
    throw new MedLedgerError("INVALID_INPUT", "An appointment lasts at most 8 hours.", "Pick a shorter slot.");
  }
  if (slotStart.getTime() <= ctx.now().getTime()) {
    throw new MedLedgerError("INVALID_INPUT", "The appointment slot is in the past.", "Pick a future time.");
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

const slotTaken = () => new MedLedgerError("SLOT_TAKEN", "The doctor already has an appointment at that time.", "Pick another slot.");

/**
 * Runs `write` under a per-doctor transaction lock after checking that no other open appointment
 * of `doctor` overlaps the slot.
 */
async function withFreeSlot<T>(
  db: Db,
  doctor: Address,
  slotStart: Date,
  slotEnd: Date,
  exceptId: string | undefined,
  write: (tx: Db) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(1296, hashtext(${doctor.toLowerCase()}))`);
      const overlap = [
        eq(appointments.doctor, doctor.toLowerCase()),
        inArray(appointments.status, ["requested", "confirmed"]),
        lt(appointments.slotStart, slotEnd),
        gt(appointments.slotEnd, slotStart),
      ];
      if (exceptId) overlap.push(ne(appointments.id, exceptId));
      const [clash] = await tx
        .select({ id: appointments.id })
        .from(appointments)
        .where(and(...overlap))
        .limit(1);
      if (clash) throw slotTaken();
      return write(tx as unknown as Db);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slotTaken();
    throw error;
  }
}

/**
 * Refuses a patient's request beyond `cap` open ones (requested, not yet answered, slot still
 * ahead), so no patient can hold a doctor's whole calendar. Runs in the booking transaction under
 * a per-patient lock (always taken after the per-doctor lock), so concurrent requests cannot
 * overshoot.
 */
async function requireRequestQuota(tx: Db, patient: string, now: Date, cap: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(1297, hashtext(${patient}))`);
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(appointments)
    .where(and(eq(appointments.patient, patient), eq(appointments.status, "requested"), gt(appointments.slotStart, now)));
  if ((row?.n ?? 0) >= cap) {
    throw new MedLedgerError(
      "QUOTA_EXCEEDED",
      `You already have ${cap} appointment requests waiting for an answer, the most one patient can have open at once.`,
      "Wait until the doctor or the reception answers one, or cancel one you no longer need.",
    );
  }
}

/** A patient requests `input.doctor`, who must be assigned to them on chain. */
export async function requestAppointment(ctx: ServerContext, caller: Caller, input: unknown): Promise<Appointment> {
  const { doctor, slotStart, slotEnd } = parseInput(appointmentRequestSchema, input);
  if (!caller.roles.patient) {
    throw new MedLedgerError("NO_ACCESS", "Only registered patients can request appointments.", "Sign in with your patient account.");
  }
  if (!(await ctx.chain.isAssigned(caller.address, doctor))) {
    throw new MedLedgerError("NO_ACCESS", "This doctor is not assigned to you.", "Ask the reception to assign the doctor to you first.");
  }
  checkSlot(ctx, slotStart, slotEnd);
  const now = ctx.now();
  const me = caller.address.toLowerCase();
  const row: Row = {
    id: randomUUID(),
    patient: me,
    doctor: doctor.toLowerCase(),
    slotStart,
    slotEnd,
    status: "requested",
    reason: null,
    createdBy: me,
    createdAt: now,
    updatedBy: me,
    updatedAt: now,
  };
  await withFreeSlot(ctx.db, doctor, slotStart, slotEnd, undefined, async (tx) => {
    await requireRequestQuota(tx, me, now, ctx.limits.openAppointmentRequests);
    await tx.insert(appointments).values(row);
  });
  return toAppointment(row);
}

/** Appointments the caller may see: their own as patient, theirs as doctor, all as receptionist. */
export async function listAppointments(ctx: ServerContext, caller: Caller, filter: unknown = {}): Promise<Appointment[]> {
  const { status, from, to } = parseInput(appointmentFilterSchema, filter);
  const me = caller.address.toLowerCase();
  const conditions: SQL[] = [];
  if (!caller.roles.receptionist) {
    const visible: SQL[] = [];
    if (caller.roles.patient) visible.push(eq(appointments.patient, me));
    if (caller.roles.doctor) visible.push(eq(appointments.doctor, me));
    if (visible.length === 0) {
      throw new MedLedgerError(
        "NO_ACCESS",
        "Appointments are visible to patients, their doctors and the reception only.",
        "Sign in with a patient, doctor or receptionist account.",
      );
    }
    const anyVisible = or(...visible);
    if (anyVisible) conditions.push(anyVisible);
  }
  if (status) conditions.push(eq(appointments.status, status));
  if (from) conditions.push(gte(appointments.slotStart, from));
  if (to) conditions.push(lte(appointments.slotStart, to));
  const rows = await ctx.db
    .select()
    .from(appointments)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(appointments.slotStart))
    .limit(1000);
  return rows.map(toAppointment);
}

/** Confirm / decline / reschedule (that doctor or any receptionist) or cancel (also the patient). */
export async function updateAppointment(ctx: ServerContext, caller: Caller, input: unknown): Promise<Appointment> {
  const update = parseInput(appointmentUpdateSchema, input);
  const [row] = await ctx.db.select().from(appointments).where(eq(appointments.id, update.id));
  const me = caller.address.toLowerCase();
  const parties = row && { patient: row.patient as Address, doctor: row.doctor as Address, status: row.status as AppointmentStatus };
  if (!row || !parties || !canSeeAppointment(parties, caller.address, caller.roles)) {
    throw new MedLedgerError("NOT_FOUND", "No such appointment is visible to you.", "Reload the list of appointments.");
  }
  if (!isAppointmentStaff(parties, caller.address, caller.roles) && update.action !== "cancel") {
    throw new MedLedgerError(
      "NO_ACCESS",
      "Only the doctor or the reception can confirm, decline or reschedule an appointment.",
      "You can cancel it, or ask the reception.",
    );
  }
  if (!allowedAppointmentActions(parties, caller.address, caller.roles).includes(update.action)) {
    throw new MedLedgerError("CONFLICT", `The appointment is already ${row.status}.`, "Reload the list of appointments.");
  }
  const now = ctx.now();
  const base = { updatedBy: me, updatedAt: now };
  const guard = and(eq(appointments.id, row.id), eq(appointments.status, row.status));
  let changed: Row | undefined;
  if (update.action === "reschedule") {
    checkSlot(ctx, update.slotStart, update.slotEnd);
    changed = await withFreeSlot(ctx.db, getAddress(row.doctor), update.slotStart, update.slotEnd, row.id, async (tx) => {
      const [r] = await tx
        .update(appointments)
        .set({ ...base, slotStart: update.slotStart, slotEnd: update.slotEnd, status: "confirmed", reason: update.reason ?? null })
        .where(guard)
        .returning();
      return r;
    });
  } else {
    const status: AppointmentStatus = update.action === "confirm" ? "confirmed" : update.action === "decline" ? "declined" : "cancelled";
    const why = update.action === "confirm" ? null : (update.reason ?? null);
    [changed] = await ctx.db
      .update(appointments)
      .set({ ...base, status, reason: why })
      .where(guard)
      .returning();
  }
  if (!changed) {
    throw new MedLedgerError("CONFLICT", "The appointment was changed by someone else meanwhile.", "Reload the list of appointments and retry.");
  }
  return toAppointment(changed);
}
