/**
 * The per-account upload quota of the IPFS gateway: bytes and uploads per UTC day, in the
 * database (shared by every server process). One atomic upsert takes the upload's share or
 * refuses it: two uploads at once can never both pass a quota only one of them fits in.
 */
import { and, eq, sql } from "drizzle-orm";
import { MedLedgerError } from "#core/errors.ts";
import { formatBytes } from "#core/reports/limits.ts";
import type { ServerContext } from "../context.ts";
import { ipfsUploadQuota } from "../db/schema.ts";

function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function exceeded(ctx: ServerContext): MedLedgerError {
  const { dailyBytesPerAccount, dailyUploadsPerAccount } = ctx.limits.ipfs;
  return new MedLedgerError(
    "QUOTA_EXCEEDED",
    `Your account has reached today's upload limit (${formatBytes(dailyBytesPerAccount)} or ${dailyUploadsPerAccount} files a day). Nothing was stored.`,
    "Try again tomorrow (the limit resets at midnight UTC), or ask the administrator to raise it.",
  );
}

/** Counts an upload of `bytes` against `account`'s quota for today, or refuses it with QUOTA_EXCEEDED (429). */
export async function takeUploadQuota(ctx: ServerContext, account: string, bytes: number): Promise<void> {
  const { dailyBytesPerAccount, dailyUploadsPerAccount } = ctx.limits.ipfs;
  if (bytes > dailyBytesPerAccount || dailyUploadsPerAccount < 1) throw exceeded(ctx);
  const key = { account: account.toLowerCase(), day: utcDay(ctx.now()) };
  const rows = await ctx.db
    .insert(ipfsUploadQuota)
    .values({ ...key, bytes, uploads: 1 })
    .onConflictDoUpdate({
      target: [ipfsUploadQuota.account, ipfsUploadQuota.day],
      set: { bytes: sql`${ipfsUploadQuota.bytes} + ${bytes}`, uploads: sql`${ipfsUploadQuota.uploads} + 1` },
      setWhere: sql`${ipfsUploadQuota.bytes} + ${bytes} <= ${dailyBytesPerAccount} and ${ipfsUploadQuota.uploads} + 1 <= ${dailyUploadsPerAccount}`,
    })
    .returning({ uploads: ipfsUploadQuota.uploads });
  if (rows.length === 0) throw exceeded(ctx);
}

/** Gives an upload's share back (the node refused to store it: nothing was stored). */
export async function returnUploadQuota(ctx: ServerContext, account: string, bytes: number): Promise<void> {
  await ctx.db
    .update(ipfsUploadQuota)
    .set({ bytes: sql`greatest(0, ${ipfsUploadQuota.bytes} - ${bytes})`, uploads: sql`greatest(0, ${ipfsUploadQuota.uploads} - 1)` })
    .where(and(eq(ipfsUploadQuota.account, account.toLowerCase()), eq(ipfsUploadQuota.day, utcDay(ctx.now()))));
}
