/** `medledger audit log`: the contract's event timeline (a first, read-only view of the audit trail). */
import type { Command } from "commander";
import { getTimeline } from "../../core/contract/events.ts";
import { openReader, type GlobalOptions } from "../context.ts";
import { createPrinter, formatTime, table, type CliRun } from "../output.ts";
import { parseAddress } from "../validate.ts";

export function registerAuditCommands(program: Command, run: CliRun): void {
  const audit = program.command("audit").description("The tamper-proof audit trail of the ledger.");
  audit
    .command("log")
    .description("Every change recorded by the contract, newest first.")
    .option("--actor <address>", "only transactions sent by this account")
    .option("--limit <n>", "at most this many entries", (v) => Number.parseInt(v, 10), 50)
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { actor?: string; limit: number }>();
      const out = createPrinter(run, Boolean(opts.json));
      const actor = opts.actor ? parseAddress(opts.actor, "actor") : undefined;
      const { ledger } = await openReader(run, opts);
      const entries = (await getTimeline(ledger, { actor })).slice(0, Math.max(1, opts.limit || 50));
      out.result(
        { ok: true, entries },
        entries.length === 0
          ? ["No activity."]
          : table(["TIME", "EVENT", "ACTOR", "BLOCK"], entries.map((e) => [formatTime(e.timestamp), e.eventName, e.actor, String(e.blockNumber)])),
      );
    });
}
