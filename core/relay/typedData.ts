/**
 * The EIP-712 messages by which an account (typically a patient without ETH) authorises an action
 * that anyone — the hospital's relayer — submits: exactly the contract's type strings
 * (`GRANT_ACCESS_TYPEHASH`, `REVOKE_ACCESS_TYPEHASH`, `REKEY_REPORT_TYPEHASH`; the key binding
 * `ENCRYPTION_KEY_TYPEHASH`, for publication and rotation, is core/contract/keyBinding.ts), under the
 * domain ("MedLedger", "1", chain id, contract). Every message carries the account's current
 * `nonces(account)` (all actions share it) and a deadline.
 */
import type { Address, Hex, TypedDataDefinition } from "viem";
import type { Deployment } from "../contract/ledger.ts";

export const grantAccessTypes = {
  GrantAccess: [
    { name: "patient", type: "address" },
    { name: "reader", type: "address" },
    { name: "reportIds", type: "bytes32[]" },
    { name: "wrappedKeys", type: "bytes[]" },
    { name: "expiresAt", type: "uint40" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export const revokeAccessTypes = {
  RevokeAccess: [
    { name: "patient", type: "address" },
    { name: "reader", type: "address" },
    { name: "reportId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export const rekeyReportTypes = {
  RekeyReport: [
    { name: "account", type: "address" },
    { name: "reportId", type: "bytes32" },
    { name: "cid", type: "bytes" },
    { name: "patientKey", type: "bytes" },
    { name: "doctorKey", type: "bytes" },
    { name: "custodianKey", type: "bytes" },
    { name: "readers", type: "address[]" },
    { name: "readerKeys", type: "bytes[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The domain every MedLedger signature is made under. */
export function medLedgerDomain(deployment: Deployment) {
  return { name: "MedLedger", version: "1", chainId: deployment.chainId, verifyingContract: deployment.address } as const;
}

/** What every signed message ends with. */
export interface Replay {
  readonly nonce: bigint;
  /** Last valid Unix second. */
  readonly deadline: bigint;
}

export interface GrantAccessMessage extends Replay {
  readonly patient: Address;
  readonly reader: Address;
  readonly reportIds: readonly Hex[];
  readonly wrappedKeys: readonly Hex[];
  /** Unix seconds, 0 = no expiry. */
  readonly expiresAt: number;
}

export interface RevokeAccessMessage extends Replay {
  readonly patient: Address;
  readonly reader: Address;
  /** The report, or zero for everything shared with `reader`. */
  readonly reportId: Hex;
}

export interface RekeyReportMessage extends Replay {
  readonly account: Address;
  readonly reportId: Hex;
  readonly cid: Hex;
  readonly patientKey: Hex;
  readonly doctorKey: Hex;
  readonly custodianKey: Hex;
  readonly readers: readonly Address[];
  readonly readerKeys: readonly Hex[];
}

export function grantAccessTypedData(deployment: Deployment, message: GrantAccessMessage): TypedDataDefinition<typeof grantAccessTypes, "GrantAccess"> {
  return {
    domain: medLedgerDomain(deployment),
    types: grantAccessTypes,
    primaryType: "GrantAccess",
    message: { ...message, reportIds: [...message.reportIds], wrappedKeys: [...message.wrappedKeys] },
  };
}

export function revokeAccessTypedData(deployment: Deployment, message: RevokeAccessMessage): TypedDataDefinition<typeof revokeAccessTypes, "RevokeAccess"> {
  return { domain: medLedgerDomain(deployment), types: revokeAccessTypes, primaryType: "RevokeAccess", message: { ...message } };
}

export function rekeyReportTypedData(deployment: Deployment, message: RekeyReportMessage): TypedDataDefinition<typeof rekeyReportTypes, "RekeyReport"> {
  return {
    domain: medLedgerDomain(deployment),
    types: rekeyReportTypes,
    primaryType: "RekeyReport",
    message: { ...message, readers: [...message.readers], readerKeys: [...message.readerKeys] },
  };
}
