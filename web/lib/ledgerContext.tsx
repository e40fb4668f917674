"use client";
/**
 * The ledger as the React tree sees it: the runtime configuration, a LedgerReader that reads the
 * configured node directly (no wallet needed), and `useLedgerWriter()` which turns the connected
 * wallet into a LedgerWriter for the core's write functions.
 */
import { createContext, useCallback, useContext, useMemo, type ReactNode } from "react";
import { createPublicClient, http, type Address } from "viem";
import { useConfig, useConnection } from "wagmi";
import { getConnectorClient } from "wagmi/actions";
import type { LedgerReader, LedgerWriter } from "#core/contract/ledger.ts";
import { MedLedgerError } from "#core/errors.ts";
import { deploymentOf, type PublicConfig } from "./publicConfig.ts";
import { chainOf } from "./wagmiConfig.ts";

interface LedgerContextValue {
  readonly config: PublicConfig;
  readonly reader: LedgerReader;
}

const LedgerContext = createContext<LedgerContextValue | null>(null);

export function LedgerProvider({ config, children }: { config: PublicConfig; children: ReactNode }) {
  const value = useMemo<LedgerContextValue>(() => {
    const publicClient = createPublicClient({
      chain: chainOf(config),
      transport: http(config.rpcUrl, { retryCount: 1, batch: { batchSize: 200 } }),
      pollingInterval: 250,
    });
    return { config, reader: { publicClient, deployment: deploymentOf(config), rpcUrl: config.rpcUrl } };
  }, [config]);
  return <LedgerContext.Provider value={value}>{children}</LedgerContext.Provider>;
}

function useLedgerContext(): LedgerContextValue {
  const value = useContext(LedgerContext);
  if (!value) throw new Error("useLedger* must be used inside <LedgerProvider>.");
  return value;
}

/** The configuration and reader, or null outside <LedgerProvider> (for hooks that work without a ledger too). */
export function useOptionalLedger(): { readonly config: PublicConfig; readonly reader: LedgerReader } | null {
  return useContext(LedgerContext);
}

/** The runtime configuration (chain, contract, endpoints). */
export function usePublicConfig(): PublicConfig {
  return useLedgerContext().config;
}

/** Reads of the ledger through the configured node. */
export function useLedgerReader(): LedgerReader {
  return useLedgerContext().reader;
}

export interface WalletState {
  readonly address: Address | undefined;
  readonly isConnected: boolean;
  /** Connected, but to another chain than MedLedger's. */
  readonly wrongNetwork: boolean;
  readonly walletChainId: number | undefined;
  readonly connectorId: string | undefined;
}

/** The connected account and whether its wallet is on MedLedger's network. */
export function useWallet(): WalletState {
  const { config } = useLedgerContext();
  const connection = useConnection();
  const isConnected = connection.status === "connected";
  return {
    address: isConnected ? connection.address : undefined,
    isConnected,
    wrongNetwork: isConnected && connection.chainId !== config.chainId,
    walletChainId: isConnected ? connection.chainId : undefined,
    connectorId: isConnected ? connection.connector?.id : undefined,
  };
}

/** Returns a function giving a LedgerWriter that signs with the connected wallet. */
export function useLedgerWriter(): () => Promise<LedgerWriter> {
  const { config, reader } = useLedgerContext();
  const wagmiConfig = useConfig();
  return useCallback(async () => {
    const connection = wagmiConfig.state.current ? wagmiConfig.state.connections.get(wagmiConfig.state.current) : undefined;
    if (!connection) {
      throw new MedLedgerError("NOT_SIGNED_IN", "No wallet is connected.", "Connect your wallet first (button at the top right).");
    }
    if (connection.chainId !== config.chainId) {
      throw new MedLedgerError(
        "WRONG_CHAIN",
        `Your wallet is on chain ${connection.chainId}, MedLedger runs on ${config.chainName} (chain ${config.chainId}).`,
        "Switch your wallet's network (button at the top of the page) and retry.",
      );
    }
    const client = await getConnectorClient(wagmiConfig, { chainId: config.chainId });
    const { signerClient } = await import("./signerClient.ts"); // viem's wallet actions, on first use
    const walletClient = signerClient(client.account, chainOf(config), client.request);
    return { ...reader, walletClient };
  }, [config, reader, wagmiConfig]);
}
