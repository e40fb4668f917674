/**
 * The IPFS CID rule (v0 or v1), apart from core/validation.ts so that code which only checks CIDs
 * (the browser's gateway store) loads multiformats but not zod. core/validation.ts re-exports it.
 */
import { CID } from "multiformats/cid";
import { MedLedgerError } from "../errors.ts";

/** An IPFS CID (v0 or v1) → its canonical string form. */
export function parseCid(text: string): string {
  try {
    return CID.parse(text.trim()).toString();
  } catch (error) {
    throw new MedLedgerError("INVALID_INPUT", `"${text}" is not a valid IPFS CID.`, "Check the CID (it starts with bafy… or Qm…).", { cause: error });
  }
}
