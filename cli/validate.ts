/** Validation of command-line values (addresses, report ids, numbers), with errors that say what to type. */
import { InvalidArgumentError } from "commander";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import { MedLedgerError } from "#core/errors.ts";

const addressSchema = z.string().trim().refine((s) => isAddress(s), "not an address");
const reportIdSchema = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "not a report id");

/** A checksummed address, or a MedLedgerError naming what was expected. */
export function parseAddress(value: string, what: string): Address {
  const result = addressSchema.safeParse(value);
  if (!result.success) {
    if (/^0x[0-9a-fA-F]{40}$/.test(value.trim())) {
      throw new MedLedgerError("INVALID_INPUT", `The ${what} "${value}" has a wrong checksum (its upper/lower case letters do not match): probably a typo.`, "Copy the address again, or give it in all lower case to skip the checksum.");
    }
    throw new MedLedgerError("INVALID_INPUT", `The ${what} "${value}" is not an Ethereum address.`, "Give a 0x-prefixed address of 40 hex digits (mixed case must match its checksum), e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8.");
  }
  return getAddress(result.data);
}

/** A report id (the SHA-256 of the file): 64 hex digits, with or without 0x. */
export function parseReportId(value: string): Hex {
  const result = reportIdSchema.safeParse(value);
  if (!result.success) {
    throw new MedLedgerError("INVALID_INPUT", `"${value}" is not a report id.`, "A report id is the file's SHA-256: 64 hex digits (see `medledger report list`).");
  }
  const clean = result.data.toLowerCase().replace(/^0x/, "");
  return `0x${clean}`;
}

/** commander parser for positive integers (chain id, byte limits). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError("Expected a positive whole number.");
  }
  return n;
}

/** commander parser for http(s) URLs. */
export function httpUrl(value: string): string {
  const result = z.string().url().safeParse(value);
  if (!result.success || !/^https?:\/\//i.test(value)) throw new InvalidArgumentError("Expected an http:// or https:// URL.");
  return value;
}

/** commander parser for contract addresses given as options. */
export function addressOption(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("Expected a 0x-prefixed address of 40 hex digits (with a valid checksum if mixed-case).");
  return getAddress(value);
}
