/**
 * Test fixtures: a freshly deployed MedLedger on the in-process Hardhat EVM or on a real anvil
 * node, with a viem writer per demo person — the same clients the app and CLI use.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { network } from "hardhat";
import { createPublicClient, createWalletClient, custom, defineChain, http, type EIP1193Provider, type Transport } from "viem";
import type { Deployment, LedgerReader, LedgerWriter } from "#core/contract/ledger.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { deployMedLedger } from "#ignition/deploy.ts";
import { deployLocal, toDeployment } from "#local-stack/deploy.ts";
import { freePort, waitUntil } from "#local-stack/processes.ts";

export interface LedgerFixture {
  readonly deployment: Deployment;
  readonly transport: Transport;
  readonly rpcUrl?: string;
  reader(): LedgerReader;
  /** A writer signing as the demo person `handle` (see core/dev/demoAccounts.ts). */
  as(handle: string): LedgerWriter;
  close(): Promise<void>;
}

function fixture(transport: Transport, deployment: Deployment, rpcUrl: string | undefined, close: () => Promise<void>): LedgerFixture {
  const chain = defineChain({
    id: deployment.chainId,
    name: "test",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl ?? "http://in-process"] } },
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 });
  const writers = new Map<string, LedgerWriter>();
  return {
    deployment,
    transport,
    rpcUrl,
    reader: () => ({ publicClient, deployment, rpcUrl }),
    as(handle) {
      const known = writers.get(handle);
      if (known) return known;
      const person = DEMO_PEOPLE.find((p) => p.handle === handle);
      if (!person) throw new Error(`no demo person ${handle}`);
      const walletClient = createWalletClient({ account: demoAccount(person), chain, transport });
      const writer: LedgerWriter = { publicClient, walletClient, deployment, rpcUrl };
      writers.set(handle, writer);
      return writer;
    },
    close,
  };
}

/** The same deployment reached through another JSON-RPC URL (a proxy in front of the node): reads and writes go through it. */
export function ledgerThrough(base: LedgerFixture, rpcUrl: string): LedgerFixture {
  return fixture(http(rpcUrl, { retryCount: 0 }), base.deployment, rpcUrl, async () => {});
}

/** MedLedger on a fresh in-process Hardhat network. */
export async function inProcessLedger(): Promise<LedgerFixture> {
  const connection = await network.create();
  const transport = custom(connection.provider as unknown as EIP1193Provider);
  const deployment = toDeployment(await deployMedLedger(connection));
  return fixture(transport, deployment, undefined, () => connection.close());
}

export interface AnvilOptions {
  /** Mine a block every this many seconds (as a real network does) instead of one per transaction. */
  readonly blockTime?: number;
}

/** MedLedger on a real anvil node (an independent EVM implementation) on a free port. */
export async function anvilLedger(options: AnvilOptions = {}): Promise<LedgerFixture> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const args = ["--port", String(port), "--accounts", "20", "--silent", ...(options.blockTime ? ["--block-time", String(options.blockTime)] : [])];
  const child = spawn(join(PROJECT_ROOT, "node_modules/.bin/anvil"), args, { stdio: "ignore" });
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  await waitUntil("anvil answers", async () => (await probe.getChainId()) > 0);
  const transport = http(rpcUrl);
  const deployment = await deployLocal(rpcUrl);
  return fixture(transport, deployment, rpcUrl, async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  });
}
