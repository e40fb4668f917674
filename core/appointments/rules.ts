/**
 * Who may do what with an appointment: the one rule the server enforces and the web app presents.
 * A patient requests a slot with one of their doctors; that doctor or any receptionist confirms,
 * reschedules or declines it; the patient (and the staff) may cancel. Only requested and confirmed
 * appointments hold the doctor's slot.
 */
import type { Address } from "viem";
import type { Roles } from "../accounts/roles.ts";

export const APPOINTMENT_STATUSES = ["requested", "confirmed", "declined", "cancelled"] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const APPOINTMENT_ACTIONS = ["confirm", "reschedule", "decline", "cancel"] as const;
export type AppointmentAction = (typeof APPOINTMENT_ACTIONS)[number];

/** The parties of an appointment, as the rule needs them. */
export interface AppointmentParties {
  readonly patient: Address;
  readonly doctor: Address;
  readonly status: AppointmentStatus;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Whether an appointment in `status` still holds the doctor's slot. */
export function holdsSlot(status: AppointmentStatus): boolean {
  return status === "requested" || status === "confirmed";
}

/** Whether `me` may see the appointment at all: its patient, its doctor, or any receptionist. */
export function canSeeAppointment(item: AppointmentParties, me: Address, roles: Roles): boolean {
  return roles.receptionist || (roles.doctor && same(item.doctor, me)) || (roles.patient && same(item.patient, me));
}

/** Whether `me` answers for the appointment's doctor: that doctor or any receptionist. */
export function isAppointmentStaff(item: AppointmentParties, me: Address, roles: Roles): boolean {
  return roles.receptionist || (roles.doctor && same(item.doctor, me));
}

/** The actions `me` (holding `roles`) may take on `item` now. */
export function allowedAppointmentActions(item: AppointmentParties, me: Address, roles: Roles): AppointmentAction[] {
  if (!holdsSlot(item.status)) return [];
  const staff = isAppointmentStaff(item, me, roles);
  const actions: AppointmentAction[] = [];
  if (staff && item.status === "requested") actions.push("confirm");
  if (staff) actions.push("reschedule", "decline");
  if (staff || (roles.patient && same(item.patient, me))) actions.push("cancel");
  return actions;
}

/** Whether the appointment waits for `me` to answer it (a request to that doctor or the reception). */
export function awaitsAnswerFrom(item: AppointmentParties, me: Address, roles: Roles): boolean {
  return item.status === "requested" && isAppointmentStaff(item, me, roles);
}
