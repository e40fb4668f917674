/**
 * Node-side configuration: flags override environment variables, which override the local
 * stack's defaults. The contract address comes from MEDLEDGER_CONTRACT or from
 * deployments/<chainId>.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import { z } from "zod";
import { DEFAULT_MAX_FILE_BYTES, LOCAL_DEFAULTS, parseDeploymentFile, type MedLedgerConfig } from "../config.ts";
import { MedLedgerError } from "../errors.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

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
}

const envSchema = z.object({
  MEDLEDGER_RPC_URL: z.string().url().optional(),
  IPFS_API_URL: z.string().url().optional(),
  MEDLEDGER_IPFS_API_URL: z.string().url().optional(),
  MEDLEDGER_CHAIN_ID: z.coerce.number().int().positive().optional(),
  MEDLEDGER_CONTRACT: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
  MEDLEDGER_DEPLOY_BLOCK: z.coerce.number().int().nonnegative().optional(),
  MEDLEDGER_MAX_FILE_BYTES: z.coerce.number().int().positive().optional(),
});

/** Resolves the configuration from overrides, the environment and the deployment file. */
export function resolveConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): MedLedgerConfig {
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
  const contract = overrides.contract ?? e.MEDLEDGER_CONTRACT;
  if (contract) {
    return {
      rpcUrl,
      ipfsApiUrl,
      maxFileBytes,
      deployment: { chainId, address: contract as Address, deployBlock: BigInt(overrides.deployBlock ?? e.MEDLEDGER_DEPLOY_BLOCK ?? 0) },
    };
  }
  const file = deploymentPath(chainId);
  if (!existsSync(file)) {
    throw new MedLedgerError(
      "CONFIG",
      `No MedLedger deployment is known for chain ${chainId} (no ${file}).`,
      chainId === LOCAL_DEFAULTS.chainId
        ? "Start the local stack with `npm start`, or pass --contract / set MEDLEDGER_CONTRACT."
        : "Pass --contract or set MEDLEDGER_CONTRACT to the deployed address.",
    );
  }
  return { rpcUrl, ipfsApiUrl, maxFileBytes, deployment: parseDeploymentFile(JSON.parse(readFileSync(file, "utf8")), file) };
}
