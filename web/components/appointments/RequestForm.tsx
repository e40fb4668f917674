"use client";
/** A patient requests an appointment with one of their assigned doctors (read from the contract). */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import { apiRequest } from "#web/lib/api.ts";
import { localDay, timeRange, type AppointmentJson } from "#web/lib/appointments.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useNameOf, useStaff } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useAction } from "#web/lib/useAction.ts";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { SelectField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { checkSlot, SlotFields, type SlotInput } from "./SlotFields.tsx";
import styles from "./appointments.module.css";

const AFTER_REQUEST = [queryKeys.api.appointments()];

export function RequestForm({ patient }: { patient: Address }) {
  const reader = useLedgerReader();
  const nameOf = useNameOf();
  const staff = useStaff();
  // profile.ts brings the profile ciphers: loaded with the query, not with the page.
  const doctors = useQuery({
    queryKey: queryKeys.ledger.assignedDoctors(patient),
    queryFn: async () => (await import("#core/patients/profile.ts")).assignedDoctors(reader, patient),
  });
  const [doctor, setDoctor] = useState("");
  const [slot, setSlot] = useState<SlotInput>({ day: "", time: "", minutes: 30 });
  const [errors, setErrors] = useState<Partial<Record<"doctor" | "day" | "time", string>>>({});
  const request = useAction(
    async (_, slot: { slotStart: string; slotEnd: string }, doctor: string) => {
      const { appointment } = await apiRequest<{ appointment: AppointmentJson }>("/api/appointments", { method: "POST", body: { doctor, ...slot } });
      return appointment;
    },
    { invalidates: AFTER_REQUEST },
  );
  const done = request.result;

  const departmentOf = (account: string) => staff.data?.find((m) => m.account.toLowerCase() === account.toLowerCase())?.profile.department;
  const chosen = doctor || (doctors.data?.length === 1 ? doctors.data[0] : "") || "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    request.reset();
    const checked = checkSlot(slot, new Date());
    const next = { ...(checked.ok ? {} : checked.errors), ...(chosen ? {} : { doctor: "Pick one of your doctors" }) };
    setErrors(next);
    if (!checked.ok || !chosen) return;
    await request.run(checked.slot, chosen);
  };

  return (
    <section className="card" aria-labelledby="request-title">
      <h2 id="request-title">Request an appointment</h2>
      {doctors.isPending ? <Spinner label="Reading your doctors from the contract…" /> : null}
      <ErrorBox error={doctors.error} />
      {doctors.data && doctors.data.length === 0 ? (
        <p className="muted">No doctor is assigned to you yet. The reception assigns your doctors; you can then request appointments with them.</p>
      ) : null}
      {doctors.data && doctors.data.length > 0 ? (
        <form className={`form ${styles.form}`} aria-label="Request an appointment" onSubmit={(e) => void submit(e)} noValidate>
          <SelectField label="Doctor" className={styles.wide} value={chosen} error={errors.doctor} onChange={(e) => setDoctor(e.target.value)}>
            {doctors.data.length > 1 ? <option value="">Choose a doctor…</option> : null}
            {doctors.data.map((d) => (
              <option key={d} value={d}>
                {nameOf(d)}
                {departmentOf(d) ? ` (${departmentOf(d)})` : ""}
              </option>
            ))}
          </SelectField>
          <div className="row">
            <SlotFields value={slot} onChange={setSlot} errors={errors} minDay={localDay(new Date())} />
          </div>
          <ErrorBox error={request.error} title="The appointment was not requested" />
          {done ? (
            <Notice kind="success">
              Requested {nameOf(done.doctor)} on {new Date(done.slotStart).toLocaleDateString()} {timeRange(done)}. The doctor or the reception will confirm it.
            </Notice>
          ) : null}
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={request.pending}>
              Request appointment
            </button>
            {request.pending ? <Spinner label="Sending the request…" /> : null}
          </div>
        </form>
      ) : null}
    </section>
  );
}
