/**
 * The keys of the demo people (core/dev/demoAccounts.ts), derived from the public development
 * mnemonic. Kept apart from the people data because the HD-wallet code (BIP-32/BIP-39) is large:
 * the web app loads this module only when its dev wallet connects, on the local chain.
 */
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { DEV_MNEMONIC, type DemoPerson } from "./demoAccounts.ts";

/** The viem account of a demo person (derived from the public development mnemonic). */
export function demoAccount(person: DemoPerson): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: person.index });
}
