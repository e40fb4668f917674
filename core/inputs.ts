/**
 * The plain (zod-free) half of core/validation.ts: the rules for account addresses, digests
 * (SHA-1, SHA-256) and report ids as `parse…` functions that throw MedLedgerError INVALID_INPUT
 * with a message a person understands. It imports nothing heavier than viem, so a page that only
 * checks what people type or paste (the verify page, an address field) does not load zod; the zod
 * schemas built on these rules, and every other rule, are in core/validation.ts (which re-exports
 * this module, so importers of core/validation.ts see one module).
 *
 * Addresses: surrounding spaces are trimmed, all-lower and all-upper case are accepted, mixed case
 * must match the EIP-55 checksum (a wrong one is almost always a typo); the result is checksummed.
 * Digests: 40 (SHA-1) or 64 (SHA-256) hex digits, with or without 0x, any case; the result is
 * 0x-prefixed lower case.
 */
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { MedLedgerError } from "./errors.ts";

export type DigestKind = "sha1" | "sha256";

export interface ParsedDigest {
  readonly kind: DigestKind;
  /** 0x + lower-case hex. */
  readonly value: Hex;
}

export const ADDRESS_FORMAT_MESSAGE = "Enter an account address: 0x followed by 40 hexadecimal digits";
export const ADDRESS_CHECKSUM_MESSAGE =
  "This address has a wrong checksum (its upper/lower case letters do not match): probably a typo; copy it again, or give it in all lower case";

export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
const DIGEST_DIGITS: Readonly<Record<DigestKind, number>> = { sha1: 40, sha256: 64 };
const DIGEST_NAME: Readonly<Record<DigestKind, string>> = { sha1: "SHA-1", sha256: "SHA-256" };

/** Single-case hex carries no checksum; mixed case must be the EIP-55 checksum. `text` has the address pattern. */
export function checksumHolds(text: string): boolean {
  const body = text.slice(2);
  return body === body.toLowerCase() || body === body.toUpperCase() || isAddress(text, { strict: true });
}

/** What is wrong with `text` as an address, or its checksummed form. */
function checkAddress(text: string): { ok: true; value: Address } | { ok: false; problem: "format" | "checksum" } {
  const clean = text.trim();
  if (!ADDRESS_PATTERN.test(clean)) return { ok: false, problem: "format" };
  if (!checksumHolds(clean)) return { ok: false, problem: "checksum" };
  return { ok: true, value: getAddress(clean.toLowerCase()) };
}

/** What is wrong with `text` as an address (a form field's message), or undefined when it is one. */
export function addressProblem(text: string): string | undefined {
  const checked = checkAddress(text);
  if (checked.ok) return undefined;
  return checked.problem === "format" ? ADDRESS_FORMAT_MESSAGE : ADDRESS_CHECKSUM_MESSAGE;
}

/** A checksummed address, or INVALID_INPUT naming `what` was expected ("patient", "doctor", …). */
export function parseAddress(text: string, what: string = "address"): Address {
  const checked = checkAddress(text);
  if (checked.ok) return checked.value;
  if (checked.problem === "checksum") {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `The ${what} "${text}" has a wrong checksum (its upper/lower case letters do not match): probably a typo.`,
      "Copy the address again, or give it in all lower case to skip the checksum.",
    );
  }
  throw new MedLedgerError(
    "INVALID_INPUT",
    `The ${what} "${text}" is not an Ethereum address.`,
    "Give a 0x-prefixed address of 40 hex digits (mixed case must match its checksum), e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8.",
  );
}

/** The digest in `text` (40 or 64 hex digits, 0x optional, any case), or undefined. */
export function digestOf(text: string): ParsedDigest | undefined {
  const clean = text.trim().toLowerCase().replace(/^0x/, "");
  if (/^[0-9a-f]{40}$/.test(clean)) return { kind: "sha1", value: `0x${clean}` };
  if (/^[0-9a-f]{64}$/.test(clean)) return { kind: "sha256", value: `0x${clean}` };
  return undefined;
}

/** A pasted digest: 40 hex digits → SHA-1, 64 → SHA-256. */
export function parseDigest(text: string): ParsedDigest {
  const digest = digestOf(text);
  if (digest) return digest;
  throw new MedLedgerError(
    "INVALID_INPUT",
    "That is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) digest.",
    "Paste the digest exactly as shown on the report's verification link.",
  );
}

/** A digest that must be of `kind`; another kind is named in the error (so the user can look it up as that). */
export function parseDigestOf(kind: DigestKind, text: string): Hex {
  const digest = parseDigest(text);
  if (digest.kind === kind) return digest.value;
  throw new MedLedgerError(
    "INVALID_INPUT",
    `A ${DIGEST_NAME[kind]} digest has ${DIGEST_DIGITS[kind]} hex digits; this one has ${DIGEST_DIGITS[digest.kind]}, a ${DIGEST_NAME[digest.kind]} digest.`,
    `Look it up as a ${DIGEST_NAME[digest.kind]} digest instead.`,
  );
}

export const parseSha1 = (text: string): Hex => parseDigestOf("sha1", text);
export const parseSha256 = (text: string): Hex => parseDigestOf("sha256", text);

/** A report id (a claim id, core/reports/claimId.ts): 64 hex digits, with or without 0x. */
export function parseReportId(text: string): Hex {
  const digest = digestOf(text);
  if (digest?.kind === "sha256") return digest.value;
  throw new MedLedgerError(
    "INVALID_INPUT",
    `"${text}" is not a report id.`,
    "A report id has 64 hex digits, as listed with the report (medledger report list).",
  );
}
