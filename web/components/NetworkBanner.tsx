"use client";
/** Detects a wallet on another network and offers the switch (wallet_switchEthereumChain, or wallet_addEthereumChain if unknown). */
import { useSwitchChain } from "wagmi";
import { usePublicConfig, useWallet } from "../lib/ledgerContext.tsx";
import { ErrorBox } from "./ErrorBox.tsx";

export function NetworkBanner() {
  const config = usePublicConfig();
  const wallet = useWallet();
  const { switchChain, isPending, error } = useSwitchChain();
  if (!wallet.wrongNetwork) return null;
  return (
    <div className="alert alert-warning banner" role="alert" data-testid="wrong-network">
      <p>
        <strong>Wrong network.</strong> Your wallet is on chain {wallet.walletChainId}; MedLedger runs on {config.chainName} (chain {config.chainId}).
      </p>
      <button
        type="button"
        className="btn btn-primary"
        disabled={isPending}
        onClick={() =>
          switchChain({
            chainId: config.chainId,
            addEthereumChainParameter: {
              chainName: config.chainName,
              nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
              rpcUrls: [config.rpcUrl],
            },
          })
        }
      >
        {isPending ? "Switching…" : `Switch to ${config.chainName}`}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}
