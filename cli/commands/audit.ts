/**
 * `medledger audit …`: the contract's event timeline, and the off-chain activity log (sign-ins,
 * report opens) checked against — or anchored to — the chain.
 */
import type { Command } from "commander";
import { getTimeline } from "#core/contract/events.ts";
import { openReader, openWriter, type GlobalOptions } from "../context.ts";
import { EXIT } from "../output.ts";
import { createPrinter, formatTime, table, type CliRun } from "../output.ts";
import { parseAddress } from "#core/validation.ts";

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
          : table(
              ["TIME", "EVENT", "ACTOR", "BLOCK"],
              entries.map((e) => [formatTime(e.timestamp), e.eventName, e.actor, String(e.blockNumber)]),
            ),
      );
    });

  audit
    .command("verify")
    .description("Check the activity log database against its hash chain and the on-chain anchors; names the first altered or removed entry.")
    .option("--database <url>", "PostgreSQL URL (default: DATABASE_URL, else the embedded PGlite folder)")
    .option("--data-dir <dir>", "PGlite data folder, used even when DATABASE_URL is set (default: $MEDLEDGER_DATA_DIR/pglite or .data/pglite)")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { database?: string; dataDir?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const { ledger } = await openReader(run, opts);
      const { openDatabase } = await import("#server/db/open.ts");
      const { readAuditAnchors, verifyAuditLog } = await import("#server/activity/verify.ts");
      const database = await openDatabase(databaseOptions(opts));
      try {
        const result = await verifyAuditLog(database.db, await readAuditAnchors(ledger));
        out.result(
          { ok: result.ok, verification: result },
          result.ok
            ? [
                `The activity log is intact: ${result.entries} entries, ${result.anchorsChecked} on-chain anchor(s) checked.`,
                result.unanchoredEntries > 0
                  ? `${result.unanchoredEntries} newer entries are not anchored yet: run \`medledger audit anchor\`.`
                  : "Every entry is covered by an anchor.",
              ]
            : [
                `The activity log was tampered with: ${result.firstProblem?.message ?? "see the problems below"}`,
                ...result.problems.slice(1).map((p) => `  also: ${p.message}`),
              ],
        );
        if (!result.ok) run.exitCode = EXIT.mismatch;
      } finally {
        await database.close();
      }
    });
  audit
    .command("anchor")
    .description("Record the activity log's current head on chain (admin).")
    .option("--database <url>", "PostgreSQL URL (default: DATABASE_URL, else the embedded PGlite folder)")
    .option("--data-dir <dir>", "PGlite data folder, used even when DATABASE_URL is set (default: $MEDLEDGER_DATA_DIR/pglite or .data/pglite)")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { database?: string; dataDir?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const { ledger } = await openWriter(run, opts);
      const { openDatabase } = await import("#server/db/open.ts");
      const { anchorAuditHead } = await import("#server/activity/verify.ts");
      const database = await openDatabase(databaseOptions(opts));
      try {
        const result = await anchorAuditHead(ledger, database.db);
        out.result({ ok: true, anchor: result }, [`Anchored ${result.entries} entries (head ${result.head}) in transaction ${result.transactionHash}.`]);
      } finally {
        await database.close();
      }
    });
}

/** `--database` wins; an explicit `--data-dir` means the embedded PGlite even when DATABASE_URL is set. */
function databaseOptions(opts: { database?: string; dataDir?: string }) {
  const env = opts.dataDir && !opts.database ? { ...process.env, DATABASE_URL: undefined } : process.env;
  return { url: opts.database, dataDir: opts.dataDir, env };
}
