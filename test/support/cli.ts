/**
 * Drives the `medledger` CLI as a user would: `node cli/bin.ts …` as a child process (the project's
 * Node first on PATH) against a real local stack (anvil, deployed contract, embedded IPFS
 * behind its Kubo RPC API), each test run in fresh temporary folders and free ports.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, defineChain, http, type Address } from "viem";
import type { LedgerReader, LedgerWriter } from "#core/contract/ledger.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { ensureWebBuild } from "#harness/browser/build.ts";
import { startLocalStack, type LocalStack } from "#local-stack/index.ts";
import { freePort } from "#local-stack/processes.ts";
import type { IpfsFixture } from "./ipfs.ts";
import type { LedgerFixture } from "./ledgers.ts";

export { CLI, cleanEnv, json, runCli, type CliResult } from "#harness/cli/run.ts";
import { cleanEnv, runCli, type CliResult } from "#harness/cli/run.ts";

export function address(handle: string): Address {
  const person = DEMO_PEOPLE.find((p) => p.handle === handle);
  if (!person) throw new Error(`no demo person ${handle}`);
  return demoAccount(person).address;
}

/**
 * Runs the CLI in `dir` against a test ledger and IPFS node (the fixtures are read at each call, so
 * this can be built before `before` has set them up), its state in `dir/state`.
 */
export function cliOn(fixtures: () => { ledger: LedgerFixture; ipfs: IpfsFixture; dir: string }) {
  return (args: readonly string[], extra: Record<string, string> = {}): Promise<CliResult> => {
    const { ledger, ipfs, dir } = fixtures();
    return runCli(args, {
      cwd: dir,
      env: cleanEnv({
        MEDLEDGER_RPC_URL: ledger.rpcUrl!,
        MEDLEDGER_CHAIN_ID: String(ledger.deployment.chainId),
        MEDLEDGER_CONTRACT: ledger.deployment.address,
        MEDLEDGER_DEPLOY_BLOCK: String(ledger.deployment.deployBlock),
        MEDLEDGER_IPFS_API_URL: ipfs.apiUrl,
        MEDLEDGER_STATE_DIR: join(dir, "state"),
        ...extra,
      }),
    });
  };
}

export interface CliStack {
  readonly stack: LocalStack;
  /** Temporary folder for files, the CLI's working directory and its state. */
  readonly dir: string;
  /** Environment pointing the CLI at the stack (MEDLEDGER_RPC_URL, …, MEDLEDGER_STATE_DIR). */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Runs the CLI in `dir` with `env()`. */
  run(args: readonly string[], extra?: Record<string, string>): Promise<CliResult>;
  stop(): Promise<void>;
}

/** `web`: also serve the production web app (with the local stack's relayer), built first if stale. */
export async function startCliStack(options: { web?: boolean } = {}): Promise<CliStack> {
  if (options.web) ensureWebBuild();
  const dir = mkdtempSync(join(tmpdir(), "medledger-cli-"));
  const stack = await startLocalStack({
    rpcPort: await freePort(),
    ipfsPort: await freePort(),
    ...(options.web ? { webPort: await freePort() } : {}),
    indexerPort: await freePort(),
    dataDir: join(dir, "data"),
    seed: false,
    web: options.web ?? false,
    writeDeploymentFile: false,
  });
  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({
      MEDLEDGER_RPC_URL: stack.rpcUrl,
      MEDLEDGER_CHAIN_ID: String(stack.deployment.chainId),
      MEDLEDGER_CONTRACT: stack.deployment.address,
      MEDLEDGER_DEPLOY_BLOCK: String(stack.deployment.deployBlock),
      MEDLEDGER_IPFS_API_URL: stack.ipfsApiUrl,
      MEDLEDGER_STATE_DIR: join(dir, "state"),
      ...extra,
    });
  return {
    stack,
    dir,
    env,
    run: (args, extra) => runCli(args, { env: env(extra), cwd: dir }),
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `anvil` with another chain id on a free port; returns its URL and a stop function. */
export async function startAnvil(chainId: number): Promise<{ rpcUrl: string; stop(): Promise<void> }> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child = spawn(join(PROJECT_ROOT, "node_modules/.bin/anvil"), ["--port", String(port), "--chain-id", String(chainId), "--silent"], { stdio: "ignore" });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("anvil did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    rpcUrl,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A LedgerFixture on the CLI stack's node, for setting up the clinic through the core. */
export function stackFixture(cli: CliStack): LedgerFixture {
  const { rpcUrl, deployment } = cli.stack;
  const chain = defineChain({
    id: deployment.chainId,
    name: "stack",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 });
  const writers = new Map<string, LedgerWriter>();
  return {
    deployment,
    transport,
    rpcUrl,
    reader: (): LedgerReader => ({ publicClient, deployment, rpcUrl }),
    as(handle) {
      const known = writers.get(handle);
      if (known) return known;
      const person = DEMO_PEOPLE.find((p) => p.handle === handle);
      if (!person) throw new Error(`no demo person ${handle}`);
      const writer: LedgerWriter = { publicClient, walletClient: createWalletClient({ account: demoAccount(person), chain, transport }), deployment, rpcUrl };
      writers.set(handle, writer);
      return writer;
    },
    close: async () => {},
  };
}
