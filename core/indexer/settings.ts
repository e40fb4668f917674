/**
 * The indexer's settings from its environment: the chain and contract (the MEDLEDGER_* variables
 * every MedLedger process reads) and where it keeps its database.
 */
import { z } from "zod";
import type { Address } from "viem";
import { MedLedgerError } from "../errors.ts";
import { addressSchema } from "../validation.ts";

export interface IndexerSettings {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly contract: Address;
  readonly deployBlock: number;
  /** PostgreSQL (production); undefined: embedded PGlite. */
  readonly databaseUrl: string | undefined;
  /** PGlite folder (when no DATABASE_URL). */
  readonly pgliteDir: string | undefined;
  /** How often the chain is polled for new blocks. */
  readonly pollingIntervalMs: number;
  /** Largest eth_getLogs range to ask for (undefined: Ponder learns the provider's limit from its errors). */
  readonly maxBlockRange: number | undefined;
}

const envSchema = z.object({
  MEDLEDGER_RPC_URL: z.url(),
  MEDLEDGER_CHAIN_ID: z.coerce.number().check(z.int(), z.positive()),
  MEDLEDGER_CONTRACT: addressSchema,
  MEDLEDGER_DEPLOY_BLOCK: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  DATABASE_URL: z.optional(z.string()),
  MEDLEDGER_INDEXER_DATA_DIR: z.optional(z.string()),
  MEDLEDGER_INDEXER_POLL_MS: z.optional(z.coerce.number().check(z.int(), z.positive())),
  MEDLEDGER_INDEXER_MAX_BLOCK_RANGE: z.optional(z.coerce.number().check(z.int(), z.positive())),
});

export function indexerSettings(env: Readonly<Record<string, string | undefined>>): IndexerSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new MedLedgerError(
      "CONFIG",
      `The indexer's configuration is incomplete or wrong (${fields}).`,
      "Set MEDLEDGER_RPC_URL, MEDLEDGER_CHAIN_ID, MEDLEDGER_CONTRACT and MEDLEDGER_DEPLOY_BLOCK for the indexer (see the README, “Indexer”).",
    );
  }
  const e = parsed.data;
  return {
    rpcUrl: e.MEDLEDGER_RPC_URL,
    chainId: e.MEDLEDGER_CHAIN_ID,
    contract: e.MEDLEDGER_CONTRACT,
    deployBlock: e.MEDLEDGER_DEPLOY_BLOCK ?? 0,
    databaseUrl: e.DATABASE_URL || undefined,
    pgliteDir: e.MEDLEDGER_INDEXER_DATA_DIR || undefined,
    pollingIntervalMs: e.MEDLEDGER_INDEXER_POLL_MS ?? 1_000,
    maxBlockRange: e.MEDLEDGER_INDEXER_MAX_BLOCK_RANGE,
  };
}
