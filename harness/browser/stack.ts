/**
 * Everything a browser test needs, on free ports: a local chain (anvil) with MedLedger
 * deployed, the embedded IPFS node behind its Kubo-RPC endpoint, and the PRODUCTION web app
 * (`next start web`, built first if stale) configured for them at run time — started by
 * local-stack/index.ts `startLocalStack`, in a temporary data folder, writing no deployment file.
 * With DATABASE_URL, each stack has a throw-away PostgreSQL database of its own on that server
 * (its web server's tables and its index), dropped when it stops.
 *
 * Spare stacks (MEDLEDGER_E2E_SPARE_STACKS=1, set by `npm run test:suites` when it runs several
 * browser files): once a file has its stack, another one like it (seeded or not) starts in the
 * background, so the next file that asks for one finds it ready instead of waiting 20-30 s for
 * chain, seed, indexer and web server. Every file still gets a stack of its own that no other file
 * has touched; the spares left at the end are stopped after the last file (the root hook in
 * hardhat.config.ts runs the functions of {@link RUN_END}).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Deployment } from "#core/contract/ledger.ts";
import { startLocalStack } from "#local-stack/index.ts";
import { freePort } from "#local-stack/processes.ts";
import { ensureWebBuild } from "./build.ts";

export interface E2EStack {
  readonly rpcUrl: string;
  readonly ipfsApiUrl: string;
  readonly webUrl: string;
  /** The indexer's list API (Ponder). */
  readonly indexerUrl: string;
  readonly deployment: Deployment;
  stop(): Promise<void>;
}

export interface E2EStackOptions {
  /** Seed the demo staff, patients and reports. */
  readonly seed?: boolean;
  readonly log?: (line: string) => void;
}

/** Functions to run once after the last test file (hardhat.config.ts `rootHooks.afterAll`). */
export const RUN_END = Symbol.for("medledger.test.runEnd");

function atRunEnd(work: () => Promise<void>): void {
  const registry = globalThis as unknown as Record<symbol, (() => Promise<void>)[] | undefined>;
  (registry[RUN_END] ??= []).push(work);
}

/** A throw-away database on the PostgreSQL server of `url`. */
async function scratchDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `medledger_e2e_${randomBytes(6).toString("hex")}`;
  const run = async (query: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function launch(options: E2EStackOptions): Promise<E2EStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-e2e-"));
  const database = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL) : undefined;
  const cleanUp = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  };
  try {
    const stack = await startLocalStack({
      rpcPort: await freePort(),
      ipfsPort: await freePort(),
      indexerPort: await freePort(),
      webPort: await freePort(),
      dataDir,
      seed: options.seed ?? false,
      web: true,
      writeDeploymentFile: false,
      log: options.log,
      env: database ? { ...process.env, DATABASE_URL: database.url } : process.env,
    });
    return {
      rpcUrl: stack.rpcUrl,
      ipfsApiUrl: stack.ipfsApiUrl,
      webUrl: stack.webUrl!,
      indexerUrl: stack.indexerUrl,
      deployment: stack.deployment,
      async stop() {
        await stack.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}

/** The spare stack of each kind (seeded or not), starting or ready; undefined once its start failed. */
const spares = new Map<boolean, Promise<E2EStack | undefined>>();
let sparesStopAtRunEnd = false;

function startSpare(seed: boolean): void {
  if (!sparesStopAtRunEnd) {
    sparesStopAtRunEnd = true;
    atRunEnd(async () => {
      const left = [...spares.values()];
      spares.clear();
      for (const spare of left) await (await spare)?.stop();
    });
  }
  // A spare that fails to start is no error of any test: the next file starts its own.
  spares.set(
    seed,
    launch({ seed }).catch(() => undefined),
  );
}

export async function startE2EStack(options: E2EStackOptions = {}): Promise<E2EStack> {
  ensureWebBuild(options.log);
  if (process.env.MEDLEDGER_E2E_SPARE_STACKS !== "1" || options.log) return launch(options);
  const seed = options.seed ?? false;
  const spare = spares.get(seed);
  spares.delete(seed);
  const stack = (await spare) ?? (await launch(options));
  startSpare(seed);
  return stack;
}
