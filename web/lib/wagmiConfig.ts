/** The wagmi configuration for one MedLedger network, built in the browser from the runtime config. */
import { createConfig, injected, type Config, type CreateConnectorFn } from "wagmi";
import { defineChain, http, type Chain } from "viem";
import { isLocalChain } from "#core/dev/demoAccounts.ts";
import { devWallet } from "./devWallet.ts";
import type { PublicConfig } from "./publicConfig.ts";

/** The MedLedger network as a viem chain (what wallet_addEthereumChain proposes). */
export function chainOf(config: PublicConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    testnet: isLocalChain(config.chainId),
  });
}

/** Injected wallets (EIP-6963 discovery plus window.ethereum) everywhere; the dev wallet on the local chain only. */
export function createWagmiConfig(config: PublicConfig): Config {
  const chain = chainOf(config);
  const connectors: CreateConnectorFn[] = [injected({ shimDisconnect: true })];
  if (isLocalChain(config.chainId)) connectors.push(devWallet({ chain, rpcUrl: config.rpcUrl }) as CreateConnectorFn);
  return createConfig({
    chains: [chain],
    connectors,
    multiInjectedProviderDiscovery: true,
    transports: { [chain.id]: http(config.rpcUrl, { retryCount: 1 }) },
    ssr: true,
    pollingInterval: 500,
  });
}
