/**
 * Root layout (server component): reads the MedLedger configuration at request time and hands it
 * to the client providers, so one production build serves any network.
 */
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Nav } from "../components/Nav.tsx";
import { NetworkBanner } from "../components/NetworkBanner.tsx";
import { PausedBanner } from "../components/PausedBanner.tsx";
import { Providers } from "../components/Providers.tsx";
import { SessionBanner } from "../components/session/SessionBanner.tsx";
import { loadPublicConfig } from "../lib/serverConfig.ts";
import "./globals.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "MedLedger", template: "%s · MedLedger" },
  description: "Medical reports you can prove: encrypted on IPFS, registered on Ethereum, verifiable by anyone.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  const result = loadPublicConfig();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        {result.ok ? (
          <Providers config={result.config}>
            <Nav />
            <NetworkBanner />
            <PausedBanner />
            <SessionBanner />
            <main id="main" className="container">
              {children}
            </main>
            <footer className="site-footer container">
              <span>
                MedLedger · {result.config.chainName} (chain {result.config.chainId})
              </span>
              <span className="mono" title="Contract address">
                {result.config.contract}
              </span>
            </footer>
          </Providers>
        ) : (
          <main id="main" className="container">
            <h1>MedLedger is not configured</h1>
            <div className="alert alert-error" role="alert">
              <p className="alert-message">{result.problem.message}</p>
              <p className="alert-hint">{result.problem.hint}</p>
            </div>
          </main>
        )}
      </body>
    </html>
  );
}
