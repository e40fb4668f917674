/**
 * The IPFS store over MedLedger's own server (server/ipfs/gateway.ts), never over an IPFS node's
 * admin API: uploads go to `POST /api/ipfs` (signed-in staff, size limit, per-account quota),
 * reads to `GET /api/ipfs/<cid>` (read-only, rate limited), the pin check to
 * `GET /api/ipfs/<cid>/pin`, and a re-key's unpin of the report's superseded ciphertext to
 * `POST /api/ipfs/<cid>/unpin?report=<id>`. In the browser it is same-origin with the session
 * cookie; in Node the caller passes a `fetch` that carries the cookie and the Origin header.
 */
import { MedLedgerError, type MedLedgerErrorCode } from "../errors.ts";
import { parseCid } from "./parseCid.ts";
import type { AddOptions, CatOptions, ContentStore } from "./types.ts";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface GatewayStoreOptions {
  /** The web server's origin, e.g. https://medledger.example.org; "" in the browser (same origin). */
  readonly baseUrl: string;
  /** Default: the global fetch (same-origin credentials). */
  readonly fetch?: FetchLike;
}

interface ApiErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly hint?: string };
}

function where(baseUrl: string): string {
  return baseUrl ? `The MedLedger server at ${baseUrl}` : "The MedLedger server";
}

async function refusal(baseUrl: string, response: Response): Promise<MedLedgerError> {
  let body: ApiErrorBody | undefined;
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  if (e?.code && e.message && e.code !== "INTERNAL") return new MedLedgerError(e.code as MedLedgerErrorCode, e.message, e.hint ?? "");
  return new MedLedgerError(
    "IPFS_UNREACHABLE",
    e?.message ?? `${where(baseUrl)} answered HTTP ${response.status} for the encrypted file.`,
    e?.hint ?? "Retry in a moment; if it keeps failing, ask the administrator to check the server's IPFS node.",
  );
}

export function createGatewayStore(options: GatewayStoreOptions): ContentStore {
  const { baseUrl } = options;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, { credentials: "same-origin", ...init }));
  const call = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await doFetch(`${baseUrl}${path}`, { cache: "no-store", ...init });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new MedLedgerError("IPFS_UNREACHABLE", `${where(baseUrl)} cannot be reached.`, "Check your connection, then retry.", { cause: error });
    }
  };
  const cidPath = (cid: string) => `/api/ipfs/${encodeURIComponent(parseCid(cid))}`;

  return {
    endpoint: `${baseUrl}/api/ipfs`,
    async add(bytes: Uint8Array, addOptions: AddOptions = {}) {
      const query = addOptions.forReport ? `?report=${encodeURIComponent(addOptions.forReport)}` : "";
      const response = await call(`/api/ipfs${query}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      });
      if (!response.ok) throw await refusal(baseUrl, response);
      const body = (await response.json()) as { cid?: unknown };
      if (typeof body.cid !== "string")
        throw new MedLedgerError("IPFS_UNREACHABLE", `${where(baseUrl)} did not say where it stored the file.`, "Retry the upload.");
      return parseCid(body.cid);
    },
    async cat(cid: string, catOptions: CatOptions = {}) {
      // A prefix (a report's head, for a list) is all that is fetched when asked.
      const path = catOptions.length === undefined ? cidPath(cid) : `${cidPath(cid)}?length=${catOptions.length}`;
      const response = await call(path, { method: "GET", ...(catOptions.signal ? { signal: catOptions.signal } : {}) });
      if (!response.ok) throw await refusal(baseUrl, response);
      const maxBytes = catOptions.length ?? catOptions.maxBytes;
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      const tooLarge = () =>
        new MedLedgerError(
          "FILE_TOO_LARGE",
          `The stored object ${cid} is larger than the ${maxBytes}-byte limit.`,
          "It is not a MedLedger report of an accepted size; contact the administrator.",
        );
      if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      const parts: Uint8Array[] = [];
      let total = 0;
      const reader = response.body?.getReader();
      try {
        for (;;) {
          if (!reader) break;
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (maxBytes !== undefined && total > maxBytes) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge();
          }
          parts.push(value);
        }
      } catch (error) {
        if (error instanceof MedLedgerError || catOptions.signal?.aborted) throw error;
        throw new MedLedgerError("IPFS_UNREACHABLE", `${where(baseUrl)} stopped sending ${cid} midway.`, "Retry opening the report.", { cause: error });
      }
      const bytes = new Uint8Array(total);
      let offset = 0;
      for (const part of parts) {
        bytes.set(part, offset);
        offset += part.byteLength;
      }
      return bytes;
    },
    async unpin(cid: string, unpinOptions: AddOptions = {}) {
      // The gateway unpins a report's superseded ciphertexts only: without the report there is nothing it would do.
      if (!unpinOptions.forReport) return false;
      const response = await call(`${cidPath(cid)}/unpin?report=${encodeURIComponent(unpinOptions.forReport)}`, { method: "POST" });
      if (!response.ok) throw await refusal(baseUrl, response);
      const body = (await response.json()) as { unpinned?: unknown };
      return body.unpinned === true;
    },
    async isPinned(cid: string) {
      const response = await call(`${cidPath(cid)}/pin`, { method: "GET" });
      if (!response.ok) throw await refusal(baseUrl, response);
      const body = (await response.json()) as { pinned?: unknown };
      return body.pinned === true;
    },
  };
}
