/**
 * The keys of the demo people (core/dev/demoAccounts.ts), derived from the public development
 * mnemonic. Kept apart from the people data because the HD-wallet code (BIP-32/BIP-39) is large:
 * the web app loads this module only when its dev wallet connects, on the local chain.
 */
import { bytesToHex, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { DEV_MNEMONIC, type DemoPerson } from "./demoAccounts.ts";

/** The viem account of a demo person (derived from the public development mnemonic). */
export function demoAccount(person: DemoPerson): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: person.index });
}

/** The mnemonic index of the local stack's relayer: the last account anvil and Hardhat fund (20), used by no demo person. */
export const DEV_RELAYER_INDEX = 19;

/** The private key of the local stack's relayer (public, like every dev key: local chain only). */
export function devRelayerKey(): Hex {
  const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: DEV_RELAYER_INDEX }).getHdKey().privateKey;
  if (!key) throw new Error("The development mnemonic gave no private key.");
  return bytesToHex(key);
}
