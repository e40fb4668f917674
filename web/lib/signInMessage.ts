/** The EIP-4361 (Sign-In with Ethereum) message the browser asks the wallet to sign. */
import type { Address } from "viem";
import { createSiweMessage } from "viem/siwe";

/** What POST /api/auth/nonce answers. */
export interface NonceAnswer {
  readonly nonce: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  /** The host the server saw (the message's domain must equal it). */
  readonly domain: string;
  readonly chainId: number;
}

/** The statement shown in the wallet above the sign-in message. */
export const SIGN_IN_STATEMENT = "Sign in to MedLedger.";

/**
 * Builds the message for `address` from the server's nonce answer; `uri` is the page's origin.
 * No expiration time: the server bounds the session itself.
 */
export function buildSignInMessage(nonce: NonceAnswer, address: Address, uri: string): string {
  return createSiweMessage({
    domain: nonce.domain,
    address,
    statement: SIGN_IN_STATEMENT,
    uri,
    version: "1",
    chainId: nonce.chainId,
    nonce: nonce.nonce,
    issuedAt: new Date(nonce.issuedAt),
  });
}
