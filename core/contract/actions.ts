/**
 * The account actions that can be sent either as the account's own transaction or, signed by the
 * account, by a relayer (core/relay/): share (a batch), revoke (one report or all), re-key a report,
 * publish or rotate an encryption key. An action is plain JSON-serialisable data (no bigint), so
 * it can be shown to the user, signed, stored and carried to a relay service unchanged.
 */
import type { Address, Hex } from "viem";
import { zeroHash } from "viem";
import { writeLedger, type WriteResult } from "./calls.ts";
import type { LedgerWriter } from "./ledger.ts";

/** A batch grant as `grantAccessBatch` takes it. */
export interface GrantInput {
  readonly reader: Address;
  readonly reportIds: readonly Hex[];
  /** Each report's current key wrapped for `reader`, in the same order. */
  readonly wrappedKeys: readonly Hex[];
  /** New expiry of everything the patient shares with `reader`, Unix seconds; 0 = none. */
  readonly expiresAt: number;
}

/** A new version of a report's encryption as `rekeyReport` takes it. */
export interface RekeyInput {
  readonly reportId: Hex;
  /** Binary CID of the re-encrypted file. */
  readonly cid: Hex;
  readonly patientKey: Hex;
  readonly doctorKey: Hex;
  /** The new key wrapped for the hospital's records custodian ("0x" if it has none). */
  readonly custodianKey: Hex;
  /** Readers keeping access (each holds a current grant), and the new key wrapped for each. */
  readonly readers: readonly Address[];
  readonly readerKeys: readonly Hex[];
}

export type LedgerAction =
  | { readonly kind: "grant"; readonly grant: GrantInput }
  /** `reportId` null: revoke everything shared with `reader`. */
  | { readonly kind: "revoke"; readonly reader: Address; readonly reportId: Hex | null }
  | { readonly kind: "rekey"; readonly rekey: RekeyInput }
  /** Publishes (version 1) or rotates to (current + 1) the account's X25519 public key. */
  | { readonly kind: "encryptionKey"; readonly key: Hex; readonly version: number };

/** Sends an action on behalf of its account: directly, or signed and relayed (core/relay/relay.ts). */
export type ActionSender = (action: LedgerAction) => Promise<WriteResult>;

export function grantArgs(grant: GrantInput) {
  return { reader: grant.reader, reportIds: [...grant.reportIds], wrappedKeys: [...grant.wrappedKeys], expiresAt: grant.expiresAt } as const;
}

export function rekeyArgs(rekey: RekeyInput) {
  return { ...rekey, readers: [...rekey.readers], readerKeys: [...rekey.readerKeys] } as const;
}

/** The zero report id of a signed "revoke everything". */
export function revokedReportId(reportId: Hex | null): Hex {
  return reportId ?? zeroHash;
}

/** Sends `action` as `ledger`'s own transaction (the account pays the gas). */
export async function sendAction(ledger: LedgerWriter, action: LedgerAction): Promise<WriteResult> {
  switch (action.kind) {
    case "grant":
      return writeLedger(ledger, "grantAccessBatch", [grantArgs(action.grant)]);
    case "revoke":
      return action.reportId === null
        ? writeLedger(ledger, "revokeAllAccess", [action.reader])
        : writeLedger(ledger, "revokeAccess", [action.reportId, action.reader]);
    case "rekey":
      return writeLedger(ledger, "rekeyReport", [rekeyArgs(action.rekey)]);
    case "encryptionKey":
      return action.version === 1
        ? writeLedger(ledger, "publishEncryptionKey", [action.key])
        : writeLedger(ledger, "rotateEncryptionKey", [action.key, action.version]);
  }
}

/** The sender of `ledger`'s own transactions. */
export function directSender(ledger: LedgerWriter): ActionSender {
  return (action) => sendAction(ledger, action);
}
