/**
 * Doctors and receptionists: the admin's staff management and the public staff directory. The
 * contract keeps only a hash of each profile; the profile itself is read from the latest
 * StaffAdded/StaffUpdated event of the account and shown only if it matches that hash.
 */
import type { Address, Hash, Hex } from "viem";
import { encodeAbiParameters, keccak256 } from "viem";
import * as z from "zod/mini";
import { ROLE_IDS, roleName } from "../accounts/roles.ts";
import { readLedger, writeLedger } from "../contract/calls.ts";
import { getLedgerEvents, type LedgerLog } from "../contract/events.ts";
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
  /** The profile of the latest StaffAdded/StaffUpdated event, checked against the hash on chain. */
  readonly profile: StaffProfile;
  /** False when no event matched the hash on chain: `profile` is then {@link UNVERIFIED_PROFILE}. */
  readonly profileVerified: boolean;
}

function parseProfile(profile: unknown): StaffProfile {
  const result = staffProfileSchema.safeParse(profile);
  if (!result.success) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `Invalid staff profile: ${result.error.issues.map((i) => i.message).join("; ")}.`,
      "Fix the highlighted fields and retry.",
    );
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

/** The hash the contract keeps of a profile: keccak256(abi.encode((string,string,string))). */
export function staffProfileHash(profile: StaffProfile): Hex {
  return keccak256(encodeAbiParameters([PROFILE_TUPLE], [profile]));
}

const PROFILE_TUPLE = {
  type: "tuple",
  components: [
    { name: "name", type: "string" },
    { name: "department", type: "string" },
    { name: "contact", type: "string" },
  ],
} as const;

/** Shown instead of a profile whose events do not match the hash on chain (a node withholding or forging logs). */
export const UNVERIFIED_PROFILE: StaffProfile = { name: "Unverified staff member", department: "", contact: "" };

type ProfileLog = LedgerLog<"StaffAdded"> | LedgerLog<"StaffUpdated">;

function laterFirst(a: ProfileLog, b: ProfileLog): number {
  return a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1;
}

/** Profiles from the StaffAdded/StaffUpdated events, latest first per account (lower-case keys). */
async function profileLogs(ledger: LedgerReader, account?: Address): Promise<Map<string, ProfileLog[]>> {
  const args = account ? { account } : undefined;
  const [added, updated] = await Promise.all([
    getLedgerEvents(ledger, { eventName: "StaffAdded", args }),
    getLedgerEvents(ledger, { eventName: "StaffUpdated", args }),
  ]);
  const byAccount = new Map<string, ProfileLog[]>();
  for (const log of [...added, ...updated].sort(laterFirst)) {
    const key = log.args.account.toLowerCase();
    byAccount.set(key, [...(byAccount.get(key) ?? []), log]);
  }
  return byAccount;
}

/** The member as stored, with the latest event profile whose hash is the one on chain (never a stale or forged one). */
async function memberOf(ledger: LedgerReader, account: Address, logs: readonly ProfileLog[]): Promise<StaffMember | undefined> {
  const member = await readLedger(ledger, "staffMember", [account]);
  const role = roleName(member.role);
  if (role !== "doctor" && role !== "receptionist") return undefined;
  const latest = logs[0];
  const profile = latest && staffProfileHash(latest.args.profile) === member.profileHash ? latest.args.profile : undefined;
  return {
    account,
    role,
    active: member.active,
    since: Number(member.since),
    profile: profile ? { name: profile.name, department: profile.department, contact: profile.contact } : UNVERIFIED_PROFILE,
    profileVerified: profile !== undefined,
  };
}

/** One staff member's current record, or undefined if the account was never staff. */
export async function getStaffMember(ledger: LedgerReader, account: Address): Promise<StaffMember | undefined> {
  const logs = await profileLogs(ledger, account);
  return memberOf(ledger, account, logs.get(account.toLowerCase()) ?? []);
}

/** The whole staff directory (active and deactivated), in joining order. */
export async function listStaff(ledger: LedgerReader): Promise<StaffMember[]> {
  const [added, logs] = await Promise.all([getLedgerEvents(ledger, { eventName: "StaffAdded" }), profileLogs(ledger)]);
  const accounts = [...new Map(added.map((log) => [log.args.account.toLowerCase(), log.args.account])).values()];
  const members = await Promise.all(accounts.map((account) => memberOf(ledger, account, logs.get(account.toLowerCase()) ?? [])));
  return members.filter((m): m is StaffMember => m !== undefined);
}
