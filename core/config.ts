/** Where MedLedger runs: which node, which contract, which IPFS endpoint. Validated with zod. */
import * as z from "zod/mini";
import { MedLedgerError } from "./errors.ts";
import { addressSchema } from "./validation.ts";
import type { Deployment } from "./contract/ledger.ts";
import { DEFAULT_MAX_FILE_BYTES } from "./reports/limits.ts";

/** The local stack's endpoints; every one can be replaced by configuration. */
export const LOCAL_DEFAULTS = {
  rpcUrl: "http://127.0.0.1:8545",
  ipfsApiUrl: "http://127.0.0.1:5001",
  chainId: 31337,
} as const;

/** `deployments/<chainId>.json`, written by the deploy step. */
export const deploymentFileSchema = z.object({
  chainId: z.int().check(z.positive()),
  address: addressSchema,
  deployBlock: z.int().check(z.nonnegative()),
  admin: z.optional(addressSchema),
});
export type DeploymentFile = z.infer<typeof deploymentFileSchema>;

export interface MedLedgerConfig {
  readonly rpcUrl: string;
  readonly ipfsApiUrl: string;
  readonly deployment: Deployment;
  readonly maxFileBytes: number;
}

export function deploymentFromFile(file: DeploymentFile): Deployment {
  return { chainId: file.chainId, address: file.address, deployBlock: BigInt(file.deployBlock) };
}

export function parseDeploymentFile(json: unknown, source: string): Deployment {
  const result = deploymentFileSchema.safeParse(json);
  if (!result.success) {
    throw new MedLedgerError("CONFIG", `${source} is not a valid MedLedger deployment file.`, "Deploy again (`npm start` locally) or fix the file.");
  }
  return deploymentFromFile(result.data);
}

export { DEFAULT_MAX_FILE_BYTES };
