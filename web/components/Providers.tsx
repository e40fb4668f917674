"use client";
/** Client-side context of every page: react-query, wagmi for this network, the ledger reader, the sign-in session, the transaction toasts. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import dynamic from "next/dynamic";
import { WagmiProvider } from "wagmi";
import { IdentityProvider } from "../lib/identity.tsx";
import { LedgerProvider } from "../lib/ledgerContext.tsx";
import type { PublicConfig } from "../lib/publicConfig.ts";
import { SessionProvider } from "../lib/session.tsx";
import { createWagmiConfig } from "../lib/wagmiConfig.ts";

// The toasts' container is mounted once the page runs (it is empty until a transaction is announced), so sonner is not part of the page's first load.
const Toaster = dynamic(() => import("sonner").then((module) => module.Toaster), { ssr: false });

export function Providers({ config, children }: { config: PublicConfig; children: ReactNode }) {
  const [wagmiConfig] = useState(() => createWagmiConfig(config));
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 2_000 } } }));
  return (
    <WagmiProvider config={wagmiConfig}>
      <QueryClientProvider client={queryClient}>
        <LedgerProvider config={config}>
          <IdentityProvider>
            <SessionProvider>{children}</SessionProvider>
            {/* The one place a transaction's outcome is announced (web/lib/txToast.tsx). */}
            <Toaster position="bottom-right" richColors closeButton containerAriaLabel="Notifications" />
          </IdentityProvider>
        </LedgerProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
