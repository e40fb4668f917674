/**
 * The local chain: anvil (Foundry's development node, from npm `@foundry-rs/anvil`), because its
 * state survives a restart — `--state <file>` loads the file at start and writes it on exit
 * (SIGTERM), `--state-interval` also writes it every few seconds, so even a killed node loses at
 * most that much. The Hardhat node keeps its state in memory only. `--prune-history 128` keeps the
 * last 128 states in memory, not every one (blocks, transactions and logs are all kept and written
 * to the file). With a single state, a call made at "latest" while other clients' transactions
 * mine the next block was answered "block out of range" (-32602): seen with 10 parallel uploads.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createPublicClient, http } from "viem";
import { LOCAL_DEFAULTS } from "#core/config.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { BIN, childEnv, startProcess, waitUntil, type ManagedProcess } from "./processes.ts";

/** Seconds between two state writes of a running node. */
export const STATE_INTERVAL_SECONDS = 2;

/**
 * The native anvil binary of the installed platform package (the `.bin/anvil` wrapper is a Node
 * script that forwards signals to it: one process more, and a second SIGTERM for the node).
 */
export function anvilBinary(): string {
  const scope = join(PROJECT_ROOT, "node_modules", "@foundry-rs");
  try {
    for (const name of readdirSync(scope)) {
      const candidate = join(scope, name, "bin", "anvil");
      if (name.startsWith("anvil-") && existsSync(candidate)) return candidate;
    }
  } catch {
    /* no platform package: use the wrapper */
  }
  return join(BIN, "anvil");
}

export interface ChainOptions {
  readonly port: number;
  /** anvil's state file: loaded if it exists, written periodically and on exit. */
  readonly stateFile: string;
}

/** Starts anvil on 127.0.0.1:`port` with the dev mnemonic's accounts and waits until it answers. */
export async function startChain(options: ChainOptions): Promise<{ rpcUrl: string; node: ManagedProcess }> {
  mkdirSync(dirname(options.stateFile), { recursive: true });
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--chain-id",
    String(LOCAL_DEFAULTS.chainId),
    "--accounts",
    "20", // the demo people (as many as the Hardhat node funds)
    "--state",
    options.stateFile,
    "--state-interval",
    String(STATE_INTERVAL_SECONDS),
    "--prune-history",
    "128",
    "--silent",
  ];
  // A large state takes a while to write on exit: give it time before SIGKILL.
  const node = startProcess("anvil", anvilBinary(), args, childEnv(), { graceMs: 20_000 });
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  try {
    await waitUntil("the chain (anvil) answers", async () => (await probe.getChainId()) === LOCAL_DEFAULTS.chainId, node, 60_000);
  } catch (error) {
    await node.stop();
    throw error;
  }
  return { rpcUrl, node };
}
