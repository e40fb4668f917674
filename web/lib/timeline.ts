/**
 * Pure helpers of the audit timeline: a one-line, human description of each contract event, and
 * date-input conversions. (Candidates for core/contract/ — nothing here needs React.)
 */
import { toFunctionSelector, type Address, type Hex } from "viem";
import { emergencyReason } from "#core/care/reasons.ts";
import type { LedgerEventName, TimelineEntry } from "#core/contract/events.ts";
import { roleName } from "#core/accounts/roles.ts";

/** Every event type of the contract the timeline can filter on, in a sensible order. */
export const TIMELINE_EVENT_NAMES: readonly LedgerEventName[] = [
  "StaffAdded",
  "StaffUpdated",
  "StaffDeactivated",
  "StaffReactivated",
  "PatientRegistered",
  "PatientProfileUpdated",
  "DoctorAssigned",
  "DoctorUnassigned",
  "EncryptionKeyPublished",
  "ReportRegistered",
  "ReportSuperseded",
  "AccessGranted",
  "AccessRevoked",
  "GuardianAppointed",
  "GuardianshipEnded",
  "ActedAsGuardian",
  "Paused",
  "Unpaused",
  "AuditLogAnchored",
  "RoleGranted",
  "RoleRevoked",
  "RoleAdminChanged",
  "DefaultAdminTransferScheduled",
  "DefaultAdminTransferCanceled",
  "DefaultAdminDelayChangeScheduled",
  "DefaultAdminDelayChangeCanceled",
  "EIP712DomainChanged",
];

export type NameOf = (account: Address) => string;

/** What a guardian did, by the selector an `ActedAsGuardian` event names. */
const GUARDIAN_ACTIONS: Readonly<Record<string, string>> = {
  [toFunctionSelector("grantAccessAsGuardian(address,(address,bytes32[],bytes[],uint40))")]: "shared reports",
  [toFunctionSelector("revokeAccessAsGuardian(address,bytes32,address)")]: "stopped sharing",
};

function short(value: string): string {
  return value.length > 14 ? `${value.slice(0, 8)}…${value.slice(-4)}` : value;
}

/** "Added Dr. Ada Lovelace as doctor", "Registered report 0x12…ab for patient …", … */
export function describeEvent(entry: Pick<TimelineEntry, "eventName" | "args">, nameOf: NameOf): string {
  const a = entry.args as Record<string, unknown>;
  const who = (key: string) => (typeof a[key] === "string" ? nameOf(a[key] as Address) : "?");
  const hex = (key: string) => (typeof a[key] === "string" ? short(a[key] as string) : "?");
  const role = (key: string) => (typeof a[key] === "string" ? (roleName(a[key] as Hex) ?? short(a[key] as string)) : "?");
  const profileName = (a.profile as { name?: string } | undefined)?.name;
  switch (entry.eventName) {
    case "StaffAdded":
      return `Added ${profileName ?? who("account")} as ${role("role")}`;
    case "StaffUpdated":
      return `Updated the profile of ${profileName ?? who("account")}`;
    case "StaffDeactivated":
      return `Deactivated ${who("account")} (${role("role")})`;
    case "StaffReactivated":
      return `Reactivated ${who("account")} (${role("role")})`;
    case "PatientRegistered":
      return `Registered patient ${who("patient")}`;
    case "PatientProfileUpdated":
      return `Updated the profile of patient ${who("patient")}`;
    case "DoctorAssigned":
      return `Assigned ${who("doctor")} to patient ${who("patient")}`;
    case "DoctorUnassigned":
      return `Unassigned ${who("doctor")} from patient ${who("patient")}`;
    case "EncryptionKeyPublished":
      return `Published the encryption key of ${who("account")}`;
    case "ReportRegistered":
      return `Registered report ${hex("reportId")} by ${who("doctor")} for patient ${who("patient")}${a.supersedes && !/^0x0+$/.test(String(a.supersedes)) ? ` (amends ${hex("supersedes")})` : ""}`;
    case "ReportSuperseded":
      return `Report ${hex("reportId")} superseded by ${hex("by")}`;
    case "AccessGranted":
      return `Patient ${who("patient")} shared report ${hex("reportId")} with ${who("reader")}`;
    case "AccessRevoked":
      return `Patient ${who("patient")} revoked ${who("reader")}'s access to report ${hex("reportId")}`;
    case "GuardianAppointed": {
      const until = typeof a.until === "number" && a.until < 2 ** 40 - 1 ? ` until ${new Date(a.until * 1000).toISOString().slice(0, 10)}` : "";
      return `${a.byReception ? "The reception" : "The patient"} (${who("by")}) made ${who("guardian")} a guardian of patient ${who("record")}${until}`;
    }
    case "GuardianshipEnded":
      return `${who("by")} ended ${who("guardian")}'s guardianship of patient ${who("record")}`;
    case "ActedAsGuardian":
      return `Guardian ${who("guardian")} ${GUARDIAN_ACTIONS[String(a.action)] ?? `acted (${String(a.action)})`} for patient ${who("patient")}`;
    case "EmergencyAccessed":
      return `${who("doctor")} opened the reports of patient ${who("patient")} in an emergency (${emergencyReason(Number(a.reason)).label})`;
    case "Paused":
      return "Paused all changes";
    case "Unpaused":
      return "Resumed changes (unpaused)";
    case "AuditLogAnchored":
      return `Anchored the activity log (${String(a.entries)} entries, head ${hex("head")})`;
    case "RoleGranted":
      return `Granted ${role("role")} role to ${who("account")}`;
    case "RoleRevoked":
      return `Revoked ${role("role")} role from ${who("account")}`;
    default:
      return entry.eventName;
  }
}

/** `YYYY-MM-DD` of a date input → Unix seconds at local start (or end) of that day. */
export function dayToSeconds(day: string, endOfDay: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = endOfDay ? new Date(y, m - 1, d, 23, 59, 59) : new Date(y, m - 1, d, 0, 0, 0);
  return Math.floor(date.getTime() / 1000);
}
