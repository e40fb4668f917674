/** Where MedLedger runs: which node, which contract, which IPFS endpoint. Validated with zod. */
import * as z from "zod/mini";
import { MedLedgerError } from "./errors.ts";
import { addressSchema } from "./validation.ts";
import type { Deployment } from "./contract/ledger.ts";
import { DEFAULT_MAX_FILE_BYTES } from "./reports/limits.ts";
import type { RemotePinningConfig } from "./ipfs/remotePinning.ts";

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
  /** Blocks to wait for before a transaction counts as done (MEDLEDGER_CONFIRMATIONS; default 1, the block that includes it). */
  readonly confirmations?: number;
  /**
   * Blocks after which a registration can no longer be undone by a reorganisation
   * (MEDLEDGER_FINALITY_BLOCKS; see {@link defaultFinalityBlocks}). Until then the CLI keeps the
   * upload's retry record and checks it again.
   */
  readonly finalityBlocks?: number;
  /**
   * A remote pinning service (IPFS Pinning Service API) the server's gateway also has pin every
   * stored ciphertext (MEDLEDGER_PINNING_SERVICE_URL, _TOKEN, _TIMEOUT_MS); a CID then counts as
   * pinned only once the node and the service both keep it. Unset: the node alone.
   */
  readonly pinningService?: RemotePinningConfig;
}

/**
 * Blocks until a registration is final when MEDLEDGER_FINALITY_BLOCKS is not set: none on the
 * local development chain, 64 elsewhere (two epochs of Ethereum's proof of stake, after which a
 * block is finalised; an L2 that settles differently sets its own figure).
 */
export function defaultFinalityBlocks(chainId: number): number {
  return chainId === LOCAL_DEFAULTS.chainId ? 0 : 64;
}

/** The finality depth of `config` (its own, or the chain's default). */
export function finalityBlocksOf(config: Pick<MedLedgerConfig, "finalityBlocks" | "deployment">): number {
  return config.finalityBlocks ?? defaultFinalityBlocks(config.deployment.chainId);
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
