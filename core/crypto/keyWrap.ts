/**
 * Wrapping a 32-byte report key for one reader's X25519 public key (ECIES-style): a fresh
 * ephemeral X25519 key, HKDF-SHA256 over the shared secret (salted with both public keys) to a
 * key-encryption key, AES-256-GCM over the report key with the context — report id and reader
 * address — as associated data, so a wrapped key cannot be replayed for another report or reader.
 *
 * The nonce is fixed (zero): each key-encryption key comes from a fresh ephemeral key and
 * encrypts exactly one message, so a (key, nonce) pair is never reused. That keeps the wrapped
 * key at 80 bytes (ephemeral public key 32 ‖ ciphertext 32 ‖ tag 16): it travels in calldata.
 */
import { gcm } from "@noble/ciphers/aes.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, hexToBytes, type Address, type Hex } from "viem";
import { MedLedgerError } from "../errors.ts";
import { parseAddress, parseReportId } from "../inputs.ts";

export const WRAPPED_KEY_BYTES = 80;
const INFO = new TextEncoder().encode("medledger/key-wrap/v1");
const ZERO_NONCE = new Uint8Array(12);

export interface WrapContext {
  /** The report (or sealed object) the key belongs to. */
  readonly reportId: Hex;
  /** The account the key is wrapped for. */
  readonly reader: Address;
}

/** label ‖ report id (32 bytes) ‖ reader (20 bytes): fixed widths, so no two contexts encode alike. */
function associatedData(context: WrapContext): Uint8Array {
  const reportId = parseReportId(context.reportId);
  const reader = parseAddress(context.reader, "reader");
  return concatBytes([INFO, hexToBytes(reportId), hexToBytes(reader.toLowerCase() as Hex)]);
}

function keyEncryptionKey(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes([ephemeralPublic, recipientPublic]), INFO, 32);
}

/** Wraps `reportKey` so that only the holder of `recipientPublicKey`'s secret key, as `context.reader`, can unwrap it. */
export function wrapKey(reportKey: Uint8Array, recipientPublicKey: Uint8Array, context: WrapContext): Uint8Array {
  if (reportKey.length !== 32) throw new MedLedgerError("INVALID_INPUT", "A report key must be 32 bytes.", "This is a bug; please report it.");
  if (recipientPublicKey.length !== 32)
    throw new MedLedgerError("NO_ENCRYPTION_KEY", "The reader's encryption key is not a 32-byte X25519 key.", "Ask the reader to publish their key again.");
  const aad = associatedData(context);
  const ephemeral = x25519.utils.randomSecretKey();
  const ephemeralPublic = x25519.getPublicKey(ephemeral);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ephemeral, recipientPublicKey);
  } catch (error) {
    // noble refuses low-order points (an all-zero shared secret): such a "key" protects nothing.
    throw new MedLedgerError(
      "NO_ENCRYPTION_KEY",
      "The reader's published encryption key is not a valid X25519 public key.",
      "Ask the reader to unlock their key in MedLedger again, which republishes it.",
      { cause: error },
    );
  }
  const kek = keyEncryptionKey(shared, ephemeralPublic, recipientPublicKey);
  const sealed = gcm(kek, ZERO_NONCE, aad).encrypt(reportKey);
  ephemeral.fill(0);
  kek.fill(0);
  return concatBytes([ephemeralPublic, sealed]);
}

/** Unwraps a key wrapped for `context.reader` with that reader's X25519 secret key. */
export function unwrapKey(wrapped: Uint8Array, recipientSecretKey: Uint8Array, context: WrapContext): Uint8Array {
  if (wrapped.length !== WRAPPED_KEY_BYTES) {
    throw new MedLedgerError("WRONG_KEY", "The wrapped report key is damaged (wrong length).", "Ask the patient to share the report again.");
  }
  const ephemeralPublic = wrapped.subarray(0, 32);
  const aad = associatedData(context);
  try {
    const recipientPublic = x25519.getPublicKey(recipientSecretKey);
    const shared = x25519.getSharedSecret(recipientSecretKey, ephemeralPublic);
    const kek = keyEncryptionKey(shared, ephemeralPublic, recipientPublic);
    const key = gcm(kek, ZERO_NONCE, aad).decrypt(wrapped.subarray(32));
    kek.fill(0);
    return key;
  } catch (error) {
    throw new MedLedgerError(
      "WRONG_KEY",
      "Your encryption key cannot open this report's key: it was wrapped for another account or another report.",
      "Make sure you are signed in with the account the report was issued or shared to, on the right network.",
      { cause: error },
    );
  }
}
