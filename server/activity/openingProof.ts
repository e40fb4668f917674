/**
 * Proven openings (core/reports/openings.ts): the server's side. Its static X25519 key is derived
 * from the session secret (SESSION_SECRET; on the local chain a random one per run), so every
 * server process of one deployment has the same key and none is stored anywhere. A proven
 * opening is checked cheapest first (its nonces have a table of their own, apart from sign-ins), and only a proven one costs the reader's account quota:
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
import { MedLedgerError } from "#core/errors.ts";
import { checkOpeningTag, provenOpeningSchema, type OpeningChallenge, type OpeningLogged } from "#core/reports/openings.ts";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { generateNonce } from "siwe";
import type { ServerContext } from "../context.ts";
import { openingNonces } from "../db/schema.ts";
import { tooMany } from "../limits/refusals.ts";
import { sweepIfDue } from "../limits/sweep.ts";
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

/**
 * A one-time nonce and the server's public key. Issuance is rate-limited per client network by
 * the route; here the nonces outstanding in all are capped (the sign-in cap), so a flood from many
 * networks cannot grow the table without bound either.
 */
export async function openingChallenge(ctx: ServerContext, key: OpeningKey): Promise<OpeningChallenge> {
  const now = ctx.now();
  await sweepIfDue(ctx.db, now, ctx.limits.sweepIntervalMs);
  const cap = ctx.limits.outstandingNonces.global;
  const outstanding = ctx.db
    .select({ one: sql`1` })
    .from(openingNonces)
    .where(and(gt(openingNonces.expiresAt, now), isNull(openingNonces.usedAt)))
    .limit(cap)
    .as("outstanding");
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(outstanding);
  if ((row?.n ?? 0) >= cap) throw tooMany("The server is logging too many report openings right now", 30);
  const nonce = generateNonce();
  const expiresAt = new Date(now.getTime() + ctx.nonceTtlMs);
  await ctx.db.insert(openingNonces).values({ value: nonce, expiresAt });
  return { nonce, serverKey: `0x${bytesToHex(key.publicKey)}`, expiresAt: expiresAt.toISOString() };
}

/** Marks `value` used, atomically; refuses unknown, expired and already used nonces. */
async function consumeOpeningNonce(ctx: ServerContext, value: string): Promise<void> {
  const now = ctx.now();
  const used = await ctx.db
    .update(openingNonces)
    .set({ usedAt: now })
    .where(and(eq(openingNonces.value, value), isNull(openingNonces.usedAt), gt(openingNonces.expiresAt, now)))
    .returning({ value: openingNonces.value });
  if (used.length > 0) return;
  const [known] = await ctx.db.select({ usedAt: openingNonces.usedAt }).from(openingNonces).where(eq(openingNonces.value, value));
  if (known?.usedAt) {
    throw new MedLedgerError("NONCE_REUSED", "This proof of an opening was already used once.", "Open the report again: each opening is proven afresh.");
  }
  throw new MedLedgerError("NONCE_UNKNOWN", "This proof of an opening is too old or was not asked of this server.", "Open the report again.");
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
  await consumeOpeningNonce(ctx, input.nonce);
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
