/**
 * Drives the `medledger` CLI as a user would: `node cli/bin.ts …` as a child process (the project's
 * Node first on PATH) against a real local stack (anvil, deployed contract, embedded IPFS
 * behind its Kubo RPC API), each test run in fresh temporary folders and free ports.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address } from "viem";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { startLocalStack, type LocalStack } from "#local-stack/index.ts";
import { childEnv, freePort } from "#local-stack/processes.ts";

export const CLI = join(PROJECT_ROOT, "cli", "bin.ts");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a user has: no MedLedger settings but those given, the project's Node on PATH. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = childEnv();
  for (const key of Object.keys(env)) if (key.startsWith("MEDLEDGER_") || key === "IPFS_API_URL") delete env[key];
  return { ...env, ...extra };
}

/** Runs `node cli/bin.ts ...args` and collects its output and exit code. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("node", [CLI, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses the JSON document a `--json` run printed on stdout. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

export function address(handle: string): Address {
  const person = DEMO_PEOPLE.find((p) => p.handle === handle);
  if (!person) throw new Error(`no demo person ${handle}`);
  return demoAccount(person).address;
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

export async function startCliStack(): Promise<CliStack> {
  const dir = mkdtempSync(join(tmpdir(), "medledger-cli-"));
  const stack = await startLocalStack({
    rpcPort: await freePort(),
    ipfsPort: await freePort(),
    indexerPort: await freePort(),
    dataDir: join(dir, "data"),
    seed: false,
    web: false,
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
