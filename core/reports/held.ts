/**
 * Results held for review (contracts/registry/ResultRelease.sol): how the contract's `heldUntil`
 * reads. Dependency-free, for lists.
 */

/** The contract's "no automatic release: only the doctor releases it" (`type(uint40).max`). */
const NO_AUTOMATIC_RELEASE = 2 ** 40 - 1;

/** The contract's `heldUntil` as a record keeps it: null when not held (or released), Infinity when only the doctor releases it. */
export function heldUntilOf(value: number | bigint | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const seconds = Number(value);
  if (seconds === 0) return null;
  return seconds === NO_AUTOMATIC_RELEASE ? Number.POSITIVE_INFINITY : seconds;
}
