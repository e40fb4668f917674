/**
 * Server-side sessions: created at sign-in, ended by logout or by expiry. An expired session is
 * recorded (`session_expired` in the activity log) the next time it is presented, or by a sweep.
 */
import { randomBytes } from "node:crypto";
import { and, eq, isNull, lte } from "drizzle-orm";
import { getAddress, type Address } from "viem";
import { MedLedgerError } from "#core/errors.ts";
import { appendActivity } from "../activity/log.ts";
import { heldRoles } from "../chain/access.ts";
import type { Caller, ServerContext } from "../context.ts";
import { sessions } from "../db/schema.ts";

export interface SessionRecord {
  readonly id: string;
  readonly address: Address;
  readonly chainId: number;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** Creates a session for `address` from `issuedAt` to `expiresAt` and logs the login. */
export async function createSession(ctx: ServerContext, address: Address, issuedAt: Date, expiresAt: Date): Promise<SessionRecord> {
  const record: SessionRecord = { id: randomBytes(24).toString("base64url"), address, chainId: ctx.chain.chainId, issuedAt, expiresAt };
  await ctx.db.insert(sessions).values({ ...record, address: address.toLowerCase() });
  const roles = heldRoles(await ctx.chain.roles(address));
  await appendActivity(ctx.db, { actor: address, roles, kind: "login", sessionId: record.id, at: record.issuedAt });
  return record;
}

/** Ends an open session; only the first caller to end it logs the event. Returns whether it ended it. */
async function endSession(ctx: ServerContext, id: string, reason: "logout" | "expired"): Promise<boolean> {
  const [row] = await ctx.db.select().from(sessions).where(eq(sessions.id, id));
  if (!row) return false;
  const endedAt = reason === "expired" ? row.expiresAt : ctx.now();
  const ended = await ctx.db
    .update(sessions)
    .set({ endedAt, endReason: reason })
    .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
    .returning({ address: sessions.address });
  const first = ended[0];
  if (!first) return false;
  const actor = getAddress(first.address);
  const roles = heldRoles(await ctx.chain.roles(actor));
  await appendActivity(ctx.db, { actor, roles, kind: reason === "logout" ? "logout" : "session_expired", sessionId: id, at: ctx.now() });
  return true;
}

/** Ends the session at logout (idempotent). */
export async function logout(ctx: ServerContext, id: string): Promise<boolean> {
  return endSession(ctx, id, "logout");
}

export type SessionState = { readonly state: "active"; readonly session: SessionRecord } | { readonly state: "expired" | "ended" | "unknown" };

/** Looks a session up; an expired one is ended and logged now. */
export async function checkSession(ctx: ServerContext, id: string): Promise<SessionState> {
  const [row] = await ctx.db.select().from(sessions).where(eq(sessions.id, id));
  if (!row || row.chainId !== ctx.chain.chainId) return { state: "unknown" };
  if (row.endedAt) return { state: row.endReason === "expired" ? "expired" : "ended" };
  if (row.expiresAt.getTime() <= ctx.now().getTime()) {
    await endSession(ctx, id, "expired");
    return { state: "expired" };
  }
  return { state: "active", session: { id: row.id, address: getAddress(row.address), chainId: row.chainId, issuedAt: row.issuedAt, expiresAt: row.expiresAt } };
}

/** The signed-in caller with roles read from the contract now; refuses missing, ended and expired sessions. */
export async function requireCaller(ctx: ServerContext, id: string | undefined): Promise<Caller> {
  if (!id) throw new MedLedgerError("NOT_SIGNED_IN", "You are not signed in.", "Sign in with your wallet first.");
  const state = await checkSession(ctx, id);
  if (state.state === "expired") throw new MedLedgerError("SESSION_EXPIRED", "Your session has expired.", "Sign in again with your wallet.");
  if (state.state !== "active") throw new MedLedgerError("NOT_SIGNED_IN", "You are not signed in (your session has ended).", "Sign in with your wallet first.");
  return { address: state.session.address, sessionId: state.session.id, roles: await ctx.chain.roles(state.session.address) };
}

/** Records every session that expired without being presented again; returns how many. */
export async function sweepExpiredSessions(ctx: ServerContext): Promise<number> {
  const expired = await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(isNull(sessions.endedAt), lte(sessions.expiresAt, ctx.now())));
  let count = 0;
  for (const { id } of expired) if (await endSession(ctx, id, "expired")) count += 1;
  return count;
}
