/**
 * The EIP-712 message by which an account binds its X25519 encryption key to its address, so that
 * someone else (the receptionist) can publish it on the account's behalf. Matches
 * `EncryptionKeyRegistry.ENCRYPTION_KEY_TYPEHASH`; the domain binds chain and contract.
 */
import type { Address, Hex, TypedDataDefinition } from "viem";
import type { Deployment } from "./ledger.ts";

export const keyBindingTypes = {
  EncryptionKey: [
    { name: "account", type: "address" },
    { name: "key", type: "bytes32" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

export function keyBindingTypedData(
  deployment: Deployment,
  message: { account: Address; key: Hex; nonce: bigint },
): TypedDataDefinition<typeof keyBindingTypes, "EncryptionKey"> {
  return {
    domain: { name: "MedLedger", version: "1", chainId: deployment.chainId, verifyingContract: deployment.address },
    types: keyBindingTypes,
    primaryType: "EncryptionKey",
    message,
  };
}
