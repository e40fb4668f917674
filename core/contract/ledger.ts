/**
 * A handle on one deployed MedLedger contract: the viem clients to read and write it, its address
 * and the block it was deployed in (where event scans start). Built by the web app from wagmi's
 * clients, by the CLI and scripts from an RPC URL and a key.
 */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";

export interface Deployment {
  readonly chainId: number;
  readonly address: Address;
  readonly deployBlock: bigint;
}

/** Enough to read the ledger: verification, listings, views. */
export interface LedgerReader {
  readonly publicClient: PublicClient;
  readonly deployment: Deployment;
  /** The RPC endpoint, for error messages. */
  readonly rpcUrl?: string;
}

/** A reader that can also sign and send transactions as `walletClient.account`. */
export interface LedgerWriter extends LedgerReader {
  readonly walletClient: WalletClient<Transport, Chain | undefined, Account>;
}

export function accountOf(ledger: LedgerWriter): Address {
  return ledger.walletClient.account.address;
}
