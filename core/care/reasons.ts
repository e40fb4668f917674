/**
 * The reasons a doctor may give for emergency ("break-glass") access: the contract's
 * `EmergencyReason` codes with their plain-language labels and CLI names, the one list the web
 * app, the CLI and the audit trail use. Plain data (no chain code), so any page can load it.
 */
import { MedLedgerError } from "../errors.ts";

/** The contract's `EmergencyReason` codes (0, "none", is refused). */
export type EmergencyReasonCode = 1 | 2 | 3 | 4;

export interface EmergencyReason {
  readonly code: EmergencyReasonCode;
  /** The CLI's name for it (`--reason`). */
  readonly name: string;
  /** What the web app and the CLI show. */
  readonly label: string;
}

/** Every reason a doctor may give, in the contract's order: the one list web and CLI use. */
export const EMERGENCY_REASONS: readonly EmergencyReason[] = [
  { code: 1, name: "unable-to-consent", label: "The patient cannot consent (unconscious or otherwise unable)" },
  { code: 2, name: "life-threatening", label: "A life-threatening emergency" },
  { code: 3, name: "doctor-unavailable", label: "Urgent care while the patient's own doctors cannot be reached" },
  { code: 4, name: "other-emergency", label: "Another emergency (to explain at the hospital's review)" },
];

/** The reason with code `code` (a code the app does not know yet is labelled as such). */
export function emergencyReason(code: number): EmergencyReason {
  return (
    EMERGENCY_REASONS.find((r) => r.code === code) ?? { code: 4, name: `reason-${code}`, label: `Reason code ${code} (not known to this version of the app)` }
  );
}

/** The reason called `name` (CLI), or INVALID_INPUT listing the names. */
export function parseEmergencyReason(name: string): EmergencyReason {
  const reason = EMERGENCY_REASONS.find((r) => r.name === name.trim().toLowerCase());
  if (!reason) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `"${name}" is not an emergency reason.`,
      `Give one of: ${EMERGENCY_REASONS.map((r) => `${r.name} (${r.label})`).join("; ")}.`,
    );
  }
  return reason;
}
