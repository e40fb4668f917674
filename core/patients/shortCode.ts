/**
 * The short form of a registration code, for the reception to type: 8 characters of Crockford's
 * base32 (no I, L, O or U; typing O for 0 or I/L for 1 is forgiven) taken from the SHA-256 of the
 * full code. The server keeps the full code under its short code for a day, but it does not
 * choose the short code: the reception's browser checks that the full code it gets back hashes to
 * the short code typed, so a server that swaps codes is caught (short of finding a second signed
 * code with the same 40-bit prefix; the receptionist also confirms the patient's address shown).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { base32crockford } from "@scure/base";
import { MedLedgerError } from "../errors.ts";
import { formatShortCode, SHORT_CODE_LENGTH } from "./shortCodeText.ts";

export { formatShortCode, normalizeShortCode, SHORT_CODE_LENGTH, SHORT_CODE_TTL_SECONDS } from "./shortCodeText.ts";

/** The short code of a full registration code (as its text, surrounding spaces ignored). */
export function shortCodeOf(code: string): string {
  return base32crockford.encode(sha256(new TextEncoder().encode(code.trim()))).slice(0, SHORT_CODE_LENGTH);
}

/** Throws unless `code` is the registration code the short code `short` was made from. */
export function checkShortCode(short: string, code: string): void {
  if (shortCodeOf(code) === short) return;
  throw new MedLedgerError(
    "SHORT_CODE_MISMATCH",
    `The server answered short code ${formatShortCode(short)} with a registration code that does not belong to it.`,
    "Do not register with it: scan the patient's QR code or paste their full registration code instead, and tell the hospital's IT.",
  );
}
