/**
 * The keys of the demo people (core/dev/demoAccounts.ts), derived from the public development
 * mnemonic. Kept apart from the people data because the HD-wallet code (BIP-32/BIP-39) is large:
 * the web app loads this module only when its dev wallet connects, on the local chain.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, type Hex } from "viem";
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

/** The mnemonic index of the local stack's records custodian (anvil funds it; used by no demo person). */
export const DEV_CUSTODIAN_INDEX = 18;

/** The wallet key of the local stack's records custodian (public, like every dev key: local chain only). */
export function devCustodianKey(): Hex {
  const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: DEV_CUSTODIAN_INDEX }).getHdKey().privateKey;
  if (!key) throw new Error("The development mnemonic gave no private key.");
  return bytesToHex(key);
}

/**
 * The X25519 secret of the local stack's records custodian: derived from its (public) dev wallet
 * key, so every local start agrees on it. A real hospital generates its own and keeps it in its
 * keystore (MEDLEDGER_CUSTODIAN_SECRET, or an HSM/KMS behind core/custody/keystore.ts).
 */
export function devCustodianSecret(): Uint8Array {
  return sha256(concatBytes([new TextEncoder().encode("medledger/dev-custodian/x25519"), hexToBytes(devCustodianKey())]));
}
