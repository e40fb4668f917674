/**
 * Token buckets in the database, so every server process on the same PostgreSQL shares them:
 * one atomic upsert per take (the row lock serialises concurrent takes of one key).
 *
 * A refused take is also remembered in this process until the bucket can refill (a negative
 * cache): a flood from one client is then refused without a database round trip. The cache only
 * ever refuses, and only while the database bucket itself is empty (nothing but time refills a
 * bucket, and other processes can only empty it further), so it never admits what the shared
 * bucket would refuse.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { rateLimits } from "../db/schema.ts";
import type { BucketRule } from "./config.ts";

export type Take = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Most refused keys remembered per process (a bounded map; the oldest go first). */
const NEGATIVE_CACHE_SIZE = 50_000;
const refusedUntil = new WeakMap<Db, Map<string, number>>();

function cacheOf(db: Db): Map<string, number> {
  let cache = refusedUntil.get(db);
  if (!cache) {
    cache = new Map();
    refusedUntil.set(db, cache);
  }
  return cache;
}

function remember(cache: Map<string, number>, key: string, until: number, now: number): void {
  if (cache.size >= NEGATIVE_CACHE_SIZE) {
    for (const [k, t] of cache) if (t <= now) cache.delete(k);
    for (const k of cache.keys()) {
      if (cache.size < NEGATIVE_CACHE_SIZE) break;
      cache.delete(k);
    }
  }
  cache.delete(key);
  cache.set(key, until);
}

/** Takes one token of `rule` for `subject` (a client network or an account) at `nowMs`. */
export async function takeToken(db: Db, rule: BucketRule, subject: string, nowMs: number): Promise<Take> {
  const key = `${rule.name}:${subject}`;
  const cache = cacheOf(db);
  const until = cache.get(key);
  if (until !== undefined) {
    if (until > nowMs) return { allowed: false, retryAfterSeconds: (until - nowMs) / 1000 };
    cache.delete(key);
  }
  const perMs = rule.perMinute / 60_000;
  const fullMs = nowMs + rule.burst / perMs;
  const refilled = sql`least(${rule.burst}::float8, ${sql.identifier("rate_limits")}.${sql.identifier("tokens")} + greatest(0::float8, ${nowMs}::float8 - ${sql.identifier("rate_limits")}.${sql.identifier("updated_ms")}) * ${perMs}::float8)`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, tokens: rule.burst - 1, updatedMs: nowMs, fullMs, allowed: true })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        tokens: sql`case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end`,
        allowed: sql`${refilled} >= 1`,
        updatedMs: nowMs,
        fullMs,
      },
    })
    .returning({ tokens: rateLimits.tokens, allowed: rateLimits.allowed });
  if (!row || row.allowed) return { allowed: true };
  const waitMs = (1 - row.tokens) / perMs;
  remember(cache, key, nowMs + waitMs, nowMs);
  return { allowed: false, retryAfterSeconds: waitMs / 1000 };
}
