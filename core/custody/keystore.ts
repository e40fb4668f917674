/**
 * The records custodian's key, behind the one operation the hospital needs from it: re-wrapping a
 * report key that was wrapped for the custodian into one wrapped for another reader — the report
 * key itself never leaves the keystore (the shape of a KMS "re-encrypt" call or an HSM's
 * unwrap-then-wrap inside the device).
 *
 * The keystore is not where the policy lives: core/custody/rewrap.ts asks the chain first (the
 * recipient must be allowed to read the report, and the wrap is addressed to the key the recipient
 * published on chain) and publishes every re-wrap on chain. An HSM/KMS implementation would add
 * its own audit log and access policy in front of {@link CustodianKeystore.rewrap}.
 */
import type { Address } from "viem";
import { x25519 } from "@noble/curves/ed25519.js";
import { unwrapKey, wrapKey, type WrapContext } from "../crypto/keyWrap.ts";

export interface CustodianKeystore {
  /** The custodian's account on chain (its key is published there). */
  readonly account: Address;
  /** The custodian's X25519 public key. */
  readonly publicKey: Uint8Array;
  /**
   * `wrapped` (a report key wrapped for the custodian, as `from` says) re-wrapped for
   * `recipientPublicKey` as `to` says. Fails (WRONG_KEY) if `wrapped` is not for this keystore.
   */
  rewrap(wrapped: Uint8Array, from: WrapContext, recipientPublicKey: Uint8Array, to: WrapContext): Promise<Uint8Array>;
}

/**
 * A keystore holding the X25519 secret in process memory: for a local stack, tests and small
 * deployments that keep the secret in a protected file or secret manager. The secret is copied in
 * and never returned.
 */
export function softwareKeystore(account: Address, secretKey: Uint8Array): CustodianKeystore {
  const secret = Uint8Array.from(secretKey);
  const publicKey = x25519.getPublicKey(secret);
  return {
    account,
    publicKey,
    async rewrap(wrapped, from, recipientPublicKey, to) {
      const reportKey = unwrapKey(wrapped, secret, from);
      try {
        return wrapKey(reportKey, recipientPublicKey, to);
      } finally {
        reportKey.fill(0);
      }
    },
  };
}
