/**
 * Server-issued, single-use sign-in nonces (EIP-4361 `nonce`), stored in the database. The table
 * stays bounded: a nonce expires after `ctx.nonceTtlMs` (5 min), at most
 * `limits.outstandingNonces.global` are outstanding in all and `perClient` per client network
 * (refused with 429 beyond), and expired rows are deleted in bulk by the periodic sweep.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { generateNonce } from "siwe";
import { MedLedgerError } from "#core/errors.ts";
import type { ServerContext } from "../context.ts";
import type { Db } from "../db/open.ts";
import { nonces } from "../db/schema.ts";
import { tooMany } from "../limits/refusals.ts";
import { sweepIfDue } from "../limits/sweep.ts";

export interface IssuedNonce {
  readonly nonce: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** Counts the nonces matching `where`, stopping at `cap` (an index range scan of at most `cap` rows). */
async function countUpTo(db: Db, where: ReturnType<typeof and>, cap: number): Promise<number> {
  const limited = db
    .select({ one: sql`1` })
    .from(nonces)
    .where(where)
    .limit(cap)
    .as("limited");
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(limited);
  return row?.n ?? 0;
}

/** Seconds until the oldest outstanding nonce matching `where` expires (the earliest a slot frees up). */
async function secondsUntilSlot(db: Db, where: ReturnType<typeof and>, now: Date): Promise<number> {
  const [oldest] = await db.select({ expiresAt: nonces.expiresAt }).from(nonces).where(where).orderBy(nonces.expiresAt).limit(1);
  return oldest ? (oldest.expiresAt.getTime() - now.getTime()) / 1000 : 1;
}

/** Issues a fresh nonce to `client` (its network, see limits/clientAddress.ts), within the caps. */
export async function issueNonce(ctx: ServerContext, client: string): Promise<IssuedNonce> {
  const issuedAt = ctx.now();
  await sweepIfDue(ctx.db, issuedAt, ctx.limits.sweepIntervalMs);
  const caps = ctx.limits.outstandingNonces;
  const mine = and(eq(nonces.client, client), gt(nonces.expiresAt, issuedAt));
  if ((await countUpTo(ctx.db, mine, caps.perClient)) >= caps.perClient) {
    throw tooMany(
      "Too many sign-in attempts from this network",
      await secondsUntilSlot(ctx.db, mine, issuedAt),
      "Finish or abandon the sign-ins already started, then try again.",
    );
  }
  const all = and(gt(nonces.expiresAt, issuedAt));
  if ((await countUpTo(ctx.db, all, caps.global)) >= caps.global) {
    throw tooMany("The server is handling too many sign-ins right now", await secondsUntilSlot(ctx.db, all, issuedAt));
  }
  const nonce = generateNonce();
  const expiresAt = new Date(issuedAt.getTime() + ctx.nonceTtlMs);
  await ctx.db.insert(nonces).values({ value: nonce, issuedAt, expiresAt, client });
  return { nonce, issuedAt, expiresAt };
}

/** Marks `value` used, atomically; refuses unknown, expired and already used nonces. */
export async function consumeNonce(ctx: ServerContext, value: string): Promise<void> {
  const now = ctx.now();
  const used = await ctx.db
    .update(nonces)
    .set({ usedAt: now })
    .where(and(eq(nonces.value, value), isNull(nonces.usedAt), gt(nonces.expiresAt, now)))
    .returning({ value: nonces.value });
  if (used.length > 0) return;
  const [known] = await ctx.db.select({ usedAt: nonces.usedAt }).from(nonces).where(eq(nonces.value, value));
  if (known?.usedAt) {
    throw new MedLedgerError(
      "NONCE_REUSED",
      "This sign-in message was already used once and cannot be used again.",
      "Sign in again: each sign-in needs a fresh message.",
    );
  }
  if (known) {
    throw new MedLedgerError("NONCE_UNKNOWN", "The sign-in request is too old: its nonce expired.", "Sign in again: a fresh request will be prepared.");
  }
  throw new MedLedgerError(
    "NONCE_UNKNOWN",
    "The sign-in message's nonce was not issued by this server (or has been forgotten).",
    "Sign in again: a fresh request will be prepared.",
  );
}
