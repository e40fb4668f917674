/**
 * The configuration the browser needs, resolved by the server at request time and handed to the
 * client components as plain, serialisable data (so one build serves any network).
 */
import type { Address } from "viem";
import type { Deployment } from "#core/contract/ledger.ts";
import { isLocalChain } from "#core/dev/demoAccounts.ts";

export interface PublicConfig {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly contract: Address;
  /** Decimal string (bigint does not cross the server/client boundary). */
  readonly deployBlock: string;
  readonly maxFileBytes: number;
  /** Human name of the network, for wallet prompts. */
  readonly chainName: string;
  /** Blocks a transaction needs before the app announces it confirmed (MEDLEDGER_CONFIRMATIONS; 1: the block that includes it). */
  readonly confirmations: number;
  /** Whether the server's relayer sends patient-signed actions (POST /api/relay). Never the key itself. */
  readonly relayerEnabled: boolean;
  /** Whether the server has an indexer (MEDLEDGER_INDEXER_URL): lists then page through /api/indexer, else they are read from the chain. */
  readonly indexer: boolean;
}

/** Why the app cannot talk to a ledger (no deployment known, invalid environment…). */
export interface ConfigProblem {
  readonly message: string;
  readonly hint: string;
}

export type ConfigResult = { readonly ok: true; readonly config: PublicConfig } | { readonly ok: false; readonly problem: ConfigProblem };

export function deploymentOf(config: PublicConfig): Deployment {
  return { chainId: config.chainId, address: config.contract, deployBlock: BigInt(config.deployBlock) };
}

/** A readable network name: the local chain, or "chain <id>". */
export function chainNameOf(chainId: number): string {
  if (isLocalChain(chainId)) return "MedLedger local chain";
  if (chainId === 1) return "Ethereum";
  if (chainId === 11155111) return "Sepolia";
  return `Chain ${chainId}`;
}
