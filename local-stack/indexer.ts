/**
 * The indexer of the local stack: Ponder (`ponder start`, indexer/) as a managed child, its
 * embedded PGlite database inside the stack's data folder (so it is kept and wiped with the rest),
 * ready when its historical sync is done and it has reached the chain's head at start-up.
 */
import { rmSync } from "node:fs";
import { createPublicClient, http } from "viem";
import type { Deployment } from "#core/contract/ledger.ts";
import { createIndexerClient } from "#core/indexer/client.ts";
import { BIN, childEnv, startProcess, waitUntil, type ManagedProcess } from "./processes.ts";
import { join } from "node:path";

export interface IndexerOptions {
  readonly rpcUrl: string;
  readonly deployment: Deployment;
  readonly port: number;
  /** The indexer's PGlite folder (statePaths(dataDir).indexer). */
  readonly dataDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** How long the first sync may take (default 10 minutes: long local histories). */
  readonly timeoutMs?: number;
}

export interface RunningIndexer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Ponder refuses a database schema an earlier build of the indexer wrote: the index is derived data, so it is rebuilt. */
const OTHER_BUILD = /previously used by a (different Ponder app|Ponder app with a different minor version)/;

function spawnPonder(options: IndexerOptions): ManagedProcess {
  const env = childEnv(
    {
      MEDLEDGER_RPC_URL: options.rpcUrl,
      MEDLEDGER_CHAIN_ID: String(options.deployment.chainId),
      MEDLEDGER_CONTRACT: options.deployment.address,
      MEDLEDGER_DEPLOY_BLOCK: String(options.deployment.deployBlock),
      MEDLEDGER_INDEXER_DATA_DIR: options.dataDir,
      // The local stack's index lives with its chain in the data folder, never in a shared PostgreSQL.
      DATABASE_URL: "",
      DATABASE_PRIVATE_URL: "",
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
      "medledger",
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
  const run = async (): Promise<ManagedProcess> => {
    const ponder = spawnPonder(options);
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
    rmSync(options.dataDir, { recursive: true, force: true });
    ponder = await run();
  }
  return { url, stop: () => ponder.stop() };
}
