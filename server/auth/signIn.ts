/**
 * Sign-in with Ethereum (EIP-4361) via the `siwe` package: the message must name this server's
 * host as domain and the configured chain, carry a nonce this server issued (used once), be
 * within its validity window and be signed by its address.
 */
import { SiweMessage, type SiweResponse } from "siwe";
import { getAddress, type Address } from "viem";
import { z } from "zod";
import type { Roles } from "#core/accounts/roles.ts";
import { MedLedgerError } from "#core/errors.ts";
import type { ServerContext } from "../context.ts";
import { consumeNonce } from "./nonces.ts";
import { createSession, type SessionRecord } from "./sessions.ts";

export const signInRequestSchema = z.object({
  message: z.string().min(1).max(4096),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "a 0x-prefixed hex signature"),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export interface SignInOrigin {
  /** The request's Host (e.g. "localhost:3000"): the message's domain must equal it. */
  readonly host: string;
  /** "http" or "https"; checked when the message states a scheme. */
  readonly scheme: string;
}

export interface SignInResult {
  readonly session: SessionRecord;
  readonly roles: Roles;
}

function parseMessage(text: string): SiweMessage {
  try {
    return new SiweMessage(text);
  } catch {
    throw new MedLedgerError("INVALID_INPUT", "This is not a valid Sign-In with Ethereum message.", "Sign in again from the MedLedger page.");
  }
}

function refusal(response: SiweResponse): MedLedgerError {
  const type = response.error?.type ?? "";
  if (/expired/i.test(type))
    return new MedLedgerError("MESSAGE_EXPIRED", "The sign-in message has expired.", "Sign in again: a fresh message will be prepared.");
  if (/not valid yet/i.test(type))
    return new MedLedgerError(
      "MESSAGE_EXPIRED",
      "The sign-in message is not valid yet (its notBefore time is in the future).",
      "Check your computer's clock, then sign in again.",
    );
  if (/signature/i.test(type))
    return new MedLedgerError(
      "BAD_SIGNATURE",
      "The signature does not match the address in the sign-in message.",
      "Sign the message with the account it names.",
    );
  if (/domain/i.test(type)) return new MedLedgerError("DOMAIN_MISMATCH", "The sign-in message was made for another site.", "Sign in from this site's page.");
  return new MedLedgerError("INVALID_INPUT", `The sign-in message is not valid (${type || "unknown reason"}).`, "Sign in again from the MedLedger page.");
}

/**
 * Verifies a signed sign-in message, consumes its nonce, opens a session and logs the login.
 * `admit`, if given, runs once the signature is verified and before the nonce is consumed (the
 * API's per-account rate limit: only the account's own signatures count against it).
 */
export async function signIn(
  ctx: ServerContext,
  request: SignInRequest,
  origin: SignInOrigin,
  admit?: (address: Address) => Promise<void>,
): Promise<SignInResult> {
  const message = parseMessage(request.message);
  if (message.domain.toLowerCase() !== origin.host.toLowerCase()) {
    throw new MedLedgerError(
      "DOMAIN_MISMATCH",
      `The sign-in message was made for ${message.domain}, not for ${origin.host}.`,
      "Sign in from this site's own page; never sign messages for one site on another.",
    );
  }
  if (message.scheme && message.scheme !== origin.scheme) {
    throw new MedLedgerError(
      "DOMAIN_MISMATCH",
      `The sign-in message was made for ${message.scheme}://, not ${origin.scheme}://.`,
      "Sign in from this site's own page.",
    );
  }
  if (message.chainId !== ctx.chain.chainId) {
    throw new MedLedgerError(
      "WRONG_CHAIN",
      `The sign-in message names chain ${message.chainId}, but MedLedger runs on chain ${ctx.chain.chainId}.`,
      "Switch your wallet to MedLedger's network and sign in again.",
    );
  }
  const now = ctx.now();
  const response = await message.verify(
    { signature: request.signature, domain: origin.host, nonce: message.nonce, time: now.toISOString() },
    { suppressExceptions: true },
  );
  if (!response.success) throw refusal(response);
  const address: Address = getAddress(message.address);
  await admit?.(address);
  await consumeNonce(ctx, message.nonce);
  const ttlEnd = now.getTime() + ctx.sessionTtlMs;
  const messageEnd = message.expirationTime ? Date.parse(message.expirationTime) : Number.POSITIVE_INFINITY;
  const session = await createSession(ctx, address, now, new Date(Math.min(ttlEnd, messageEnd)));
  return { session, roles: await ctx.chain.roles(address) };
}
