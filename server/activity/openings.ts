/**
 * "Report opened" entries of the activity log, coalesced: the same account opening the same
 * report again within `limits.reportOpenedCoalesceMs` (1 min) is not logged a second time — the
 * answer names the entry that already records it. (The rate of such requests per account and per
 * client network is limited by token buckets in the API.)
 */
import { and, desc, eq, gte } from "drizzle-orm";
import type { Address, Hex } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import type { OpeningVia } from "#core/reports/openings.ts";
import { MedLedgerError } from "#core/errors.ts";
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

/** Who opened a report: a signed-in caller, or a reader who proved their key (no session). */
export interface Opener {
  readonly address: Address;
  readonly roles: Roles;
  readonly sessionId?: string;
}

/**
 * Logs that `who` opened `reportId` (access already checked) through `via`, unless it was logged
 * moments ago.
 */
export async function logReportOpened(ctx: ServerContext, who: Opener | Caller, reportId: Hex, via: OpeningVia = "app"): Promise<ReportOpened> {
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
    ...(who.sessionId ? { sessionId: who.sessionId } : {}),
    via,
    at: now,
  });
  return { logged: true, seq: entry.seq, at: entry.at };
}

/** One opening of a report, as its patient sees it in the accounting of disclosures. */
export interface ReportOpening {
  readonly actor: string;
  /** The roles the reader held when they opened it, e.g. "doctor". */
  readonly role: string;
  readonly at: Date;
  /** "app" or "cli"; null for openings logged before this was recorded. */
  readonly via: string | null;
}

/** At most this many openings are returned, newest first. */
export const OPENINGS_LIMIT = 500;

/**
 * Who opened report `reportId` and when, newest first: for the report's patient only (the chain
 * says who the patient is). NO_ACCESS for anyone else.
 */
export async function openingsOf(ctx: ServerContext, who: Caller, reportId: Hex): Promise<ReportOpening[]> {
  const { patient } = await ctx.chain.reportParties(reportId);
  if (patient.toLowerCase() !== who.address.toLowerCase()) {
    throw new MedLedgerError("NO_ACCESS", "Only the report's patient can see who opened it.", "Sign in with the patient's account.");
  }
  const rows = await ctx.db
    .select({ actor: activityLog.actor, role: activityLog.role, at: activityLog.at, via: activityLog.via })
    .from(activityLog)
    .where(and(eq(activityLog.kind, "report_opened"), eq(activityLog.reportId, reportId.toLowerCase())))
    .orderBy(desc(activityLog.seq))
    .limit(OPENINGS_LIMIT);
  return rows.map((row) => ({ actor: row.actor, role: row.role, at: row.at, via: row.via }));
}
