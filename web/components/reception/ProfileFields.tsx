"use client";
/** A patient profile's fields (registering and editing share them), each with its plain-language message from core/validation.ts. */
import type { PatientProfile } from "#core/patients/profile.ts";
import type { FieldErrors } from "#web/lib/forms.ts";
import { TextArea, TextField } from "../Field.tsx";

type Setter = (key: keyof PatientProfile) => (event: { target: { value: string } }) => void;

/** Today as YYYY-MM-DD, the latest date of birth the date picker offers. */
const today = () => new Date().toISOString().slice(0, 10);

export function ProfileFields({ values, errors, set }: { values: PatientProfile; errors: FieldErrors; set: Setter }) {
  return (
    <>
      <TextField label="Full name" value={values.name} onChange={set("name")} error={errors.name} autoComplete="off" help="At most 120 characters." />
      <TextField label="Date of birth" type="date" max={today()} value={values.dateOfBirth} onChange={set("dateOfBirth")} error={errors.dateOfBirth} />
      <TextField label="Phone" type="tel" value={values.phone} onChange={set("phone")} error={errors.phone} />
      <TextField label="Email" type="email" value={values.email} onChange={set("email")} error={errors.email} />
      <TextArea
        label="Notes"
        value={values.notes}
        onChange={set("notes")}
        error={errors.notes}
        rows={2}
        help="At most 2,000 characters. The profile is encrypted for the patient, the reception and the assigned doctors; only its IPFS reference goes on chain."
      />
    </>
  );
}
