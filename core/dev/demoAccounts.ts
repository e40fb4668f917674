/**
 * The demo accounts of the local stack: Hardhat's and anvil's well-known development mnemonic,
 * one account per demo person. These keys are public; they are usable on the local chain
 * (chain id 31337) only, and every caller must refuse them elsewhere (see `isLocalChain`).
 */
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

export const LOCAL_CHAIN_ID = 31337;

/** The mnemonic Hardhat and anvil derive their default accounts from. Public; local use only. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export type DemoRole = "admin" | "receptionist" | "doctor" | "patient" | "none";

export interface DemoPerson {
  /** Name used by `--as` in the CLI and by the web app's dev wallet picker. */
  readonly handle: string;
  readonly displayName: string;
  readonly role: DemoRole;
  /** Index in the development mnemonic. */
  readonly index: number;
  /** Department or specialty (staff only). */
  readonly department?: string;
  readonly contact?: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { handle: "admin", displayName: "Hospital Administrator", role: "admin", index: 0 },
  { handle: "receptionist1", displayName: "Rita Reyes", role: "receptionist", index: 1, department: "Front desk, main building", contact: "rita.reyes@medledger.example, +1 555 0101" },
  { handle: "receptionist2", displayName: "Sam Okafor", role: "receptionist", index: 2, department: "Outpatient clinic", contact: "sam.okafor@medledger.example, +1 555 0102" },
  { handle: "doctor1", displayName: "Dr. Ada Lovelace", role: "doctor", index: 3, department: "Cardiology", contact: "ada.lovelace@medledger.example, room 3.14" },
  { handle: "doctor2", displayName: "Dr. Gregory House", role: "doctor", index: 4, department: "Diagnostic medicine", contact: "g.house@medledger.example, room 2.21" },
  { handle: "doctor3", displayName: "Dr. Meredith Grey", role: "doctor", index: 5, department: "General surgery", contact: "m.grey@medledger.example, room 4.02" },
  { handle: "patient1", displayName: "Alice Martin", role: "patient", index: 6 },
  { handle: "patient2", displayName: "Bob Nguyen", role: "patient", index: 7 },
  { handle: "patient3", displayName: "Carla Rossi", role: "patient", index: 8 },
  { handle: "patient4", displayName: "David Cohen", role: "patient", index: 9 },
  { handle: "patient5", displayName: "Eva Schmidt", role: "patient", index: 10 },
  { handle: "stranger", displayName: "Unregistered visitor", role: "none", index: 11 },
];

export function isLocalChain(chainId: number): boolean {
  return chainId === LOCAL_CHAIN_ID;
}

/** The viem account of a demo person (derived from the public development mnemonic). */
export function demoAccount(person: DemoPerson): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: person.index });
}

export function findDemoPerson(handle: string): DemoPerson | undefined {
  return DEMO_PEOPLE.find((p) => p.handle === handle);
}
