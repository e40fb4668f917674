/** Server-issued, single-use sign-in nonces (EIP-4361 `nonce`), stored in the database. */
import { and, eq, isNull, lt } from "drizzle-orm";
import { generateNonce } from "siwe";
import { MedLedgerError } from "#core/errors.ts";
import type { ServerContext } from "../context.ts";
import { nonces } from "../db/schema.ts";

export interface IssuedNonce {
  readonly nonce: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** Issues a fresh nonce; also forgets nonces older than a day. */
export async function issueNonce(ctx: ServerContext): Promise<IssuedNonce> {
  const issuedAt = ctx.now();
  const nonce = generateNonce();
  await ctx.db.insert(nonces).values({ value: nonce, issuedAt });
  await ctx.db.delete(nonces).where(lt(nonces.issuedAt, new Date(issuedAt.getTime() - 24 * 60 * 60 * 1000)));
  return { nonce, issuedAt, expiresAt: new Date(issuedAt.getTime() + ctx.nonceTtlMs) };
}

/** Marks `value` used, atomically; refuses unknown, stale and already used nonces. */
export async function consumeNonce(ctx: ServerContext, value: string): Promise<void> {
  const now = ctx.now();
  const used = await ctx.db
    .update(nonces)
    .set({ usedAt: now })
    .where(and(eq(nonces.value, value), isNull(nonces.usedAt)))
    .returning({ issuedAt: nonces.issuedAt });
  const row = used[0];
  if (row) {
    if (now.getTime() - row.issuedAt.getTime() > ctx.nonceTtlMs) {
      throw new MedLedgerError("NONCE_UNKNOWN", "The sign-in request is too old: its nonce expired.", "Sign in again: a fresh request will be prepared.");
    }
    return;
  }
  const [known] = await ctx.db.select({ usedAt: nonces.usedAt }).from(nonces).where(eq(nonces.value, value));
  if (known) {
    throw new MedLedgerError("NONCE_REUSED", "This sign-in message was already used once and cannot be used again.", "Sign in again: each sign-in needs a fresh message.");
  }
  throw new MedLedgerError("NONCE_UNKNOWN", "The sign-in message's nonce was not issued by this server (or has been forgotten).", "Sign in again: a fresh request will be prepared.");
}
