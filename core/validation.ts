/**
 * The one rule for the values people type or paste: account addresses, digests (SHA-1, SHA-256),
 * report ids and IPFS CIDs. Each comes as a zod/mini schema (for forms and request bodies; the
 * server's full zod accepts them inside its own objects) and as a `parse…` function that throws
 * MedLedgerError INVALID_INPUT with a message a person understands.
 *
 * Addresses: surrounding spaces are trimmed, all-lower and all-upper case are accepted, mixed case
 * must match the EIP-55 checksum (a wrong one is almost always a typo); the result is checksummed.
 * Digests: 40 (SHA-1) or 64 (SHA-256) hex digits, with or without 0x, any case; the result is
 * 0x-prefixed lower case.
 */
import { CID } from "multiformats/cid";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import * as z from "zod/mini";
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

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
const DIGEST_DIGITS: Readonly<Record<DigestKind, number>> = { sha1: 40, sha256: 64 };
const DIGEST_NAME: Readonly<Record<DigestKind, string>> = { sha1: "SHA-1", sha256: "SHA-256" };

/** Single-case hex carries no checksum; mixed case must be the EIP-55 checksum. `text` has the address pattern. */
function checksumHolds(text: string): boolean {
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

/** An account address (trimmed; mixed case must match its checksum) → the checksummed address. */
export const addressSchema = z.pipe(
  z.string().check(z.trim(), z.regex(ADDRESS_PATTERN, { error: ADDRESS_FORMAT_MESSAGE, abort: true }), z.refine(checksumHolds, ADDRESS_CHECKSUM_MESSAGE)),
  z.transform((value: string): Address => getAddress(value.toLowerCase())),
);

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
function digestOf(text: string): ParsedDigest | undefined {
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

const digestSchema = (kind: DigestKind, message: string) =>
  z.pipe(
    z.string().check(z.refine((value) => digestOf(value)?.kind === kind, message)),
    z.transform((value: string): Hex => (digestOf(value) as ParsedDigest).value),
  );

export const sha1Schema = digestSchema("sha1", "a SHA-1 digest: 40 hex digits");
export const sha256Schema = digestSchema("sha256", "a SHA-256 digest: 64 hex digits");
/** A report id, strictly 0x-prefixed (as APIs carry it) → lower case. */
export const reportIdSchema = z.pipe(
  z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/, "a 0x-prefixed 32-byte report id")),
  z.transform((value: string): Hex => value.toLowerCase() as Hex),
);

/** An IPFS CID (v0 or v1) → its canonical string form. */
export function parseCid(text: string): string {
  try {
    return CID.parse(text.trim()).toString();
  } catch (error) {
    throw new MedLedgerError("INVALID_INPUT", `"${text}" is not a valid IPFS CID.`, "Check the CID (it starts with bafy… or Qm…).", { cause: error });
  }
}

export const cidSchema = z.pipe(
  z.string().check(
    z.refine((value) => {
      try {
        CID.parse(value.trim());
        return true;
      } catch {
        return false;
      }
    }, "an IPFS CID"),
  ),
  z.transform((value: string) => CID.parse(value.trim()).toString()),
);

/**
 * The fields people type about a person (a patient's profile): each message says what is wrong
 * and what is allowed, in words ("at most 120 characters"), never "Invalid input".
 */
export const atMostCharacters = (what: string, max: number): string => `${what} can have at most ${max} characters`;

/** Today as YYYY-MM-DD (UTC). */
function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Whether `text` (YYYY-MM-DD) names a day that exists (not 2023-02-30). */
function isCalendarDay(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export const DATE_OF_BIRTH_FORMAT_MESSAGE = "Enter the date of birth as a real date, year-month-day (e.g. 1984-07-23)";
export const DATE_OF_BIRTH_FUTURE_MESSAGE = "The date of birth cannot be in the future";
export const DATE_OF_BIRTH_TOO_EARLY_MESSAGE = "The date of birth is before 1900: check the year";
export const EMAIL_FORMAT_MESSAGE = "Enter an email address like name@example.org, or leave it empty";

/** A person's full name: required, at most `max` characters. */
export const personNameSchema = (max = 120) =>
  z.string().check(z.trim(), z.minLength(1, { error: "Enter the patient's full name", abort: true }), z.maxLength(max, atMostCharacters("The name", max)));

/** A date of birth, YYYY-MM-DD (what a date field gives), not in the future; or empty. */
export const dateOfBirthSchema = z.string().check(
  z.trim(),
  z.refine((v) => v === "" || (/^\d{4}-\d{2}-\d{2}$/.test(v) && isCalendarDay(v)), { error: DATE_OF_BIRTH_FORMAT_MESSAGE, abort: true }),
  z.refine((v) => v === "" || v <= todayIso(), { error: DATE_OF_BIRTH_FUTURE_MESSAGE, abort: true }),
  z.refine((v) => v === "" || v >= "1900-01-01", DATE_OF_BIRTH_TOO_EARLY_MESSAGE),
);

/** An email address, or empty. */
export const emailSchema = (max = 120) =>
  z.string().check(
    z.trim(),
    z.maxLength(max, { error: atMostCharacters("The email address", max), abort: true }),
    z.refine((v) => v === "" || z.regexes.email.test(v), EMAIL_FORMAT_MESSAGE),
  );

/** A free-text field of at most `max` characters (may be empty). */
export const freeTextSchema = (what: string, max: number) => z.string().check(z.trim(), z.maxLength(max, atMostCharacters(what, max)));
