"use client";
/** Date, start time and duration of a slot: labelled fields shared by the request and reschedule forms. */
import { DURATIONS, slotFromInputs } from "#web/lib/appointments.ts";
import { SelectField, TextField } from "../Field.tsx";

export interface SlotInput {
  readonly day: string;
  readonly time: string;
  readonly minutes: number;
}

export function SlotFields({
  value,
  onChange,
  errors = {},
  minDay,
}: {
  value: SlotInput;
  onChange: (next: SlotInput) => void;
  errors?: Partial<Record<"day" | "time", string>>;
  /** Earliest selectable day (local YYYY-MM-DD). */
  minDay?: string;
}) {
  return (
    <>
      <TextField
        label="Date"
        type="date"
        required
        min={minDay}
        value={value.day}
        error={errors.day}
        onChange={(e) => onChange({ ...value, day: e.target.value })}
      />
      <TextField
        label="Start time"
        type="time"
        required
        step={300}
        value={value.time}
        error={errors.time}
        onChange={(e) => onChange({ ...value, time: e.target.value })}
      />
      <SelectField label="Duration" value={String(value.minutes)} onChange={(e) => onChange({ ...value, minutes: Number(e.target.value) })}>
        {DURATIONS.map((m) => (
          <option key={m} value={m}>
            {m} minutes
          </option>
        ))}
      </SelectField>
    </>
  );
}

/** Field errors of a slot, or the ISO slot. */
export function checkSlot(
  value: SlotInput,
  now: Date,
): { ok: true; slot: { slotStart: string; slotEnd: string } } | { ok: false; errors: Partial<Record<"day" | "time", string>> } {
  const errors: Partial<Record<"day" | "time", string>> = {};
  if (!value.day) errors.day = "Pick a date";
  if (!value.time) errors.time = "Pick a start time";
  const slot = value.day && value.time ? slotFromInputs(value.day, value.time, value.minutes) : undefined;
  if (value.day && value.time && !slot) errors.time = "Enter a valid date and time";
  if (slot && Date.parse(slot.slotStart) <= now.getTime()) errors.time = "Pick a time in the future";
  return slot && Object.keys(errors).length === 0 ? { ok: true, slot } : { ok: false, errors };
}
