/**
 * The local stack's state, all or nothing: the chain (anvil's state file), the embedded IPFS
 * node's blocks and the server's database live together in one data folder, with a record of
 * the run that created them (`stack.json`: the deployment and which database). A start keeps all
 * three when they belong together, and otherwise starts all three afresh, saying why.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { createPublicClient, http, type Hex } from "viem";
import type { Deployment } from "#core/contract/ledger.ts";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import { cidFromBytes } from "#core/ipfs/cid.ts";
import { openDatabase } from "#server/db/open.ts";
import * as schema from "#server/db/schema.ts";
import type { HeliaStore } from "./ipfs/heliaStore.ts";
import { processAlive } from "./processes.ts";

export interface StatePaths {
  readonly record: string;
  readonly chainState: string;
  readonly ipfs: string;
  readonly pglite: string;
  /** The indexer's PGlite database (derived from the chain: rebuilt when missing). */
  readonly indexer: string;
}

export function statePaths(dataDir: string): StatePaths {
  return {
    record: join(dataDir, "stack.json"),
    chainState: join(dataDir, "chain", "state.json"),
    ipfs: join(dataDir, "ipfs"),
    pglite: join(dataDir, "pglite"),
    indexer: join(dataDir, "indexer"),
  };
}

/** What `stack.json` holds: the run that created the state. */
export interface StackRecord {
  readonly version: 1;
  readonly chainId: number;
  readonly address: `0x${string}`;
  readonly deployBlock: number;
  /** Hash of the deployment block: tells this chain apart from any other that has code at the address. */
  readonly deployBlockHash: Hex;
  /** Which database the web server used ("pglite" or the PostgreSQL URL without its password). */
  readonly database: string;
  /** Whether the demo data was seeded. */
  readonly seeded: boolean;
  readonly createdAt: string;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgresql://…";
  }
}

/** The database the web server will use with this environment (as in server/db/open.ts). */
export function databaseName(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL ? redact(env.DATABASE_URL) : "pglite";
}

export function readRecord(dataDir: string): StackRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(statePaths(dataDir).record, "utf8")) as StackRecord;
    return record.version === 1 && typeof record.address === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

export function writeRecord(dataDir: string, deployment: Deployment, deployBlockHash: Hex, seeded: boolean, env: NodeJS.ProcessEnv = process.env): StackRecord {
  const record: StackRecord = {
    version: 1,
    chainId: deployment.chainId,
    address: deployment.address,
    deployBlock: Number(deployment.deployBlock),
    deployBlockHash,
    database: databaseName(env),
    seeded,
    createdAt: new Date().toISOString(),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(statePaths(dataDir).record, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Whether anything of an earlier run is in `dataDir`. */
export function anyState(dataDir: string): boolean {
  const paths = statePaths(dataDir);
  return [paths.record, paths.chainState, paths.ipfs, paths.pglite].some((p) => existsSync(p));
}

/** Why the kept files cannot be used before the chain even starts, or undefined if they may. */
export function precheck(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const paths = statePaths(dataDir);
  const record = readRecord(dataDir);
  if (!record) return existsSync(paths.record) ? `${paths.record} is unreadable` : `there is no record of an earlier run (${paths.record})`;
  if (!existsSync(paths.chainState)) return `the chain's state file ${paths.chainState} is missing`;
  if (!existsSync(paths.ipfs)) return `the IPFS folder ${paths.ipfs} is missing`;
  if (record.database !== databaseName(env)) return `the last run used the database ${record.database}, this one ${databaseName(env)}`;
  return undefined;
}

/**
 * Checks the kept state against the running chain: the contract of the record with the same
 * deployment block, the latest report's file in IPFS, and the database holding every activity
 * entry the chain's latest audit anchor covers. Returns why it does not fit, or undefined.
 */
export async function checkKept(dataDir: string, rpcUrl: string, store: HeliaStore, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const record = readRecord(dataDir)!;
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const chainId = await client.getChainId();
  if (chainId !== record.chainId) return `the kept chain has chain id ${chainId}, the record ${record.chainId}`;
  const code = await client.getCode({ address: record.address });
  if (!code || code === "0x") return `the kept chain has no contract at ${record.address}`;
  const block = await client.getBlock({ blockNumber: BigInt(record.deployBlock) }).catch(() => undefined);
  if (block?.hash !== record.deployBlockHash)
    return `the kept chain is not the one MedLedger ${record.address} was deployed to (block ${record.deployBlock} differs)`;

  const events = { address: record.address, abi: medLedgerAbi, fromBlock: BigInt(record.deployBlock), toBlock: "latest", strict: true } as const;
  const reports = await client.getContractEvents({ ...events, eventName: "ReportRegistered" });
  const last = reports.at(-1);
  if (last) {
    const cid = cidFromBytes(last.args.cid);
    if (!(await store.isPinned(cid))) return `the IPFS node does not have the latest report's file (${cid})`;
  }

  const anchors = await client.getContractEvents({ ...events, eventName: "AuditLogAnchored" });
  const covered = anchors.reduce((max, log) => Math.max(max, Number(log.args.entries)), 0);
  if (covered > 0) {
    const entries = await activityEntries(dataDir, env);
    if (entries < covered) return `the chain anchors ${covered} activity-log entries, the database holds ${entries}`;
  }
  return undefined;
}

/** Rows of the activity log (0 if the embedded database was never created). */
async function activityEntries(dataDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const pglite = statePaths(dataDir).pglite;
  if (!env.DATABASE_URL && !existsSync(pglite)) return 0;
  const database = await openDatabase({ env, dataDir: pglite });
  try {
    const result = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from activity_log`);
    return Number((result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
  } finally {
    await database.close();
  }
}

/** The server's tables, as server/db/schema.ts declares them. */
const TABLES: readonly string[] = (Object.values(schema) as unknown[]).flatMap((value) => (is(value, PgTable) ? [`"${getTableName(value)}"`] : []));

/**
 * Removes every part of the state: the chain's state file, the IPFS blocks, the embedded database,
 * the indexer's database (with DATABASE_URL: the server's rows in that PostgreSQL database — they describe the discarded
 * chain) and the record.
 */
export async function wipeState(dataDir: string, options: { readonly env?: NodeJS.ProcessEnv; readonly log?: (line: string) => void } = {}): Promise<void> {
  const env = options.env ?? process.env;
  const paths = statePaths(dataDir);
  const lock = `${paths.pglite}.lock`;
  if (existsSync(lock)) {
    const owner = Number.parseInt(readFileSync(lock, "utf8"), 10);
    if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
      throw new Error(
        `The embedded database in ${paths.pglite} is in use by process ${owner} (the web server of another \`npm start\`?). Stop it first: kill ${owner}`,
      );
    }
  }
  if (env.DATABASE_URL) {
    const database = await openDatabase({ env });
    try {
      const counts = await database.db.execute<{ n: number }>(sql.raw(`select (${TABLES.map((t) => `(select count(*) from ${t})`).join(" + ")})::int as n`));
      const rows = Number((counts as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
      if (rows > 0) {
        await database.db.execute(sql.raw(`truncate ${TABLES.join(", ")}`));
        options.log?.(`emptied the server's tables in the PostgreSQL database ${database.location} (${rows} rows)`);
      }
    } finally {
      await database.close();
    }
  }
  for (const path of [paths.record, join(dataDir, "chain"), paths.ipfs, paths.pglite, paths.indexer, lock]) rmSync(path, { recursive: true, force: true });
}
