/**
 * commander parsers for command-line values (numbers, URLs, addresses), with errors that say what
 * to type. Addresses, digests and report ids follow the core's one rule (core/validation.ts).
 */
import { InvalidArgumentError } from "commander";
import { z } from "zod";
import { MedLedgerError } from "#core/errors.ts";
import { parseAddress } from "#core/validation.ts";

/** commander parser for positive integers (chain id, byte limits). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError("Expected a positive whole number.");
  }
  return n;
}

/** commander parser for whole numbers from 0 (block numbers). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("Expected a whole number (0 or more).");
  return n;
}

/** commander parser for http(s) URLs. */
export function httpUrl(value: string): string {
  const result = z.string().url().safeParse(value);
  if (!result.success || !/^https?:\/\//i.test(value)) throw new InvalidArgumentError("Expected an http:// or https:// URL.");
  return value;
}

/** commander parser for contract addresses given as options: the core's address rule, as commander's error. */
export function addressOption(value: string): string {
  try {
    return parseAddress(value, "address");
  } catch (error) {
    if (error instanceof MedLedgerError) throw new InvalidArgumentError(`${error.message} ${error.hint}`);
    throw error;
  }
}
