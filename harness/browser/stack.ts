/**
 * Everything a browser test needs, on free ports: a local chain (anvil) with MedLedger
 * deployed, the embedded IPFS node behind its Kubo-RPC endpoint, and the PRODUCTION web app
 * (`next start web`, built first if stale) configured for them at run time — started by
 * local-stack/index.ts `startLocalStack`, in a temporary data folder, writing no deployment file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export async function startE2EStack(options: E2EStackOptions = {}): Promise<E2EStack> {
  ensureWebBuild(options.log);
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-e2e-"));
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
    });
    return {
      rpcUrl: stack.rpcUrl,
      ipfsApiUrl: stack.ipfsApiUrl,
      webUrl: stack.webUrl!,
      indexerUrl: stack.indexerUrl,
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
