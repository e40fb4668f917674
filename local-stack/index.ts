/**
 * The local stack: a Hardhat node, the MedLedger contract deployed to it, the embedded IPFS node
 * behind a Kubo-RPC endpoint, optional demo data and the web app. Used by `npm start`, the CLI
 * and browser tests, and the benchmarks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createPublicClient, http } from "viem";
import type { Deployment } from "#core/contract/ledger.ts";
import { LOCAL_DEFAULTS } from "#core/config.ts";
import { deploymentPath, PROJECT_ROOT } from "#core/node/config.ts";
import { openHeliaStore } from "./ipfs/heliaStore.ts";
import { startKuboRpcServer } from "./ipfs/kuboRpcServer.ts";
import { deployLocal } from "./deploy.ts";
import { BIN, childEnv, portInUse, startProcess, waitUntil, type ManagedProcess } from "./processes.ts";

export interface LocalStackOptions {
  readonly rpcPort?: number;
  readonly ipfsPort?: number;
  readonly webPort?: number;
  /** Where the IPFS node keeps its blocks. */
  readonly dataDir?: string;
  /** Seed demo staff, patients and reports. */
  readonly seed?: boolean;
  /** Serve the production web app (built by `npm run build:web`). */
  readonly web?: boolean;
  /** Write deployments/<chainId>.json (the default location the CLI and web app read). */
  readonly writeDeploymentFile?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface LocalStack {
  readonly rpcUrl: string;
  readonly ipfsApiUrl: string;
  readonly webUrl?: string;
  readonly deployment: Deployment;
  stop(): Promise<void>;
}

async function ensureFree(port: number, what: string): Promise<void> {
  if (await portInUse(port)) {
    throw new Error(`Port ${port} (${what}) is already in use. Stop whatever listens there (another \`npm start\`?) or choose another port.`);
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const rpcPort = options.rpcPort ?? 8545;
  const ipfsPort = options.ipfsPort ?? 5001;
  const webPort = options.webPort ?? 3000;
  const dataDir = options.dataDir ?? join(PROJECT_ROOT, ".data");
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    await ensureFree(rpcPort, "Ethereum node");
    await ensureFree(ipfsPort, "IPFS API");
    if (options.web) await ensureFree(webPort, "web app");

    log(`starting the Hardhat node on 127.0.0.1:${rpcPort}`);
    const rpcUrl = `http://127.0.0.1:${rpcPort}`;
    const node = startProcess("hardhat node", join(BIN, "hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(rpcPort)], childEnv());
    stops.push(() => node.stop());
    const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
    await waitUntil("the Hardhat node answers", async () => (await probe.getChainId()) === LOCAL_DEFAULTS.chainId, node);

    log("deploying MedLedger");
    const deployment = await deployLocal(rpcUrl);
    if (options.writeDeploymentFile ?? true) {
      const file = deploymentPath(deployment.chainId);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ chainId: deployment.chainId, address: deployment.address, deployBlock: Number(deployment.deployBlock) }, null, 2)}\n`);
    }
    log(`MedLedger at ${deployment.address} (chain ${deployment.chainId})`);

    log(`starting the embedded IPFS node (${join(dataDir, "ipfs")}) with a Kubo RPC API on 127.0.0.1:${ipfsPort}`);
    mkdirSync(dataDir, { recursive: true });
    const store = await openHeliaStore(join(dataDir, "ipfs"));
    stops.push(() => store.close());
    const ipfs = await startKuboRpcServer({ store, host: "127.0.0.1", port: ipfsPort });
    stops.push(() => ipfs.close());

    if (options.seed) {
      const { seedDemo } = await import("./seed/seed.ts");
      await seedDemo({ rpcUrl, ipfsApiUrl: ipfs.url, deployment, log });
    }

    let webUrl: string | undefined;
    if (options.web) {
      webUrl = `http://localhost:${webPort}`;
      log(`starting the web app on ${webUrl}`);
      const web: ManagedProcess = startProcess(
        "next start",
        join(BIN, "next"),
        ["start", "web", "--hostname", "127.0.0.1", "--port", String(webPort)],
        childEnv({
          MEDLEDGER_RPC_URL: rpcUrl,
          MEDLEDGER_CHAIN_ID: String(deployment.chainId),
          MEDLEDGER_CONTRACT: deployment.address,
          MEDLEDGER_DEPLOY_BLOCK: String(deployment.deployBlock),
          MEDLEDGER_IPFS_API_URL: ipfs.url,
          MEDLEDGER_DATA_DIR: dataDir,
        }),
      );
      stops.push(() => web.stop());
      await waitUntil("the web app answers", async () => (await fetch(webUrl!)).status < 500, web);
    }
    return { rpcUrl, ipfsApiUrl: ipfs.url, webUrl, deployment, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
