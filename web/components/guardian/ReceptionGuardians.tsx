"use client";
/**
 * The reception's guardians card: pick a patient (from the patient list), see their guardians, end
 * any of them, and appoint one — for a minor or a patient without capacity — with the day it ends
 * (e.g. the 18th birthday). Only the reception, or that day, ends a guardianship it appointed.
 */
import { useState } from "react";
import type { Address } from "viem";
import { useNameOf } from "#web/lib/queries.ts";
import { usePatientList } from "#web/lib/reportLists.ts";
import { SelectField } from "../Field.tsx";
import { GuardiansCard } from "./GuardiansCard.tsx";

export function ReceptionGuardians() {
  const patients = usePatientList();
  const nameOf = useNameOf();
  const [patient, setPatient] = useState("");
  const rows = patients.patients ?? [];
  return (
    <section className="card" aria-labelledby="reception-guardians-title" data-testid="reception-guardians">
      <h2 id="reception-guardians-title">Guardians of a patient</h2>
      <SelectField
        label="Patient"
        value={patient}
        onChange={(e) => setPatient(e.target.value)}
        help="A guardian reads the patient's reports and manages their sharing."
      >
        <option value="">Choose a patient…</option>
        {rows.map((p) => (
          <option key={p.account} value={p.account}>
            {nameOf(p.account)} ({p.account.slice(0, 8)}…{p.account.slice(-4)})
          </option>
        ))}
      </SelectField>
      {patient ? <GuardiansCard patient={patient as Address} as="reception" /> : null}
    </section>
  );
}
