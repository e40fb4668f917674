/**
 * The one configuration resolver of every Node-side program (CLI, web server, scripts): overrides
 * (flags) over environment variables over the local stack's defaults. The contract address comes
 * from the overrides, MEDLEDGER_CONTRACT, or the deployment file <chainId>.json in
 * MEDLEDGER_DEPLOYMENTS_DIR, else in the repository's deployments/ folder.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as z from "zod/mini";
import { DEFAULT_MAX_FILE_BYTES, defaultFinalityBlocks, LOCAL_DEFAULTS, parseDeploymentFile, type MedLedgerConfig } from "../config.ts";
import { MedLedgerError } from "../errors.ts";
import type { RemotePinningConfig } from "../ipfs/remotePinning.ts";
import { addressSchema, parseAddress } from "../validation.ts";

/** This checkout, from this module's location (stable when run from source: CLI, scripts, tests). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function isMedLedgerManifest(manifest: string): boolean {
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "medledger";
  } catch {
    return false;
  }
}

/** The nearest folder at or above `start` holding MedLedger's package.json, if any. */
function findRepositoryRoot(start: string): string | undefined {
  let dir = resolve(/*turbopackIgnore: true*/ start);
  for (;;) {
    if (isMedLedgerManifest(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The nearest folder at or above `start` holding MedLedger's package.json, else `start`. Bundled
 * server code (Next.js) has no stable `import.meta.url`, so it finds the repository this way.
 */
export function repositoryRoot(start: string = process.cwd()): string {
  return findRepositoryRoot(start) ?? resolve(/*turbopackIgnore: true*/ start);
}

/** Where deployment files are read: MEDLEDGER_DEPLOYMENTS_DIR, else deployments/ of the repository around `cwd`, else of this checkout. */
export function deploymentsDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (env.MEDLEDGER_DEPLOYMENTS_DIR) return resolve(/*turbopackIgnore: true*/ cwd, env.MEDLEDGER_DEPLOYMENTS_DIR);
  return join(findRepositoryRoot(cwd) ?? PROJECT_ROOT, "deployments");
}

export function deploymentPath(chainId: number, root: string = PROJECT_ROOT): string {
  return join(root, "deployments", `${chainId}.json`);
}

export interface ConfigOverrides {
  readonly rpcUrl?: string;
  readonly ipfsApiUrl?: string;
  readonly chainId?: number;
  readonly contract?: string;
  readonly deployBlock?: number;
  readonly maxFileBytes?: number;
  readonly confirmations?: number;
  readonly finalityBlocks?: number;
}

const envSchema = z.object({
  MEDLEDGER_RPC_URL: z.optional(z.url()),
  IPFS_API_URL: z.optional(z.url()),
  MEDLEDGER_IPFS_API_URL: z.optional(z.url()),
  MEDLEDGER_CHAIN_ID: z.optional(z.coerce.number().check(z.int(), z.positive())),
  MEDLEDGER_CONTRACT: z.optional(addressSchema),
  MEDLEDGER_DEPLOY_BLOCK: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  MEDLEDGER_MAX_FILE_BYTES: z.optional(z.coerce.number().check(z.int(), z.positive())),
  MEDLEDGER_CONFIRMATIONS: z.optional(z.coerce.number().check(z.int(), z.positive(), z.maximum(1_000))),
  MEDLEDGER_FINALITY_BLOCKS: z.optional(z.coerce.number().check(z.int(), z.nonnegative(), z.maximum(100_000))),
  MEDLEDGER_PINNING_SERVICE_URL: z.optional(z.url()),
  MEDLEDGER_PINNING_SERVICE_TOKEN: z.optional(z.string().check(z.minLength(1))),
  MEDLEDGER_PINNING_SERVICE_TIMEOUT_MS: z.optional(z.coerce.number().check(z.int(), z.positive(), z.maximum(600_000))),
});

/** The remote pinning service of the environment, if one is set (its token is required with it). */
function pinningServiceOf(e: z.infer<typeof envSchema>): RemotePinningConfig | undefined {
  if (!e.MEDLEDGER_PINNING_SERVICE_URL) return undefined;
  if (!e.MEDLEDGER_PINNING_SERVICE_TOKEN) {
    throw new MedLedgerError(
      "CONFIG",
      "MEDLEDGER_PINNING_SERVICE_URL is set without MEDLEDGER_PINNING_SERVICE_TOKEN.",
      "Set the access token the pinning service gave you, or unset the URL.",
    );
  }
  return {
    url: e.MEDLEDGER_PINNING_SERVICE_URL,
    token: e.MEDLEDGER_PINNING_SERVICE_TOKEN,
    ...(e.MEDLEDGER_PINNING_SERVICE_TIMEOUT_MS ? { timeoutMs: e.MEDLEDGER_PINNING_SERVICE_TIMEOUT_MS } : {}),
  };
}

/** Resolves the configuration from overrides, the environment and the deployment file (looked up from `cwd`, see {@link deploymentsDir}). */
export function resolveConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): MedLedgerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MedLedgerError("CONFIG", `Environment variable ${String(issue?.path[0])} is invalid: ${issue?.message}.`, "Fix or unset it.");
  }
  const e = parsed.data;
  const chainId = overrides.chainId ?? e.MEDLEDGER_CHAIN_ID ?? LOCAL_DEFAULTS.chainId;
  const rpcUrl = overrides.rpcUrl ?? e.MEDLEDGER_RPC_URL ?? LOCAL_DEFAULTS.rpcUrl;
  const ipfsApiUrl = overrides.ipfsApiUrl ?? e.MEDLEDGER_IPFS_API_URL ?? e.IPFS_API_URL ?? LOCAL_DEFAULTS.ipfsApiUrl;
  const maxFileBytes = overrides.maxFileBytes ?? e.MEDLEDGER_MAX_FILE_BYTES ?? DEFAULT_MAX_FILE_BYTES;
  const confirmations = overrides.confirmations ?? e.MEDLEDGER_CONFIRMATIONS ?? 1;
  const finalityBlocks = overrides.finalityBlocks ?? e.MEDLEDGER_FINALITY_BLOCKS ?? defaultFinalityBlocks(chainId);
  const pinningService = pinningServiceOf(e);
  const settings = { rpcUrl, ipfsApiUrl, maxFileBytes, confirmations, finalityBlocks, ...(pinningService ? { pinningService } : {}) };
  const contract = overrides.contract === undefined ? e.MEDLEDGER_CONTRACT : parseAddress(overrides.contract, "contract address");
  if (contract) {
    const deployBlock = overrides.deployBlock ?? e.MEDLEDGER_DEPLOY_BLOCK;
    // Listings read events from the deployment block on: from block 0 of a long chain that is
    // millions of blocks for nothing (and slow behind a capped provider), so it is never guessed.
    if (deployBlock === undefined && chainId !== LOCAL_DEFAULTS.chainId) {
      throw new MedLedgerError(
        "CONFIG",
        `The contract ${contract} is given without the block it was deployed in.`,
        "Set MEDLEDGER_DEPLOY_BLOCK to the deployment's block number (it is in the deployment file, or on a block explorer's contract page).",
      );
    }
    return { ...settings, deployment: { chainId, address: contract, deployBlock: BigInt(deployBlock ?? 0) } };
  }
  const file = join(deploymentsDir(env, cwd), `${chainId}.json`);
  if (!existsSync(file)) {
    throw new MedLedgerError(
      "CONFIG",
      `No MedLedger deployment is known for chain ${chainId} (no ${file}).`,
      chainId === LOCAL_DEFAULTS.chainId
        ? "Start the local stack with `npm start`, or pass --contract / set MEDLEDGER_CONTRACT."
        : "Pass --contract or set MEDLEDGER_CONTRACT to the deployed address.",
    );
  }
  return { ...settings, deployment: parseDeploymentFile(JSON.parse(readFileSync(file, "utf8")), file) };
}
