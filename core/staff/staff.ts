/** Doctors and receptionists: the admin's staff management and the public staff directory. */
import type { Address, Hash } from "viem";
import * as z from "zod/mini";
import { ROLE_IDS, roleName } from "../accounts/roles.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError } from "../errors.ts";

export const staffProfileSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, "A name is required"), z.maxLength(120)),
  department: z.string().check(z.trim(), z.maxLength(120)),
  contact: z.string().check(z.trim(), z.maxLength(200)),
});
export type StaffProfile = z.infer<typeof staffProfileSchema>;

export type StaffRole = "doctor" | "receptionist";

export interface StaffMember {
  readonly account: Address;
  readonly role: StaffRole;
  readonly active: boolean;
  /** Unix seconds of joining. */
  readonly since: number;
  readonly profile: StaffProfile;
}

function parseProfile(profile: unknown): StaffProfile {
  const result = staffProfileSchema.safeParse(profile);
  if (!result.success) {
    throw new MedLedgerError("INVALID_INPUT", `Invalid staff profile: ${result.error.issues.map((i) => i.message).join("; ")}.`, "Fix the highlighted fields and retry.");
  }
  return result.data;
}

export async function addStaff(ledger: LedgerWriter, account: Address, role: StaffRole, profile: StaffProfile): Promise<Hash> {
  const { hash } = await writeLedger(ledger, "addStaff", [account, ROLE_IDS[role], parseProfile(profile)]);
  return hash;
}

export async function updateStaff(ledger: LedgerWriter, account: Address, profile: StaffProfile): Promise<Hash> {
  const { hash } = await writeLedger(ledger, "updateStaff", [account, parseProfile(profile)]);
  return hash;
}

export async function setStaffActive(ledger: LedgerWriter, account: Address, active: boolean): Promise<Hash> {
  const { hash } = await writeLedger(ledger, active ? "reactivateStaff" : "deactivateStaff", [account]);
  return hash;
}

/** One staff member's current record, or undefined if the account was never staff. */
export async function getStaffMember(ledger: LedgerReader, account: Address): Promise<StaffMember | undefined> {
  const member = await readLedger(ledger, "staffMember", [account]);
  const role = roleName(member.role);
  if (role !== "doctor" && role !== "receptionist") return undefined;
  return { account, role, active: member.active, since: Number(member.since), profile: member.profile };
}

/** The whole staff directory (active and deactivated), in joining order. */
export async function listStaff(ledger: LedgerReader): Promise<StaffMember[]> {
  const added = await getLedgerEvents(ledger, { eventName: "StaffAdded" });
  const members = await Promise.all(added.map((log) => getStaffMember(ledger, log.args.account)));
  return members.filter((m): m is StaffMember => m !== undefined);
}
