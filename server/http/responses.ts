/** JSON responses of the API, and the mapping of MedLedgerError codes to HTTP statuses. */
import { MedLedgerError, type MedLedgerErrorCode } from "#core/errors.ts";
import { ActionRefusedError } from "#core/relay/relayer.ts";
import { RateLimitedError } from "../limits/refusals.ts";

/** The body of every error response. */
export interface ApiErrorBody {
  readonly error: { readonly code: MedLedgerErrorCode | "INTERNAL"; readonly message: string; readonly hint: string };
}

const STATUS: Partial<Record<MedLedgerErrorCode, number>> = {
  INVALID_INPUT: 400,
  EMPTY_FILE: 400,
  WRONG_CHAIN: 400,
  DOMAIN_MISMATCH: 400,
  NOT_SIGNED_IN: 401,
  SESSION_EXPIRED: 401,
  BAD_SIGNATURE: 401,
  MESSAGE_EXPIRED: 401,
  NONCE_REUSED: 401,
  NONCE_UNKNOWN: 401,
  NO_ACCESS: 403,
  ACCESS_REVOKED: 403,
  NOT_FOUND: 404,
  UNKNOWN_REPORT: 404,
  UNKNOWN_CID: 404,
  SLOT_TAKEN: 409,
  CONFLICT: 409,
  BODY_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  RPC_UNREACHABLE: 502,
  IPFS_UNREACHABLE: 502,
  NOT_PINNED: 502,
  RPC_LIMIT: 502,
  NO_CONTRACT: 502,
  CONTRACT_REVERT: 502,
  RELAYER_OUT_OF_FUNDS: 503,
  RELAYER_UNAVAILABLE: 503,
  INDEXER_UNAVAILABLE: 503,
  INDEXER_BEHIND: 503,
};

export function statusOf(code: MedLedgerErrorCode): number {
  return STATUS[code] ?? 500;
}

/** JSON with bigints as decimal strings and no caching. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  h.set("cache-control", "no-store");
  return new Response(text, { status, headers: h });
}

/**
 * `{error:{code,message,hint}}` with the code's status (422 for a relayed action the contract
 * would refuse; Retry-After for a rate limit);
 * unexpected errors are logged, never shown.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof MedLedgerError) {
    const body: ApiErrorBody = { error: { code: error.code, message: error.message, hint: error.hint } };
    const headers: Record<string, string> = error instanceof RateLimitedError ? { "retry-after": String(error.retryAfterSeconds) } : {};
    // A relayed action the contract would refuse is the request's fault (422), not a failure upstream.
    return json(body, error instanceof ActionRefusedError ? 422 : statusOf(error.code), headers);
  }
  console.error("[medledger api] unexpected error:", error);
  const body: ApiErrorBody = {
    error: { code: "INTERNAL", message: "The server failed to handle this request.", hint: "Retry; if it keeps failing, check the server's log." },
  };
  return json(body, 500);
}
