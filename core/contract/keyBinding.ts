/**
 * The EIP-712 message by which an account binds its X25519 encryption key (at a key version) to
 * its address, so that someone else (the receptionist, a relayer) can publish it on the account's
 * behalf. Matches `EncryptionKeyRegistry.ENCRYPTION_KEY_TYPEHASH`; the domain binds chain and
 * contract, the nonce makes it good once, the deadline bounds how long it stays good.
 */
import type { Address, Hex, TypedDataDefinition } from "viem";
import type { Deployment } from "./ledger.ts";

export const keyBindingTypes = {
  EncryptionKey: [
    { name: "account", type: "address" },
    { name: "key", type: "bytes32" },
    { name: "version", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export interface KeyBindingMessage {
  readonly account: Address;
  readonly key: Hex;
  /** The key version being published: the account's current version + 1 (1 for a first key). */
  readonly version: number;
  readonly nonce: bigint;
  /** Last valid Unix second of the signature. */
  readonly deadline: bigint;
}

export function keyBindingTypedData(deployment: Deployment, message: KeyBindingMessage): TypedDataDefinition<typeof keyBindingTypes, "EncryptionKey"> {
  return {
    domain: { name: "MedLedger", version: "1", chainId: deployment.chainId, verifyingContract: deployment.address },
    types: keyBindingTypes,
    primaryType: "EncryptionKey",
    message: { ...message },
  };
}
