/**
 * Small data sealed for several readers (patient profiles): AES-256-GCM under a fresh data key,
 * the data key wrapped for each reader with {@link wrapKey}, bound to the `context` label and the
 * reader's address. Serialised as UTF-8 JSON with hex fields: { v, nonce, data, keys: { address: wrapped } }.
 */
import { gcm } from "@noble/ciphers/aes.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";
import * as z from "zod/mini";
import { MedLedgerError } from "../errors.ts";
import { randomBytes } from "./reportCipher.ts";
import { unwrapKey, wrapKey } from "./keyWrap.ts";

export interface SealedReader {
  readonly address: Address;
  readonly publicKey: Uint8Array;
}

const hex = z.string().check(z.regex(/^0x[0-9a-f]*$/));
const sealedSchema = z.object({ v: z.literal(1), nonce: hex, data: hex, keys: z.record(z.string(), hex) });

function contextId(context: string): Hex {
  return bytesToHex(sha256(new TextEncoder().encode(context)));
}

export async function sealForReaders(plaintext: Uint8Array, readers: readonly SealedReader[], context: string): Promise<Uint8Array> {
  if (readers.length === 0)
    throw new MedLedgerError("INVALID_INPUT", "Sealed data needs at least one reader.", "Make sure the patient has published an encryption key.");
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const id = contextId(context);
  const data = gcm(key, nonce, new TextEncoder().encode(context)).encrypt(plaintext);
  const keys: Record<string, Hex> = {};
  for (const reader of readers) {
    const address = reader.address.toLowerCase() as Address;
    keys[address] = bytesToHex(wrapKey(key, reader.publicKey, { reportId: id, reader: address }));
  }
  key.fill(0);
  return new TextEncoder().encode(JSON.stringify({ v: 1, nonce: bytesToHex(nonce), data: bytesToHex(data), keys }));
}

export async function openSealed(sealed: Uint8Array, reader: Address, secretKey: Uint8Array, context: string): Promise<Uint8Array> {
  let parsed: z.infer<typeof sealedSchema>;
  try {
    parsed = sealedSchema.parse(JSON.parse(new TextDecoder().decode(sealed)));
  } catch (error) {
    throw new MedLedgerError(
      "TAMPERED_CIPHERTEXT",
      "The stored profile is damaged or not a MedLedger sealed profile.",
      "Ask the reception to save the profile again.",
      { cause: error },
    );
  }
  const address = reader.toLowerCase() as Address;
  const wrapped = parsed.keys[address];
  if (!wrapped) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "This profile is not readable by your account.",
      "Profiles are readable by the patient, the receptionists and the patient's assigned doctors.",
    );
  }
  const key = unwrapKey(hexToBytes(wrapped as Hex), secretKey, { reportId: contextId(context), reader: address });
  try {
    return gcm(key, hexToBytes(parsed.nonce as Hex), new TextEncoder().encode(context)).decrypt(hexToBytes(parsed.data as Hex));
  } catch (error) {
    throw new MedLedgerError("TAMPERED_CIPHERTEXT", "The stored profile was altered and cannot be decrypted.", "Ask the reception to save the profile again.", {
      cause: error,
    });
  }
}
