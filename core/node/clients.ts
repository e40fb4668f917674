/** viem clients for scripts and the CLI, from an RPC URL and (for writes) a local account. */
import { createPublicClient, createWalletClient, defineChain, http, type LocalAccount } from "viem";
import type { MedLedgerConfig } from "../config.ts";
import type { LedgerReader, LedgerWriter } from "../contract/ledger.ts";

function chainOf(config: MedLedgerConfig) {
  return defineChain({
    id: config.deployment.chainId,
    name: `chain ${config.deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function createLedgerReader(config: MedLedgerConfig): LedgerReader {
  const publicClient = createPublicClient({
    chain: chainOf(config),
    transport: http(config.rpcUrl, { batch: { batchSize: 500 }, retryCount: 0, timeout: 30_000 }),
    // A development node mines instantly; a real network every few seconds.
    pollingInterval: config.deployment.chainId === 31337 ? 10 : 2_000,
  });
  return { publicClient, deployment: config.deployment, rpcUrl: config.rpcUrl };
}

export function createLedgerWriter(config: MedLedgerConfig, account: LocalAccount): LedgerWriter {
  const reader = createLedgerReader(config);
  const walletClient = createWalletClient({ account, chain: chainOf(config), transport: http(config.rpcUrl, { retryCount: 0 }) });
  return { ...reader, walletClient };
}
