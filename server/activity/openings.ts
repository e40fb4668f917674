/**
 * "Report opened" entries of the activity log, coalesced: the same account opening the same
 * report again within `limits.reportOpenedCoalesceMs` (1 min) is not logged a second time — the
 * answer names the entry that already records it. (The rate of such requests per account and per
 * client network is limited by token buckets in the API.)
 */
import { and, desc, eq, gte } from "drizzle-orm";
import type { Hex } from "viem";
import { heldRoles } from "../chain/access.ts";
import type { Caller, ServerContext } from "../context.ts";
import { activityLog } from "../db/schema.ts";
import { appendActivity } from "./log.ts";

export interface ReportOpened {
  /** False when an entry of the last minute already records this opening. */
  readonly logged: boolean;
  readonly seq: number;
  readonly at: Date;
}

/** Logs that `who` opened `reportId` (access already checked), unless it was logged moments ago. */
export async function logReportOpened(ctx: ServerContext, who: Caller, reportId: Hex): Promise<ReportOpened> {
  const now = ctx.now();
  const [recent] = await ctx.db
    .select({ seq: activityLog.seq, at: activityLog.at })
    .from(activityLog)
    .where(
      and(
        eq(activityLog.actor, who.address.toLowerCase()),
        eq(activityLog.kind, "report_opened"),
        eq(activityLog.reportId, reportId.toLowerCase()),
        gte(activityLog.at, new Date(now.getTime() - ctx.limits.reportOpenedCoalesceMs)),
      ),
    )
    .orderBy(desc(activityLog.seq))
    .limit(1);
  if (recent) return { logged: false, seq: recent.seq, at: recent.at };
  const entry = await appendActivity(ctx.db, {
    actor: who.address,
    roles: heldRoles(who.roles),
    kind: "report_opened",
    reportId,
    sessionId: who.sessionId,
    at: now,
  });
  return { logged: true, seq: entry.seq, at: entry.at };
}
