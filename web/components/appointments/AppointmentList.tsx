"use client";
/**
 * Appointments grouped by day with status badges, and the actions the signed-in account may take
 * on each: confirm, reschedule (new slot) or decline for its doctor and the reception, cancel for
 * the patient too.
 */
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import { apiRequest } from "#web/lib/api.ts";
import {
  allowedActions,
  dayLabel,
  groupByDay,
  localDay,
  timeRange,
  type AppointmentAction,
  type AppointmentJson,
  type AppointmentStatus,
} from "#web/lib/appointments.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useAction } from "#web/lib/useAction.ts";
import { ErrorBox } from "../ErrorBox.tsx";
import { TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { checkSlot, SlotFields, type SlotInput } from "./SlotFields.tsx";
import styles from "./appointments.module.css";

const BADGE: Readonly<Record<AppointmentStatus, string>> = {
  requested: "badge",
  confirmed: "badge badge-ok",
  declined: "badge badge-off",
  cancelled: "badge badge-off",
};

export function StatusBadge({ status }: { status: AppointmentStatus }) {
  return (
    <span className={BADGE[status]} data-testid="appointment-status">
      {status}
    </span>
  );
}

export function AppointmentList({
  items,
  me,
  roles,
  nameOf,
  emptyText,
}: {
  items: readonly AppointmentJson[];
  me: Address;
  roles: Roles;
  nameOf: (account: string) => string;
  emptyText: string;
}) {
  if (items.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <div className={styles.days}>
      {groupByDay(items).map((group) => (
        <section key={group.day} aria-labelledby={`day-${group.day}`} data-day={group.day}>
          <h3 id={`day-${group.day}`}>{dayLabel(group.day)}</h3>
          <ul className={styles.list}>
            {group.items.map((item) => (
              <AppointmentItem key={item.id} item={item} me={me} roles={roles} nameOf={nameOf} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

const AFTER_CHANGE = [queryKeys.api.appointments()];

const ACTION_LABEL: Readonly<Record<AppointmentAction, string>> = {
  confirm: "Confirm",
  reschedule: "Reschedule",
  decline: "Decline",
  cancel: "Cancel appointment",
};

function AppointmentItem({ item, me, roles, nameOf }: { item: AppointmentJson; me: Address; roles: Roles; nameOf: (account: string) => string }) {
  const [form, setForm] = useState<"reschedule" | "decline" | "cancel" | null>(null);
  const actions = allowedActions(item, me, roles);
  const isPatient = item.patient.toLowerCase() === me.toLowerCase();

  const change = useAction(
    (_, action: AppointmentAction, extra: Record<string, string>) =>
      apiRequest<{ appointment: AppointmentJson }>("/api/appointments", { method: "PATCH", body: { id: item.id, action, ...extra } }),
    { invalidates: AFTER_CHANGE },
  );
  const pending = change.pending;
  const act = async (action: AppointmentAction, extra: Record<string, string> = {}) => {
    if (await change.run(action, extra)) setForm(null);
  };

  return (
    <li className={styles.item} data-appointment={item.id} data-status={item.status}>
      <div className={styles.head}>
        <strong className={styles.time}>{timeRange(item)}</strong>
        <StatusBadge status={item.status} />
        <span>
          {isPatient ? (
            <>with {nameOf(item.doctor)}</>
          ) : (
            <>
              {nameOf(item.patient)} with {nameOf(item.doctor)}
            </>
          )}
        </span>
      </div>
      {item.reason ? <p className="muted small">Reason: {item.reason}</p> : null}
      {actions.length > 0 ? (
        <div className="row">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              className={
                action === "confirm" ? "btn btn-small btn-primary" : action === "cancel" || action === "decline" ? "btn btn-small btn-danger" : "btn btn-small"
              }
              disabled={pending}
              aria-expanded={action === "confirm" ? undefined : form === action}
              onClick={() => (action === "confirm" ? void act("confirm") : setForm(form === action ? null : action))}
            >
              {ACTION_LABEL[action]}
            </button>
          ))}
          {pending ? <Spinner label="Saving…" /> : null}
        </div>
      ) : null}
      {form === "reschedule" ? (
        <RescheduleForm item={item} pending={pending} onSubmit={(slot, reason) => void act("reschedule", { ...slot, ...(reason ? { reason } : {}) })} />
      ) : null}
      {form === "decline" || form === "cancel" ? (
        <ReasonForm action={form} pending={pending} onSubmit={(reason) => void act(form, reason ? { reason } : {})} />
      ) : null}
      <ErrorBox error={change.error} title="The appointment was not changed" />
    </li>
  );
}

function RescheduleForm({
  item,
  pending,
  onSubmit,
}: {
  item: AppointmentJson;
  pending: boolean;
  onSubmit: (slot: { slotStart: string; slotEnd: string }, reason: string) => void;
}) {
  const start = new Date(item.slotStart);
  const minutes = Math.round((Date.parse(item.slotEnd) - start.getTime()) / 60_000);
  const [slot, setSlot] = useState<SlotInput>({
    day: localDay(start),
    time: start.toTimeString().slice(0, 5),
    minutes: [15, 30, 45, 60, 90].includes(minutes) ? minutes : 30,
  });
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Partial<Record<"day" | "time", string>>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkSlot(slot, new Date());
    setErrors(checked.ok ? {} : checked.errors);
    if (checked.ok) onSubmit(checked.slot, reason.trim());
  };
  return (
    <form className={styles.subform} aria-label="Reschedule the appointment" onSubmit={submit} noValidate>
      <div className="row">
        <SlotFields value={slot} onChange={setSlot} errors={errors} minDay={localDay(new Date())} />
      </div>
      <TextField label="Note for the patient (optional, no medical details)" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" className="btn btn-small btn-primary" disabled={pending}>
        Save new time
      </button>
    </form>
  );
}

function ReasonForm({ action, pending, onSubmit }: { action: "decline" | "cancel"; pending: boolean; onSubmit: (reason: string) => void }) {
  const [reason, setReason] = useState("");
  return (
    <form
      className={styles.subform}
      aria-label={action === "decline" ? "Decline the appointment" : "Cancel the appointment"}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(reason.trim());
      }}
    >
      <TextField label="Reason (optional, no medical details)" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" className="btn btn-small btn-danger" disabled={pending}>
        {action === "decline" ? "Decline appointment" : "Confirm cancellation"}
      </button>
    </form>
  );
}
