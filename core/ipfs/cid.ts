/** CIDs travel as strings (bafy…) everywhere but on chain, where their binary form is cheaper. */
import { CID } from "multiformats/cid";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { MedLedgerError } from "../errors.ts";
import { parseCid } from "./parseCid.ts";

export function cidToBytes(cid: string): Uint8Array {
  return CID.parse(parseCid(cid)).bytes;
}

export function cidToHex(cid: string): Hex {
  return bytesToHex(cidToBytes(cid));
}

export function cidFromBytes(bytes: Uint8Array | Hex): string {
  const raw = typeof bytes === "string" ? hexToBytes(bytes) : bytes;
  try {
    return CID.decode(raw).toString();
  } catch (error) {
    throw new MedLedgerError("INVALID_INPUT", "The stored IPFS reference is not a valid CID.", "The record may be damaged; contact the administrator.", {
      cause: error,
    });
  }
}
