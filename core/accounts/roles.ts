/** Which MedLedger roles an account holds, read from the contract (never from what a client claims). */
import type { Address, Hex } from "viem";
import { keccak256, toBytes, zeroHash } from "viem";
import { readLedger } from "../contract/calls.ts";
import type { LedgerReader } from "../contract/ledger.ts";

export const ROLE_IDS = {
  admin: zeroHash,
  receptionist: keccak256(toBytes("RECEPTIONIST_ROLE")),
  doctor: keccak256(toBytes("DOCTOR_ROLE")),
  patient: keccak256(toBytes("PATIENT_ROLE")),
} as const satisfies Record<string, Hex>;

export type RoleName = keyof typeof ROLE_IDS;

export type Roles = Readonly<Record<RoleName, boolean>>;

export async function getRoles(ledger: LedgerReader, account: Address): Promise<Roles> {
  const [admin, receptionist, doctor, patient] = await Promise.all(
    (Object.values(ROLE_IDS) as Hex[]).map((role) => readLedger(ledger, "hasRole", [role, account])),
  );
  return { admin: admin === true, receptionist: receptionist === true, doctor: doctor === true, patient: patient === true };
}

export function roleName(roleId: Hex): RoleName | undefined {
  return (Object.keys(ROLE_IDS) as RoleName[]).find((name) => ROLE_IDS[name] === roleId);
}
