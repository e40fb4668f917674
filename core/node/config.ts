/**
 * Node-side configuration: flags override environment variables, which override the local
 * stack's defaults. The contract address comes from MEDLEDGER_CONTRACT or from
 * deployments/<chainId>.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import * as z from "zod/mini";
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
  MEDLEDGER_RPC_URL: z.optional(z.url()),
  IPFS_API_URL: z.optional(z.url()),
  MEDLEDGER_IPFS_API_URL: z.optional(z.url()),
  MEDLEDGER_CHAIN_ID: z.optional(z.coerce.number().check(z.int(), z.positive())),
  MEDLEDGER_CONTRACT: z.optional(z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/))),
  MEDLEDGER_DEPLOY_BLOCK: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  MEDLEDGER_MAX_FILE_BYTES: z.optional(z.coerce.number().check(z.int(), z.positive())),
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
