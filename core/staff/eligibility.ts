/**
 * Which staff members a person may pick: pure rules over the staff list, kept apart from the staff
 * module's contract code so that pages can use them without loading it.
 */
import type { Address } from "viem";
import type { StaffMember } from "./staff.ts";

/** The doctors a patient can be assigned to: active doctors only. */
export function assignableDoctors(staff: readonly StaffMember[]): StaffMember[] {
  return staff.filter((member) => member.role === "doctor" && member.active);
}

/** The doctors a patient can share a report with: active doctors other than its issuer (who reads it already). */
export function shareableDoctors(staff: readonly StaffMember[], issuer: Address): StaffMember[] {
  return assignableDoctors(staff).filter((member) => member.account.toLowerCase() !== issuer.toLowerCase());
}

/**
 * The doctors a patient can share several reports with at once (issued by `issuers`): active
 * doctors, except one who issued every one of them (they read them all already). Sharing a report
 * with its own issuer is harmless, so a doctor who issued only some of them stays eligible.
 */
export function shareableDoctorsForMany(staff: readonly StaffMember[], issuers: readonly Address[]): StaffMember[] {
  const distinct = new Set(issuers.map((issuer) => issuer.toLowerCase()));
  const soleIssuer = distinct.size === 1 ? [...distinct][0] : undefined;
  return assignableDoctors(staff).filter((member) => member.account.toLowerCase() !== soleIssuer);
}
