/**
 * Calls of MedLedger's own server API (same origin, session cookie). A refusal comes back as
 * `{error:{code,message,hint}}` and is thrown as MedLedgerError, so ErrorBox shows its message
 * and hint like any other failure.
 */
import { MedLedgerError, type MedLedgerErrorCode } from "#core/errors.ts";

interface ApiErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly hint?: string };
}

/** Maps an error body of the API to MedLedgerError (the server only sends MedLedger's codes, or INTERNAL). */
export function apiError(status: number, body: unknown): MedLedgerError {
  const e = (body as ApiErrorBody | undefined)?.error;
  if (e?.code && e.message && e.code !== "INTERNAL") {
    return new MedLedgerError(e.code as MedLedgerErrorCode, e.message, e.hint ?? "");
  }
  return new MedLedgerError(
    "CONFIG",
    e?.message ?? `The MedLedger server answered with HTTP ${status}.`,
    e?.hint ?? "Retry; if it keeps failing, check the server's log.",
  );
}

/** GET/POST/PATCH `path` with an optional JSON body; returns the parsed JSON answer. */
export async function apiRequest<T>(path: string, options: { method?: "GET" | "POST" | "PATCH"; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      credentials: "same-origin",
      cache: "no-store",
      headers: options.body === undefined ? undefined : { "content-type": "application/json" },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    throw new MedLedgerError("CONFIG", "The MedLedger server cannot be reached.", "Check your connection, then retry.", { cause: error });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) throw apiError(response.status, body);
  return body as T;
}

/** `path?key=value&…` with the empty values left out. */
export function withQuery(path: string, params: Readonly<Record<string, string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
