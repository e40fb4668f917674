/**
 * Appointments in the browser, as pure functions: the API's JSON shape, a slot from the form's
 * date + start time + duration (local time), grouping by day, and who may do what.
 */
import type { Address } from "viem";
import { holdsSlot, type AppointmentStatus } from "#core/appointments/rules.ts";

export { allowedAppointmentActions as allowedActions, awaitsAnswerFrom, type AppointmentAction, type AppointmentStatus } from "#core/appointments/rules.ts";

/** One appointment of GET/POST/PATCH /api/appointments (dates as ISO strings). */
export interface AppointmentJson {
  readonly id: string;
  readonly patient: Address;
  readonly doctor: Address;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly status: AppointmentStatus;
  readonly reason: string | null;
  readonly createdBy: Address;
  readonly createdAt: string;
  readonly updatedBy: Address;
  readonly updatedAt: string;
}

/** Durations offered by the forms, in minutes. */
export const DURATIONS = [15, 30, 45, 60, 90] as const;

/** `YYYY-MM-DD` + `HH:MM` (local) + minutes → ISO start and end; undefined when incomplete or invalid. */
export function slotFromInputs(day: string, time: string, minutes: number): { slotStart: string; slotEnd: string } | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t || !Number.isFinite(minutes) || minutes <= 0) return undefined;
  const start = new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), 0, 0);
  if (Number.isNaN(start.getTime())) return undefined;
  const end = new Date(start.getTime() + minutes * 60_000);
  return { slotStart: start.toISOString(), slotEnd: end.toISOString() };
}

/** The local `YYYY-MM-DD` of a date (for grouping and date inputs). */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export interface DayGroup {
  /** Local `YYYY-MM-DD`. */
  readonly day: string;
  readonly items: readonly AppointmentJson[];
}

/** Appointments grouped by the local day they start, days and items in time order. */
export function groupByDay(items: readonly AppointmentJson[]): DayGroup[] {
  const sorted = [...items].sort((a, b) => Date.parse(a.slotStart) - Date.parse(b.slotStart));
  const groups = new Map<string, AppointmentJson[]>();
  for (const item of sorted) {
    const day = localDay(new Date(item.slotStart));
    const list = groups.get(day) ?? [];
    list.push(item);
    groups.set(day, list);
  }
  return [...groups].map(([day, list]) => ({ day, items: list }));
}

/** Whether the appointment still holds the doctor's slot. */
export function isOpen(item: Pick<AppointmentJson, "status">): boolean {
  return holdsSlot(item.status);
}

/** "09:30–10:00". */
export function timeRange(item: Pick<AppointmentJson, "slotStart" | "slotEnd">): string {
  const f = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return `${f(item.slotStart)}–${f(item.slotEnd)}`;
}

/** A day heading, e.g. "Wednesday, 25 November 2026". */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
}
