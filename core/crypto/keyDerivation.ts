/**
 * A user's X25519 key pair, derived deterministically from their wallet's signature over a fixed
 * EIP-712 message whose domain binds the chain and the MedLedger contract: nothing to back up but
 * the wallet. Relies on deterministic ECDSA (RFC 6979), which every mainstream wallet uses; only
 * r‖s of the signature enter the derivation, so wallets that encode v as 0/1 or 27/28 agree.
 * Whoever obtains this signature can derive the key: it must only ever be signed on MedLedger.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, type Address, type Hex, type TypedDataDefinition } from "viem";
import { MedLedgerError } from "../errors.ts";

export const IDENTITY_STATEMENT =
  "Unlock my MedLedger encryption key. Sign this only in the MedLedger app: anyone holding this signature can read my medical reports.";

export const identityTypes = {
  EncryptionIdentity: [
    { name: "statement", type: "string" },
    { name: "account", type: "address" },
  ],
} as const;

/** The EIP-712 message a user signs to unlock their encryption key on this chain and contract. */
export function encryptionIdentityTypedData(
  chainId: number,
  contract: Address,
  account: Address,
): TypedDataDefinition<typeof identityTypes, "EncryptionIdentity"> {
  return {
    domain: { name: "MedLedger", version: "1", chainId, verifyingContract: contract },
    types: identityTypes,
    primaryType: "EncryptionIdentity",
    message: { statement: IDENTITY_STATEMENT, account },
  };
}

export interface EncryptionKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

const SALT = new TextEncoder().encode("medledger/identity/v1");
const INFO = new TextEncoder().encode("x25519 encryption key");

export function deriveEncryptionKeyPair(signature: Hex): EncryptionKeyPair {
  const bytes = hexToBytes(signature);
  if (bytes.length < 64) {
    throw new MedLedgerError("INVALID_INPUT", "The wallet returned a malformed signature.", "Retry, or try another wallet.");
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
