/**
 * GET /api/indexer/…: the web app's way to the indexer's list API (MEDLEDGER_INDEXER_URL). The
 * browser never reaches the indexer or its database; only the list routes and its status pass,
 * read-only, with their query string, within a per-network rate limit (server/http/api.ts, the
 * `indexerClient` bucket). No indexer configured, or none answering: 503 with
 * INDEXER_UNAVAILABLE (the web then reads the lists from the chain).
 */
import { MedLedgerError } from "#core/errors.ts";
import { errorResponse } from "../http/responses.ts";
import { secureApiResponse } from "../http/securityHeaders.ts";

const ALLOWED = /^\/(v1\/(reports|reports\/shared|grants|staff|patients|emergencies|guardians|timeline|timeline\/actors)|status|ready)$/;

const UNAVAILABLE_HINT = "Your records are safe on the blockchain; the list service is only catching up or restarting. Try again in a minute.";

export function indexerUrlOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.MEDLEDGER_INDEXER_URL?.replace(/\/$/, "") || undefined;
}

/** The list path of a request to /api/indexer/<path> (e.g. /v1/reports). */
export function indexerPathOf(request: Request): string {
  const path = new URL(request.url).pathname;
  const at = path.indexOf("/api/indexer");
  return at < 0 ? path : path.slice(at + "/api/indexer".length) || "/";
}

/** Passes `request` on to the indexer at `base` (MEDLEDGER_INDEXER_URL) as `path`. */
export async function proxyToIndexer(request: Request, path: string, base: string | undefined = indexerUrlOf()): Promise<Response> {
  if (!base) {
    return secureApiResponse(
      errorResponse(
        new MedLedgerError("INDEXER_UNAVAILABLE", "This server has no list service (indexer) configured.", "The lists are read from the chain instead."),
      ),
    );
  }
  if (!ALLOWED.test(path)) return secureApiResponse(errorResponse(new MedLedgerError("NOT_FOUND", "There is no such list.", "Reload the page.")));
  const search = new URL(request.url).search;
  let upstream: Response;
  try {
    upstream = await fetch(`${base}${path}${search}`, { signal: AbortSignal.timeout(15_000), headers: { accept: "application/json" } });
  } catch (error) {
    return secureApiResponse(
      errorResponse(
        new MedLedgerError("INDEXER_UNAVAILABLE", "The list of records cannot be loaded right now (the service does not answer).", UNAVAILABLE_HINT, {
          cause: error,
        }),
      ),
    );
  }
  const body = await upstream.arrayBuffer();
  const status = upstream.status >= 500 ? 503 : upstream.status;
  return secureApiResponse(
    new Response(body, { status, headers: { "content-type": upstream.headers.get("content-type") ?? "application/json", "cache-control": "no-store" } }),
  );
}
