/**
 * The demo people of the local stack: Hardhat's and anvil's well-known development mnemonic,
 * one account per demo person. These keys are public; they are usable on the local chain
 * (chain id 31337) only, and every caller must refuse them elsewhere (see `isLocalChain`).
 *
 * This module is plain data (no key derivation), so the web app can show the people and their
 * addresses without shipping the HD-wallet code; the keys come from `demoAccount` in
 * ./demoKeys.ts.
 */
import type { Address } from "viem";

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
  /** The account's address (derived from DEV_MNEMONIC at `index`; checked by test/core/demoPeople.test.ts). */
  readonly address: Address;
  /** Department or specialty (staff only). */
  readonly department?: string;
  readonly contact?: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { handle: "admin", displayName: "Hospital Administrator", role: "admin", index: 0, address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" },
  {
    handle: "receptionist1",
    displayName: "Rita Reyes",
    role: "receptionist",
    index: 1,
    address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    department: "Front desk, main building",
    contact: "rita.reyes@medledger.example, +1 555 0101",
  },
  {
    handle: "receptionist2",
    displayName: "Sam Okafor",
    role: "receptionist",
    index: 2,
    address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    department: "Outpatient clinic",
    contact: "sam.okafor@medledger.example, +1 555 0102",
  },
  {
    handle: "doctor1",
    displayName: "Dr. Ada Lovelace",
    role: "doctor",
    index: 3,
    address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    department: "Cardiology",
    contact: "ada.lovelace@medledger.example, room 3.14",
  },
  {
    handle: "doctor2",
    displayName: "Dr. Gregory House",
    role: "doctor",
    index: 4,
    address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    department: "Diagnostic medicine",
    contact: "g.house@medledger.example, room 2.21",
  },
  {
    handle: "doctor3",
    displayName: "Dr. Meredith Grey",
    role: "doctor",
    index: 5,
    address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    department: "General surgery",
    contact: "m.grey@medledger.example, room 4.02",
  },
  { handle: "patient1", displayName: "Alice Martin", role: "patient", index: 6, address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9" },
  { handle: "patient2", displayName: "Bob Nguyen", role: "patient", index: 7, address: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955" },
  { handle: "patient3", displayName: "Carla Rossi", role: "patient", index: 8, address: "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f" },
  { handle: "patient4", displayName: "David Cohen", role: "patient", index: 9, address: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720" },
  { handle: "patient5", displayName: "Eva Schmidt", role: "patient", index: 10, address: "0xBcd4042DE499D14e55001CcbB24a551F3b954096" },
  { handle: "stranger", displayName: "Unregistered visitor", role: "none", index: 11, address: "0x71bE63f3384f5fb98995898A86B02Fb2426c5788" },
];

/** Whether `chainId` is the local chain (the only one where the demo keys may be used). */
export function isLocalChain(chainId: number): boolean {
  return chainId === LOCAL_CHAIN_ID;
}

/** The demo person with CLI/dev-wallet handle `handle`, if any. */
export function findDemoPerson(handle: string): DemoPerson | undefined {
  return DEMO_PEOPLE.find((p) => p.handle === handle);
}
