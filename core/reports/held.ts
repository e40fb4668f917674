/**
 * Results held for review (contracts/registry/ResultRelease.sol): how the contract's `heldUntil`
 * reads, and the one refusal a patient meets opening a held result. Small, for lists.
 */
import { MedLedgerError } from "../errors.ts";

/** The contract's "no automatic release: only the doctor releases it" (`type(uint40).max`). */
const NO_AUTOMATIC_RELEASE = 2 ** 40 - 1;

/** The contract's `heldUntil` as a record keeps it: null when not held (or released), Infinity when only the doctor releases it. */
export function heldUntilOf(value: number | bigint | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const seconds = Number(value);
  if (seconds === 0) return null;
  return seconds === NO_AUTOMATIC_RELEASE ? Number.POSITIVE_INFINITY : seconds;
}

/** A time as the messages give it: `2026-12-05 09:30 UTC`. */
function timeText(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/:\d{2}\.\d+Z$/, " UTC");
}

/** When a held result opens for its patient, in words: "on 2026-12-05 09:30 UTC" or "when your doctor releases it". */
export function releaseWhenText(heldUntil: number): string {
  return Number.isFinite(heldUntil) ? `on ${timeText(heldUntil)}` : "when your doctor releases it";
}

/** What the patient (or anyone but its doctor) meets opening the held result `record`. */
export function heldResultError(record: { readonly heldUntil?: number | null }): MedLedgerError {
  const heldUntil = record.heldUntil ?? Number.POSITIVE_INFINITY;
  return new MedLedgerError(
    "RESULT_HELD",
    `This result is being reviewed by your doctor. It will be released ${releaseWhenText(heldUntil)}.`,
    Number.isFinite(heldUntil)
      ? "Nothing to do: it opens here once released. Your doctor may release it sooner."
      : "Nothing to do: it opens here once your doctor releases it. Ask your doctor if you are waiting for it.",
  );
}
