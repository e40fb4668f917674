/**
 * Next.js proxy (the Next 16 name of middleware) for the pages: a fresh script nonce and the
 * Content-Security-Policy per request, with the RPC endpoint of the run-time configuration in
 * connect-src (IPFS goes through the server's own gateway: 'self') (one build serves any network). Next.js reads the nonce from the
 * request's CSP header and puts it on its own scripts. The API routes are not matched: they set
 * their own headers (server/http/securityHeaders.ts), and a proxy would buffer their bodies.
 * Static assets get nosniff from next.config.ts.
 */
import { NextResponse, type NextRequest } from "next/server";
import { BASE_SECURITY_HEADERS, pageCsp } from "#server/http/securityHeaders.ts";
import { loadPublicConfig } from "./lib/serverConfig.ts";

export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const result = loadPublicConfig();
  const csp = pageCsp({
    nonce,
    ...(result.ok ? { rpcUrl: result.config.rpcUrl } : {}),
    development: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
