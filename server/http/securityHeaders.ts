/**
 * The security headers of every response: the API's (set by the handlers themselves) and the
 * pages' Content-Security-Policy, made per request by web/proxy.ts with a fresh script nonce and
 * the RPC endpoint of the run-time configuration in connect-src (IPFS is the server's own gateway).
 */

/** Camera for the QR-code scanner (same origin only); clipboard writes for the copy buttons; everything else off. */
export const PERMISSIONS_POLICY = [
  "camera=(self)",
  "clipboard-write=(self)",
  "microphone=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "hid=()",
  "midi=()",
  "bluetooth=()",
  "accelerometer=()",
  "gyroscope=()",
  "magnetometer=()",
  "display-capture=()",
  "fullscreen=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=()",
  "xr-spatial-tracking=()",
  "picture-in-picture=()",
  "autoplay=()",
  "clipboard-read=()",
].join(", ");

/** Headers for every response, pages, assets and API alike. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": PERMISSIONS_POLICY,
};

/** The API answers JSON and CSV only: nothing in it may load or run anything, or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sets the base headers and the API's CSP on an API response (in place) and returns it. */
export function secureApiResponse(response: Response): Response {
  for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set("Content-Security-Policy", API_CSP);
  return response;
}

/** `scheme://host[:port]` of an http(s)/ws(s) URL, for a CSP source list; undefined otherwise. */
function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return /^(https?|wss?):$/.test(parsed.protocol) ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

export interface PageCspOptions {
  /** Base64 nonce of this response's scripts (fresh per request). */
  readonly nonce: string;
  /** The configured Ethereum JSON-RPC URL the browser talks to (IPFS goes through the server's gateway, 'self'). */
  readonly rpcUrl?: string;
  /** `next dev` needs eval (React's dev tools) and a websocket for hot reload. */
  readonly development?: boolean;
}

/** The pages' Content-Security-Policy. */
export function pageCsp(options: PageCspOptions): string {
  const connect = ["'self'", originOf(options.rpcUrl), ...(options.development ? ["ws:"] : [])].filter((s): s is string => s !== undefined);
  const directives = [
    "default-src 'self'",
    // 'wasm-unsafe-eval': WebAssembly only (the QR reader's ZXing, web/lib/qrReader.ts), not JavaScript's eval.
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${options.development ? " 'unsafe-eval'" : ""}`,
    // React renders a few style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${[...new Set(connect)].join(" ")}`,
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}
