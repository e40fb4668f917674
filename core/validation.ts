/**
 * The one rule for the values people type or paste: account addresses, digests (SHA-1, SHA-256),
 * report ids and IPFS CIDs. Each comes as a zod/mini schema (for forms and request bodies; the
 * server's full zod accepts them inside its own objects) and as a `parse…` function that throws
 * MedLedgerError INVALID_INPUT with a message a person understands.
 *
 * The `parse…` functions live in core/inputs.ts (addresses, digests, report ids) and
 * core/ipfs/parseCid.ts (CIDs), which do not import zod, so the browser can check an address
 * or a digest without loading zod; this module re-exports them and adds the schemas.
 */
import { CID } from "multiformats/cid";
import { getAddress, type Address, type Hex } from "viem";
import * as z from "zod/mini";
import { ADDRESS_CHECKSUM_MESSAGE, ADDRESS_FORMAT_MESSAGE, ADDRESS_PATTERN, checksumHolds, digestOf, type DigestKind, type ParsedDigest } from "./inputs.ts";

export * from "./inputs.ts";
export { parseCid } from "./ipfs/parseCid.ts";

/** An account address (trimmed; mixed case must match its checksum) → the checksummed address. */
export const addressSchema = z.pipe(
  z.string().check(z.trim(), z.regex(ADDRESS_PATTERN, { error: ADDRESS_FORMAT_MESSAGE, abort: true }), z.refine(checksumHolds, ADDRESS_CHECKSUM_MESSAGE)),
  z.transform((value: string): Address => getAddress(value.toLowerCase())),
);

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
