/**
 * The staff directory from the indexer, checked against the contract in O(1) per member: role,
 * active and joining time are the contract's (`staffMember`), and the indexed profile is shown
 * only when its hash is the one the contract keeps — else {@link UNVERIFIED_PROFILE}, as the
 * chain-read directory does for a node that withholds or forges events.
 */
import { roleName } from "../accounts/roles.ts";
import { readLedger } from "../contract/calls.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { staffProfileHash, UNVERIFIED_PROFILE, type StaffMember } from "../staff/staff.ts";
import type { IndexedStaff } from "./wire.ts";

export async function checkedStaffMember(ledger: LedgerReader, row: IndexedStaff): Promise<StaffMember | undefined> {
  const member = await readLedger(ledger, "staffMember", [row.account]);
  const role = roleName(member.role);
  if (role !== "doctor" && role !== "receptionist") return undefined;
  const profile = { name: row.name, department: row.department, contact: row.contact };
  const verified = staffProfileHash(profile) === member.profileHash;
  return {
    account: row.account,
    role,
    active: member.active,
    since: Number(member.since),
    profile: verified ? profile : UNVERIFIED_PROFILE,
    profileVerified: verified,
  };
}

/** Indexed staff rows (newest first) → the directory in joining order, each member checked on chain. */
export async function checkedStaff(ledger: LedgerReader, rows: readonly IndexedStaff[]): Promise<StaffMember[]> {
  const members = await Promise.all([...rows].reverse().map((row) => checkedStaffMember(ledger, row)));
  return members.filter((m): m is StaffMember => m !== undefined);
}
