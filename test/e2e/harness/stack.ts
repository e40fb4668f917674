/**
 * Everything a browser test needs, on free ports: a local chain with MedLedger deployed, the IPFS
 * endpoint and the production web app configured for them at run time — started by the lead's
 * scripts/local-stack (`startLocalStack`). While the embedded IPFS node is not in the tree yet,
 * a minimal stack (chain + deployment + web, no IPFS) serves the tests that need no IPFS.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import type { Deployment } from "../../../core/contract/ledger.ts";
import { PROJECT_ROOT } from "../../../core/node/config.ts";
import { deployLocal } from "../../../scripts/local-stack/deploy.ts";
import { BIN, childEnv, freePort, startProcess, waitUntil } from "../../../scripts/local-stack/processes.ts";
import { ensureWebBuild } from "./build.ts";

export interface E2EStack {
  readonly rpcUrl: string;
  /** Undefined when the minimal stack runs (no IPFS node available). */
  readonly ipfsApiUrl: string | undefined;
  readonly webUrl: string;
  readonly deployment: Deployment;
  stop(): Promise<void>;
}

export interface E2EStackOptions {
  /** Seed the demo staff, patients and reports (needs the full stack). */
  readonly seed?: boolean;
  /** Fail unless the IPFS endpoint runs (tests that upload or read reports). */
  readonly requireIpfs?: boolean;
  readonly log?: (line: string) => void;
}

/** Whether the embedded IPFS node (and so the lead's full local stack) is available. */
export function fullStackAvailable(): boolean {
  return existsSync(join(PROJECT_ROOT, "core", "ipfs", "node", "kuboRpcServer.ts"));
}

export async function startE2EStack(options: E2EStackOptions = {}): Promise<E2EStack> {
  ensureWebBuild(options.log);
  if (fullStackAvailable()) return startFullStack(options);
  if (options.requireIpfs || options.seed) throw new Error("These tests need the embedded IPFS node (core/ipfs/node), which is not in the tree.");
  return startMinimalStack(options);
}

async function startFullStack(options: E2EStackOptions): Promise<E2EStack> {
  const { startLocalStack } = await import("../../../scripts/local-stack/index.ts");
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-e2e-"));
  try {
    const stack = await startLocalStack({
      rpcPort: await freePort(),
      ipfsPort: await freePort(),
      webPort: await freePort(),
      dataDir,
      seed: options.seed ?? false,
      web: true,
      writeDeploymentFile: false,
      log: options.log,
    });
    return {
      rpcUrl: stack.rpcUrl,
      ipfsApiUrl: stack.ipfsApiUrl,
      webUrl: stack.webUrl!,
      deployment: stack.deployment,
      async stop() {
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startMinimalStack(options: E2EStackOptions): Promise<E2EStack> {
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    const rpcPort = await freePort();
    const rpcUrl = `http://127.0.0.1:${rpcPort}`;
    log(`starting a Hardhat node on ${rpcUrl}`);
    const node = startProcess("hardhat node", join(BIN, "hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(rpcPort)], childEnv());
    stops.push(() => node.stop());
    const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
    await waitUntil("the Hardhat node answers", async () => (await probe.getChainId()) > 0, node);
    const deployment = await deployLocal(rpcUrl);
    const webPort = await freePort();
    const webUrl = `http://localhost:${webPort}`;
    log(`starting the web app on ${webUrl}`);
    const web = startProcess(
      "next start",
      join(BIN, "next"),
      ["start", "web", "--hostname", "127.0.0.1", "--port", String(webPort)],
      childEnv({
        MEDLEDGER_RPC_URL: rpcUrl,
        MEDLEDGER_CHAIN_ID: String(deployment.chainId),
        MEDLEDGER_CONTRACT: deployment.address,
        MEDLEDGER_DEPLOY_BLOCK: String(deployment.deployBlock),
        MEDLEDGER_IPFS_API_URL: "http://127.0.0.1:9", // nothing listens: no IPFS in the minimal stack
      }),
    );
    stops.push(() => web.stop());
    await waitUntil("the web app answers", async () => (await fetch(webUrl)).status < 500, web);
    return { rpcUrl, ipfsApiUrl: undefined, webUrl, deployment, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
