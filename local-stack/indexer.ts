/**
 * The indexer of the local stack: Ponder (`ponder start`, indexer/) as a managed child, ready when
 * its historical sync is done and it has reached the chain's head at start-up. Its database: with
 * DATABASE_URL, that PostgreSQL database, in a schema of its own named after the chain — chain id
 * and deployment block hash, {@link indexerSchemaOf} — so a fresh local chain never reuses an old
 * chain's index (and Ponder's RPC cache, `ponder_sync`, is cleared of the chain id when a new chain
 * first indexes); else embedded PGlite inside the stack's data folder (kept and wiped with the rest).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { createPublicClient, http, type Hex } from "viem";
import type { Deployment } from "#core/contract/ledger.ts";
import { createIndexerClient } from "#core/indexer/client.ts";
import { BIN, childEnv, startProcess, waitUntil, type ManagedProcess } from "./processes.ts";
import { databaseName } from "./state.ts";

export interface IndexerOptions {
  readonly rpcUrl: string;
  readonly deployment: Deployment;
  readonly port: number;
  /** The indexer's PGlite folder (statePaths(dataDir).indexer), when DATABASE_URL (in `env`) is not set. */
  readonly dataDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** How long the first sync may take (default 10 minutes: long local histories). */
  readonly timeoutMs?: number;
}

export interface RunningIndexer {
  readonly url: string;
  /** Where the index is, for `npm start`'s log: "PostgreSQL … (schema …)" or "PGlite in …". */
  readonly database: string;
  stop(): Promise<void>;
}

/** Where the indexer keeps its index: PostgreSQL (DATABASE_URL) in `schema`, or PGlite in `dir`. */
export type IndexerDatabase = { readonly kind: "postgres"; readonly url: string; readonly schema: string } | { readonly kind: "pglite"; readonly dir: string };

/**
 * The PostgreSQL schema of one local chain's index: `medledger_<chain id>_<first 16 hex digits of
 * the deployment block's hash>` (Ponder allows 45 characters). Another chain — a fresh anvil with
 * the same chain id and even the same contract address — has another deployment block hash.
 */
export function indexerSchemaOf(chainId: number, deployBlockHash: Hex): string {
  return `medledger_${chainId}_${deployBlockHash.slice(2, 18).toLowerCase()}`;
}

export function describeIndexerDatabase(database: IndexerDatabase): string {
  return database.kind === "postgres" ? `PostgreSQL ${databaseName({ DATABASE_URL: database.url })} (schema ${database.schema})` : `PGlite in ${database.dir}`;
}

/** The index's database for `options`: PostgreSQL when DATABASE_URL is set, else PGlite in the data folder. */
export async function indexerDatabaseOf(options: Pick<IndexerOptions, "rpcUrl" | "deployment" | "dataDir" | "env">): Promise<IndexerDatabase> {
  const url = (options.env ?? process.env).DATABASE_URL;
  if (!url) return { kind: "pglite", dir: options.dataDir };
  const client = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) });
  const block = await client.getBlock({ blockNumber: options.deployment.deployBlock });
  return { kind: "postgres", url, schema: indexerSchemaOf(options.deployment.chainId, block.hash) };
}

/** Runs `work` with a PostgreSQL connection to `url`. */
async function withPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Before a new chain's first indexing on PostgreSQL: Ponder's RPC cache (`ponder_sync`, shared by
 * every Ponder app of the database, keyed by chain id) may hold blocks and logs of an earlier
 * local chain with the same id — its rows of that id are deleted — and the indexes of earlier
 * local chains with that id (`medledger_<chain id>_*`) are dropped. A kept chain's schema is left alone.
 */
async function prepareSchema(database: Extract<IndexerDatabase, { kind: "postgres" }>, chainId: number, log?: (line: string) => void): Promise<void> {
  await withPostgres(database.url, async (client) => {
    const schemas = await client.query<{ name: string }>("select schema_name as name from information_schema.schemata where schema_name like $1 escape '!'", [
      `medledger!_${chainId}!_%`,
    ]);
    if (schemas.rows.some((row) => row.name === database.schema)) return;
    for (const { name } of schemas.rows) {
      await client.query(`drop schema ${pg.escapeIdentifier(name)} cascade`);
      log?.(`dropped the index of an earlier local chain (PostgreSQL schema ${name})`);
    }
    const cached = await client.query<{ table: string }>(
      "select table_name as table from information_schema.columns where table_schema = 'ponder_sync' and column_name = 'chain_id'",
    );
    for (const { table } of cached.rows) await client.query(`delete from ponder_sync.${pg.escapeIdentifier(table)} where chain_id = $1`, [chainId]);
  });
}

/** Drops the index (derived data: rebuilt from the chain). */
async function dropIndex(database: IndexerDatabase): Promise<void> {
  if (database.kind === "pglite") rmSync(database.dir, { recursive: true, force: true });
  else await withPostgres(database.url, (client) => client.query(`drop schema if exists ${pg.escapeIdentifier(database.schema)} cascade`));
}

/** Ponder refuses a database schema an earlier build of the indexer wrote: the index is derived data, so it is rebuilt. */
const OTHER_BUILD = /previously used by a (different Ponder app|Ponder app with a different minor version)/;

function spawnPonder(options: IndexerOptions, database: IndexerDatabase): ManagedProcess {
  const env = childEnv(
    {
      MEDLEDGER_RPC_URL: options.rpcUrl,
      MEDLEDGER_CHAIN_ID: String(options.deployment.chainId),
      MEDLEDGER_CONTRACT: options.deployment.address,
      MEDLEDGER_DEPLOY_BLOCK: String(options.deployment.deployBlock),
      MEDLEDGER_INDEXER_DATA_DIR: database.kind === "pglite" ? database.dir : "",
      DATABASE_URL: database.kind === "postgres" ? database.url : "",
      DATABASE_PRIVATE_URL: "",
      DATABASE_SCHEMA: "",
      PONDER_TELEMETRY_DISABLED: "1",
      MEDLEDGER_INDEXER_POLL_MS: options.env?.MEDLEDGER_INDEXER_POLL_MS ?? "250",
    },
    options.env,
  );
  return startProcess(
    "the indexer (ponder start)",
    join(BIN, "ponder"),
    [
      "--root",
      "indexer",
      "--log-format",
      "json",
      "--log-level",
      "warn",
      "start",
      "--schema",
      database.kind === "postgres" ? database.schema : "medledger",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(options.port),
    ],
    env,
  );
}

export async function startIndexer(options: IndexerOptions): Promise<RunningIndexer> {
  const url = `http://127.0.0.1:${options.port}`;
  const client = createIndexerClient({ baseUrl: url, timeoutMs: 5_000 });
  const head = await createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) }).getBlockNumber();
  const database = await indexerDatabaseOf(options);
  if (database.kind === "postgres") await prepareSchema(database, options.deployment.chainId, options.log);
  const run = async (): Promise<ManagedProcess> => {
    const ponder = spawnPonder(options, database);
    try {
      await waitUntil(
        "the indexer has caught up with the chain",
        async () => (await client.ready()) && (await client.indexedBlock()) >= head,
        ponder,
        options.timeoutMs ?? 600_000,
      );
      return ponder;
    } catch (error) {
      await ponder.stop();
      throw error;
    }
  };
  let ponder: ManagedProcess;
  try {
    ponder = await run();
  } catch (error) {
    if (!(error instanceof Error) || !OTHER_BUILD.test(error.message)) throw error;
    options.log?.("the kept index was written by another version of the indexer: rebuilding it from the chain");
    await dropIndex(database);
    ponder = await run();
  }
  return { url, database: describeIndexerDatabase(database), stop: () => ponder.stop() };
}
