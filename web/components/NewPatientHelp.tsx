/**
 * What a new patient does, worded once: the home page, the patient page and the reception page
 * all show this (so a patient never hears "give your address" in one place and "make a code" in
 * another).
 */
import Link from "next/link";

export const NEW_PATIENT_STEPS = [
  "Open the Patient page and connect your wallet.",
  "Create your registration code there (your wallet asks you to sign; it costs no ether).",
  "At the reception, show the QR code or read out the short code.",
] as const;

export function NewPatientHelp({ title = "New patient?" }: { title?: string }) {
  return (
    <div className="new-patient-help" data-testid="new-patient-help">
      <p>
        <strong>{title}</strong> Registering at the hospital takes three steps:
      </p>
      <ol>
        {NEW_PATIENT_STEPS.map((step, i) =>
          i === 0 ? (
            <li key={step}>
              Open the <Link href="/patient">Patient page</Link> and connect your wallet.
            </li>
          ) : (
            <li key={step}>{step}</li>
          ),
        )}
      </ol>
    </div>
  );
}
