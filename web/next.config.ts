/**
 * Next.js configuration of the MedLedger dApp. The app imports the shared core from ../core, and
 * the repository's single node_modules sits at the repository root, so both Turbopack's root and
 * the output tracing root are the repository root. Nothing here is network-specific: the chain,
 * contract and IPFS endpoint are read at request time (see lib/serverConfig.ts, and proxy.ts for
 * the Content-Security-Policy that names them).
 */
import type { NextConfig } from "next";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const nextConfig: NextConfig = {
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` serves HMR resources only to listed origins besides localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // Server-only packages the server routes use; never bundled for the browser.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  // nosniff on everything, static assets included. The pages' security headers (CSP per request,
  // frame, referrer, permissions) are set by proxy.ts, the API's by its handlers — both from
  // server/http/securityHeaders.ts (this file cannot import TypeScript modules).
  async headers() {
    return [{ source: "/:path*", headers: [{ key: "X-Content-Type-Options", value: "nosniff" }] }];
  },
};

export default nextConfig;
