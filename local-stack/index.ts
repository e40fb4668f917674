/**
 * The local stack: a local chain (anvil, its state kept in the data folder), the MedLedger
 * contract deployed to it, the embedded IPFS node behind a Kubo-RPC endpoint, optional demo data,
 * the indexer (Ponder, the lists' API) and the web app, with the hospital's relayer (a dev account
 * the chain funds, so a patient holding no ETH can act). Used by `npm start`, the CLI and browser
 * tests, and the benchmarks.
 *
 * State is all or nothing (local-stack/state.ts): chain, IPFS and database are kept together in
 * the data folder and reused by the next start when they still belong together; otherwise — or
 * with `fresh` — all three start afresh, and only then is the contract deployed and the demo seeded.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createPublicClient, http } from "viem";
import type { Deployment } from "#core/contract/ledger.ts";
import { devRelayerKey, demoAccount } from "#core/dev/demoKeys.ts";
import { deploymentPath, PROJECT_ROOT } from "#core/node/config.ts";
import { startChain } from "./chain.ts";
import { openHeliaStore, type HeliaStore } from "./ipfs/heliaStore.ts";
import { startKuboRpcServer } from "./ipfs/kuboRpcServer.ts";
import { deployLocal } from "./deploy.ts";
import { describeIndexerDatabase, indexerDatabaseOf, startIndexer } from "./indexer.ts";
import { BIN, childEnv, portHolder, portInUse, startProcess, waitUntil, type ManagedProcess } from "./processes.ts";
import { anyState, checkKept, precheck, readRecord, statePaths, wipeState, writeRecord } from "./state.ts";
import { appointRecordsCustodian } from "#core/custody/custodian.ts";
import type { MedLedgerConfig } from "#core/config.ts";
import { findDemoPerson } from "#core/dev/demoAccounts.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";
import { createLedgerWriter } from "#core/node/clients.ts";
import { custodianFromEnv } from "#server/custody/local.ts";
import { startCustodyWorker } from "#server/custody/worker.ts";

function custodyConfig(rpcUrl: string, ipfsApiUrl: string, deployment: Deployment): MedLedgerConfig {
  return { rpcUrl, ipfsApiUrl, deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
}

/** The demo admin (account #0 of the dev mnemonic, the deployer). */
function adminWriter(rpcUrl: string, ipfsApiUrl: string, deployment: Deployment) {
  return createLedgerWriter(custodyConfig(rpcUrl, ipfsApiUrl, deployment), demoAccount(findDemoPerson("admin")!));
}

export interface LocalStackOptions {
  readonly rpcPort?: number;
  readonly ipfsPort?: number;
  readonly webPort?: number;
  /** The indexer's list API (Ponder's HTTP server). */
  readonly indexerPort?: number;
  /** Where the chain, the IPFS node and the embedded database keep their state (default `.data/`). */
  readonly dataDir?: string;
  /** Discard the state kept in `dataDir` and start afresh (`npm start -- --fresh`). */
  readonly fresh?: boolean;
  /** Seed demo staff, patients and reports. */
  readonly seed?: boolean;
  /** Serve the production web app (built by `npm run build:web`). */
  readonly web?: boolean;
  /** Write deployments/<chainId>.json (the default location the CLI and web app read). */
  readonly writeDeploymentFile?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Environment of the web server and of the database choice (DATABASE_URL); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LocalStack {
  readonly rpcUrl: string;
  readonly ipfsApiUrl: string;
  readonly webUrl?: string;
  /** The indexer's list API. */
  readonly indexerUrl: string;
  /** Where the indexer keeps its index: "PostgreSQL … (schema …)" (DATABASE_URL) or "PGlite in …". */
  readonly indexerDatabase: string;
  readonly deployment: Deployment;
  /** Whether the demo data is there (seeded now, or in the kept state). */
  readonly seeded: boolean;
  /** Whether the state of the last run was kept, and if not, why not. */
  readonly state: StackState;
  stop(): Promise<void>;
}

export type StackState = { readonly kept: true; readonly dataDir: string } | { readonly kept: false; readonly dataDir: string; readonly reason: string };

/** The one line `npm start` prints about the state. */
export function describeState(state: StackState): string {
  return state.kept
    ? `State: kept from the last run in ${state.dataDir} (chain, IPFS, database) — \`npm start -- --fresh\` to start over`
    : `State: fresh (${state.reason}); kept in ${state.dataDir} for the next run`;
}

async function ensureFree(port: number, what: string, flag: string): Promise<void> {
  if (await portInUse(port)) {
    const holder = portHolder(port);
    const who = holder ? ` by process ${holder.pid} (${holder.command || "?"})` : "";
    const how = holder
      ? `Stop it with \`kill ${holder.pid}\` (a stale \`npm start\`?)`
      : "Stop whatever listens there (a stale `npm start`? `ss -ltnp` names it)";
    throw new Error(`Port ${port} (${what}) is already in use${who}. ${how}, or choose another port (npm start -- ${flag} <port>).`);
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const rpcPort = options.rpcPort ?? 8545;
  const ipfsPort = options.ipfsPort ?? 5001;
  const webPort = options.webPort ?? 3000;
  const indexerPort = options.indexerPort ?? 42069;
  const dataDir = options.dataDir ?? join(PROJECT_ROOT, ".data");
  const env = options.env ?? process.env;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    await ensureFree(rpcPort, "Ethereum node", "--rpc-port");
    await ensureFree(ipfsPort, "IPFS API", "--ipfs-port");
    if (options.web) await ensureFree(webPort, "web app", "--web-port");
    await ensureFree(indexerPort, "indexer", "--indexer-port");

    const paths = statePaths(dataDir);
    mkdirSync(dataDir, { recursive: true });
    // Keep the last run's state only when every part of it is there and fits together.
    let reason: string | undefined = options.fresh ? "--fresh" : anyState(dataDir) ? precheck(dataDir, env) : "nothing kept yet";
    if (reason !== undefined) await wipeState(dataDir, { env, log });

    log(`starting the chain (anvil) on 127.0.0.1:${rpcPort}${reason === undefined ? `, from ${paths.chainState}` : ""}`);
    let chain = await startChain({ port: rpcPort, stateFile: paths.chainState }).catch(async (error: unknown) => {
      if (reason !== undefined) throw error;
      reason = `anvil could not load ${paths.chainState}: ${error instanceof Error ? error.message.split("\n").slice(-1)[0] : String(error)}`;
      log(`${reason}: starting afresh`);
      await wipeState(dataDir, { env, log });
      return startChain({ port: rpcPort, stateFile: paths.chainState });
    });
    stops.push(() => chain.node.stop());
    const rpcUrl = chain.rpcUrl;

    log(`starting the embedded IPFS node (${paths.ipfs}) with a Kubo RPC API on 127.0.0.1:${ipfsPort}`);
    let store: HeliaStore = await openHeliaStore(paths.ipfs);
    stops.push(() => store.close());

    if (reason === undefined) {
      reason = await checkKept(dataDir, rpcUrl, store, env);
      if (reason !== undefined) {
        // Never half: stop what was opened, discard all of it, and start all of it anew.
        log(`the kept state does not fit together (${reason}): starting afresh`);
        await store.close();
        await chain.node.stop();
        stops.length = 0;
        await wipeState(dataDir, { env, log });
        chain = await startChain({ port: rpcPort, stateFile: paths.chainState });
        stops.push(() => chain.node.stop());
        store = await openHeliaStore(paths.ipfs);
        stops.push(() => store.close());
      }
    }
    const ipfs = await startKuboRpcServer({ store, host: "127.0.0.1", port: ipfsPort });
    stops.push(() => ipfs.close());

    let deployment: Deployment;
    let seeded = options.seed ?? false;
    if (reason === undefined) {
      const record = readRecord(dataDir)!;
      deployment = { chainId: record.chainId, address: record.address, deployBlock: BigInt(record.deployBlock) };
      seeded = record.seeded;
    } else {
      log("deploying MedLedger");
      deployment = await deployLocal(rpcUrl);
      // The hospital's records custodian, before any report: every report key is also wrapped to it.
      const custodian = custodianFromEnv(custodyConfig(rpcUrl, ipfs.url, deployment), env, { dev: true })!;
      log(`records custodian ${custodian.keystore.account}`);
      await appointRecordsCustodian(adminWriter(rpcUrl, ipfs.url, deployment), custodian.writer, custodian.keystore.publicKey);
      if (options.seed) {
        const { seedDemo } = await import("./seed/seed.ts");
        await seedDemo({ rpcUrl, ipfsApiUrl: ipfs.url, deployment, log });
      }
      // Recorded last: a start interrupted before this point leaves no record, and the next
      // start discards the half-made state.
      const block = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getBlock({ blockNumber: deployment.deployBlock });
      writeRecord(dataDir, deployment, block.hash, seeded, env);
    }
    if (options.writeDeploymentFile ?? true) {
      const file = deploymentPath(deployment.chainId);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(
        file,
        `${JSON.stringify({ chainId: deployment.chainId, address: deployment.address, deployBlock: Number(deployment.deployBlock) }, null, 2)}\n`,
      );
    }
    log(`MedLedger at ${deployment.address} (chain ${deployment.chainId})`);
    const state: StackState = reason === undefined ? { kept: true, dataDir } : { kept: false, dataDir, reason };

    const indexerOptions = { rpcUrl, deployment, port: indexerPort, dataDir: paths.indexer, env, log };
    log(`starting the indexer (Ponder) on 127.0.0.1:${indexerPort}, its database: ${describeIndexerDatabase(await indexerDatabaseOf(indexerOptions))}`);
    const indexer = await startIndexer(indexerOptions);
    stops.push(() => indexer.stop());

    // The custodian's worker: re-wraps report keys for successors, guardians and emergency doctors, releases held results when due.
    const custody = custodianFromEnv(custodyConfig(rpcUrl, ipfs.url, deployment), env, { dev: true })!;
    const worker = startCustodyWorker({ custodian: custody.writer, keystore: custody.keystore, intervalMs: 1_000, log });
    stops.push(() => worker.stop());

    let webUrl: string | undefined;
    if (options.web) {
      webUrl = `http://localhost:${webPort}`;
      log(`starting the web app on ${webUrl}`);
      const web: ManagedProcess = startProcess(
        "next start",
        join(BIN, "next"),
        ["start", "web", "--hostname", "127.0.0.1", "--port", String(webPort)],
        childEnv(
          {
            MEDLEDGER_RPC_URL: rpcUrl,
            MEDLEDGER_CHAIN_ID: String(deployment.chainId),
            MEDLEDGER_CONTRACT: deployment.address,
            MEDLEDGER_DEPLOY_BLOCK: String(deployment.deployBlock),
            MEDLEDGER_IPFS_API_URL: ipfs.url,
            MEDLEDGER_DATA_DIR: dataDir,
            // The hospital's relayer: the dev account anvil funds at index 19 (a key of the environment wins).
            MEDLEDGER_RELAYER_KEY: env.MEDLEDGER_RELAYER_KEY || devRelayerKey(),
            MEDLEDGER_INDEXER_URL: indexer.url,
          },
          env,
        ),
      );
      stops.push(() => web.stop());
      await waitUntil("the web app answers", async () => (await fetch(webUrl!)).status < 500, web);
    }
    return { rpcUrl, ipfsApiUrl: ipfs.url, webUrl, indexerUrl: indexer.url, indexerDatabase: indexer.database, deployment, seeded, state, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
