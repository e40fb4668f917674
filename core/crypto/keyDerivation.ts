/**
 * A user's X25519 key pair, derived deterministically from their wallet's signature over a fixed
 * EIP-712 message whose domain binds the chain and the MedLedger contract, and which carries a key
 * version (a rotation signs the next version): nothing to back up but the wallet.
 *
 * Only a plain 65-byte ECDSA signature that recovers to the account itself is accepted
 * ({@link checkIdentitySignature}): a smart account's signature (ERC-1271/ERC-6492 wrappers, Safe,
 * passkeys) is mostly public data, so a key derived from it would be public too. Only r‖s enter the
 * derivation, so wallets that encode v as 0/1 or 27/28 agree. The signature must also be
 * deterministic (RFC 6979): `core/identity/encryptionKey.ts` signs twice before a key is first
 * published and compares later unlocks with the published key.
 * Whoever obtains this signature can derive the key: it must only ever be signed on MedLedger.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, isAddressEqual, recoverTypedDataAddress, type Address, type Hex, type TypedDataDefinition } from "viem";
import { MedLedgerError } from "../errors.ts";

export const IDENTITY_STATEMENT =
  "Unlock my MedLedger encryption key. Sign this only in the MedLedger app: anyone holding this signature can read my medical reports.";

/** The first key version; each rotation signs the next one. */
export const FIRST_KEY_VERSION = 1;

export const identityTypes = {
  EncryptionIdentity: [
    { name: "statement", type: "string" },
    { name: "account", type: "address" },
    { name: "keyVersion", type: "uint32" },
  ],
} as const;

export type IdentityTypedData = TypedDataDefinition<typeof identityTypes, "EncryptionIdentity">;

/** The EIP-712 message a user signs to unlock their encryption key on this chain and contract. */
export function encryptionIdentityTypedData(chainId: number, contract: Address, account: Address, keyVersion: number = FIRST_KEY_VERSION): IdentityTypedData {
  if (!Number.isInteger(keyVersion) || keyVersion < FIRST_KEY_VERSION || keyVersion > 0xffffffff) {
    throw new MedLedgerError("INVALID_INPUT", `Key version ${keyVersion} is out of range.`, "Key versions are whole numbers from 1.");
  }
  return {
    domain: { name: "MedLedger", version: "1", chainId, verifyingContract: contract },
    types: identityTypes,
    primaryType: "EncryptionIdentity",
    message: { statement: IDENTITY_STATEMENT, account, keyVersion },
  };
}

const SMART_ACCOUNT_HINT =
  "Use an ordinary account (MetaMask, Rabby, Frame, a hardware wallet) for MedLedger: smart-contract wallets (Safe, Coinbase Smart Wallet, passkey wallets) cannot hold a MedLedger key yet.";

/**
 * Accepts only a 65-byte ECDSA signature of `typedData` by `account` itself. Anything else — a
 * smart account's wrapped signature, another signer — would give a key that others can compute.
 */
export async function checkIdentitySignature(signature: Hex, typedData: IdentityTypedData): Promise<void> {
  const bytes = hexToBytes(signature);
  if (bytes.length !== 65) {
    throw new MedLedgerError(
      "UNSUPPORTED_WALLET",
      "This wallet signs like a smart-contract account, so MedLedger cannot derive a private encryption key from it (the key would be computable by anyone).",
      SMART_ACCOUNT_HINT,
    );
  }
  let signer: Address;
  try {
    signer = await recoverTypedDataAddress({ ...typedData, signature });
  } catch (error) {
    throw new MedLedgerError("UNSUPPORTED_WALLET", "The wallet returned a signature MedLedger cannot check.", SMART_ACCOUNT_HINT, { cause: error });
  }
  if (!isAddressEqual(signer, typedData.message.account)) {
    throw new MedLedgerError(
      "UNSUPPORTED_WALLET",
      "The wallet's signature was not made by the connected account itself (a smart-contract or delegated account).",
      SMART_ACCOUNT_HINT,
    );
  }
}

export interface EncryptionKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

const SALT = new TextEncoder().encode("medledger/identity/v1");
const INFO = new TextEncoder().encode("x25519 encryption key");

/** Derives the key pair from a signature already checked by {@link checkIdentitySignature}. */
export function deriveEncryptionKeyPair(signature: Hex): EncryptionKeyPair {
  const bytes = hexToBytes(signature);
  if (bytes.length !== 65) {
    throw new MedLedgerError("UNSUPPORTED_WALLET", "The wallet returned a signature that is not a plain 65-byte ECDSA signature.", SMART_ACCOUNT_HINT);
  }
  const secretKey = hkdf(sha256, bytes.subarray(0, 64), SALT, INFO, 32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export function publicKeyToHex(publicKey: Uint8Array): Hex {
  return bytesToHex(publicKey);
}

export function hexToPublicKey(hex: Hex): Uint8Array {
  const bytes = hexToBytes(hex);
  if (bytes.length !== 32) throw new MedLedgerError("INVALID_INPUT", "An encryption key must be 32 bytes.", "Check the key.");
  return bytes;
}
