/** Takes a token of a rule or refuses with 429 and a message naming what was limited. */
import type { ServerContext } from "../context.ts";
import type { BucketRule } from "./config.ts";
import { tooMany } from "./refusals.ts";
import { takeToken } from "./tokenBucket.ts";

/**
 * Takes one token of `rule` for `subject`; when the bucket is empty, refuses with
 * `${what}; try again in N seconds.` (e.g. what = "Too many sign-in attempts from this network").
 */
export async function enforce(ctx: ServerContext, rule: BucketRule, subject: string, what: string, hint?: string): Promise<void> {
  const take = await takeToken(ctx.db, rule, subject, ctx.now().getTime());
  if (!take.allowed) throw tooMany(what, take.retryAfterSeconds, hint);
}
