/**
 * Deletes expired nonces and idle (full again) rate-limit buckets in bulk, in batches, at most
 * once per interval per process — never a DELETE per request on the hot path.
 */
import { inArray, lt } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { ipfsUploadQuota, nonces, openingNonces, rateLimits, registrationCodes } from "../db/schema.ts";

const BATCH = 5_000;
const lastSweep = new WeakMap<Db, { readonly at: number; readonly running?: Promise<void> }>();

export interface SweepResult {
  readonly nonces: number;
  readonly buckets: number;
}

/** Deletes every expired nonce and every idle bucket now; returns how many rows went. */
export async function sweepNow(db: Db, now: Date): Promise<SweepResult> {
  let nonceCount = 0;
  for (;;) {
    const batch = db.select({ value: nonces.value }).from(nonces).where(lt(nonces.expiresAt, now)).limit(BATCH);
    const gone = await db.delete(nonces).where(inArray(nonces.value, batch)).returning({ value: nonces.value });
    nonceCount += gone.length;
    if (gone.length < BATCH) break;
  }
  for (;;) {
    const batch = db.select({ value: openingNonces.value }).from(openingNonces).where(lt(openingNonces.expiresAt, now)).limit(BATCH);
    const gone = await db.delete(openingNonces).where(inArray(openingNonces.value, batch)).returning({ value: openingNonces.value });
    nonceCount += gone.length;
    if (gone.length < BATCH) break;
  }
  let bucketCount = 0;
  for (;;) {
    const batch = db.select({ key: rateLimits.key }).from(rateLimits).where(lt(rateLimits.fullMs, now.getTime())).limit(BATCH);
    const gone = await db.delete(rateLimits).where(inArray(rateLimits.key, batch)).returning({ key: rateLimits.key });
    bucketCount += gone.length;
    if (gone.length < BATCH) break;
  }
  // Upload quotas count per UTC day: the rows of days before yesterday are done with.
  const yesterday = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  await db.delete(ipfsUploadQuota).where(lt(ipfsUploadQuota.day, yesterday));
  await db.delete(registrationCodes).where(lt(registrationCodes.expiresAt, now));
  return { nonces: nonceCount, buckets: bucketCount };
}

/** Runs {@link sweepNow} if this process has not swept `db` within `intervalMs` (and none is running). */
export async function sweepIfDue(db: Db, now: Date, intervalMs: number): Promise<void> {
  const state = lastSweep.get(db);
  if (state?.running || (state && now.getTime() - state.at < intervalMs)) return;
  const running = sweepNow(db, now).then(
    () => undefined,
    (error: unknown) => console.error("[medledger] sweeping expired nonces and idle rate limits failed:", error),
  );
  lastSweep.set(db, { at: now.getTime(), running });
  await running;
  lastSweep.set(db, { at: now.getTime() });
}
