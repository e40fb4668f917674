/**
 * Proven openings (core/reports/openings.ts): the server's side. Its static X25519 key is derived
 * from the session secret (SESSION_SECRET; on the local chain a random one per run), so every
 * server process of one deployment has the same key and none is stored anywhere. A proven
 * opening is checked cheapest first, and only a proven one costs the reader's account quota:
 *   the per-network rate limit and the body cap (the route), the strict schema, the nonce taken
 *   once (a replay, or a second try with the same nonce, is refused), the account's published key
 *   read from the chain, the tag recomputed and compared in constant time, the per-account rate
 *   limit, the chain's `canRead` (the report's patient, its issuing doctor, or a reader it is
 *   shared with, not expired), and then the activity log.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Hex } from "viem";
import { MedLedgerError, isMedLedgerError } from "#core/errors.ts";
import { checkOpeningTag, provenOpeningSchema, type OpeningChallenge, type OpeningLogged } from "#core/reports/openings.ts";
import { consumeNonce, issueNonce } from "../auth/nonces.ts";
import type { ServerContext } from "../context.ts";
import { enforce } from "../limits/enforce.ts";
import { logReportOpened } from "./openings.ts";

export interface OpeningKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

const KEY_INFO = utf8ToBytes("medledger/opening-proof/server-x25519/v1");

/** The server's opening-proof key pair, derived from its session secret. */
export function openingKeyFrom(sessionSecret: string): OpeningKey {
  const secretKey = hkdf(sha256, utf8ToBytes(sessionSecret), utf8ToBytes("medledger"), KEY_INFO, 32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/** A one-time nonce (the sign-in nonces' table, caps and expiry) and the server's public key. */
export async function openingChallenge(ctx: ServerContext, key: OpeningKey, client: string): Promise<OpeningChallenge> {
  const issued = await issueNonce(ctx, client);
  return { nonce: issued.nonce, serverKey: `0x${bytesToHex(key.publicKey)}`, expiresAt: issued.expiresAt.toISOString() };
}

const NOT_PROVEN = () =>
  new MedLedgerError(
    "BAD_SIGNATURE",
    "This opening was not proven with the account's encryption key, so it was not logged.",
    "Open the report again from MedLedger with your own key.",
  );

/** Checks a proven opening (see the module comment) and logs it. */
export async function acceptProvenOpening(ctx: ServerContext, key: OpeningKey, body: unknown): Promise<OpeningLogged> {
  const parsed = provenOpeningSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MedLedgerError(
      "INVALID_INPUT",
      `Invalid request: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "unknown problem"}.`,
      "Open the report again from MedLedger.",
    );
  }
  const input = parsed.data;
  try {
    await consumeNonce(ctx, input.nonce);
  } catch (error) {
    if (isMedLedgerError(error, "NONCE_REUSED")) {
      throw new MedLedgerError("NONCE_REUSED", "This proof of an opening was already used once.", "Open the report again: each opening is proven afresh.");
    }
    if (isMedLedgerError(error, "NONCE_UNKNOWN")) {
      throw new MedLedgerError("NONCE_UNKNOWN", "This proof of an opening is too old or was not asked of this server.", "Open the report again.");
    }
    throw error;
  }
  const readerKey = await ctx.chain.publishedKey(input.account);
  if (!readerKey) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "This account has published no encryption key, so it cannot have opened a report.",
      "Unlock your key in MedLedger first.",
    );
  }
  const record = {
    deployment: { chainId: ctx.chain.chainId, address: ctx.chain.contract },
    account: input.account,
    readerKey,
    reportId: input.reportId as Hex,
    via: input.via,
    nonce: input.nonce,
    serverKey: key.publicKey,
  };
  let proven: boolean;
  try {
    proven = checkOpeningTag(key.secretKey, record, input.tag as Hex);
  } catch {
    proven = false;
  }
  if (!proven) throw NOT_PROVEN();
  await enforce(ctx, ctx.limits.buckets.reportOpenedAccount, input.account.toLowerCase(), "Too many report openings by this account");
  if (!(await ctx.chain.canRead(record.reportId, input.account))) {
    throw new MedLedgerError("NO_ACCESS", "This account may not read this report, so its opening was not logged.", "Ask the patient to share it with you.");
  }
  const opened = await logReportOpened(ctx, { address: input.account, roles: await ctx.chain.roles(input.account) }, record.reportId, input.via);
  return { logged: opened.logged, seq: opened.seq, at: opened.at.toISOString() };
}
