/**
 * A Kubo-RPC-compatible HTTP endpoint over the embedded node — the subset MedLedger uses:
 * `add`, `cat`, `pin/ls`, `pin/rm`, `repo/gc`, `version` and `id` under /api/v0. Bound to
 * 127.0.0.1 only. Like Kubo's RPC it is an admin interface (pin/rm, repo/gc), so it is for the
 * server, the CLI and the scripts (through kubo-rpc-client) and never for browsers: a request
 * carrying an Origin header (every cross-origin browser request does) is refused with 403, and
 * no CORS header is ever sent. Browsers reach IPFS through the web server's gateway
 * (server/ipfs/gateway.ts). Errors are answered in Kubo's shape
 * (`{ Message, Code, Type: "error" }`): a bad request with its 4xx status (400 malformed, 403
 * origin, 404 unknown route, 405 method, 413 too large), a missing block with 500 as Kubo does.
 * `cat` is streamed from the blockstore (never held whole) when the store can stream. Node only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isMedLedgerError } from "#core/errors.ts";
import type { AddressInfo } from "node:net";
import { KUBO_ADD_OPTIONS } from "#core/ipfs/importSettings.ts";
import type { ContentStore } from "#core/ipfs/types.ts";

/** A store that can also stream a file's bytes and collect garbage (the embedded Helia node can). */
export interface StreamingContentStore extends ContentStore {
  catStream?(cid: string, range?: { offset?: number; length?: number; signal?: AbortSignal }): AsyncIterable<Uint8Array>;
  /** Deletes every block no pin keeps (Kubo's `repo gc`). */
  gc?(): Promise<void>;
}

export interface KuboRpcServerOptions {
  readonly store: StreamingContentStore;
  readonly host?: "127.0.0.1";
  /** 0 picks a free port. */
  readonly port?: number;
  /** Largest accepted upload; default 64 MiB (reports are at most 50 MB plus the cipher header). */
  readonly maxUploadBytes?: number;
}

export interface KuboRpcServer {
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, `upload of ${declared} bytes exceeds the ${limit}-byte limit`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new HttpError(413, `upload exceeds the ${limit}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startKuboRpcServer(options: KuboRpcServerOptions): Promise<KuboRpcServer> {
  const { store } = options;
  const host = options.host ?? "127.0.0.1";
  const maxUploadBytes = options.maxUploadBytes ?? 64 * 1024 * 1024;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Kubo refuses browser origins by default as well (no API.HTTPHeaders CORS configured).
    if (req.headers.origin !== undefined) throw new HttpError(403, `the IPFS admin API does not serve browsers (origin ${req.headers.origin})`);
    if (req.method !== "POST") throw new HttpError(405, "Kubo RPC accepts POST only");
    const url = new URL(req.url ?? "/", `http://${host}`);
    switch (url.pathname) {
      case "/api/v0/version":
        sendJson(res, { Version: "0.0.0-medledger-embedded", Commit: "", Repo: "16", System: `node/${process.version}`, Golang: "" });
        return;
      case "/api/v0/id":
        sendJson(res, { ID: "medledger-embedded", PublicKey: "", Addresses: [], AgentVersion: "medledger-embedded/helia", Protocols: [] });
        return;
      case "/api/v0/add": {
        refuseOtherImportSettings(url.searchParams);
        const body = await readBody(req, maxUploadBytes);
        const form = await new Request(url, {
          method: "POST",
          headers: { "content-type": req.headers["content-type"] ?? "" },
          body: new Uint8Array(body),
        }).formData();
        const lines: string[] = [];
        for (const [name, value] of form.entries()) {
          if (typeof value === "string") continue;
          const bytes = new Uint8Array(await value.arrayBuffer());
          const cid = await store.add(bytes);
          lines.push(JSON.stringify({ Name: value.name || name || cid, Hash: cid, Size: String(bytes.length) }));
        }
        if (lines.length === 0) throw new HttpError(400, "no file in the request");
        res.writeHead(200, { "Content-Type": "application/json", "X-Chunked-Output": "1" });
        res.end(`${lines.join("\n")}\n`);
        return;
      }
      case "/api/v0/cat": {
        const cid = url.searchParams.get("arg");
        if (!cid) throw new HttpError(400, 'argument "ipfs-path" is required');
        const bare = cid.replace(/^\/ipfs\//, "");
        const offset = nonNegative(url.searchParams.get("offset"), "offset") ?? 0;
        const length = nonNegative(url.searchParams.get("length"), "length");
        if (store.catStream) {
          await streamCat(res, store.catStream(bare, { offset, length }));
          return;
        }
        const bytes = await store.cat(bare, { maxBytes: maxUploadBytes });
        const slice = bytes.subarray(offset, length === undefined ? undefined : offset + length);
        res.writeHead(200, { "Content-Type": "application/octet-stream", "X-Stream-Output": "1", "Content-Length": String(slice.length) });
        res.end(slice);
        return;
      }
      case "/api/v0/pin/rm": {
        const cid = url.searchParams.get("arg");
        if (!cid) throw new HttpError(400, 'argument "ipfs-path" is required');
        if (!store.unpin) throw new HttpError(404, "the embedded node's store cannot unpin");
        const bare = cid.replace(/^\/ipfs\//, "");
        // Kubo's answer (status 500) for a CID it does not pin.
        if (!(await store.unpin(bare))) throw new HttpError(500, `${bare}: not pinned or pinned indirectly`);
        sendJson(res, { Pins: [bare] });
        return;
      }
      case "/api/v0/pin/ls": {
        const args = url.searchParams.getAll("arg").map((arg) => arg.replace(/^\/ipfs\//, ""));
        if (args.length === 0) throw new HttpError(400, "the embedded node lists given CIDs only (pass arg)");
        if (!store.isPinned) throw new HttpError(404, "the embedded node's store cannot list pins");
        const lines: string[] = [];
        for (const arg of args) {
          // Kubo's answer (status 500) for a CID it does not pin.
          if (!(await store.isPinned(arg))) throw new HttpError(500, `path '${arg}' is not pinned`);
          lines.push(JSON.stringify({ Cid: arg, Type: "recursive" }));
        }
        res.writeHead(200, { "Content-Type": "application/json", "X-Chunked-Output": "1" });
        res.end(`${lines.join("\n")}\n`);
        return;
      }
      case "/api/v0/repo/gc": {
        if (!store.gc) throw new HttpError(404, "the embedded node's store cannot collect garbage");
        await store.gc();
        res.writeHead(200, { "Content-Type": "application/json", "X-Chunked-Output": "1" });
        res.end("");
        return;
      }
      default:
        throw new HttpError(404, `${url.pathname} is not served by the embedded node (add, cat, pin/ls, pin/rm, repo/gc, version, id are)`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : isMedLedgerError(error, "INVALID_INPUT") ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (res.headersSent) {
        // Mid-stream: the client sees a cut connection, never a silently short file.
        res.destroy(error instanceof Error ? error : undefined);
        return;
      }
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ Message: message, Code: 0, Type: "error" }));
      req.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 5001, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The store imports with MedLedger's settings only (Kubo's defaults, see importSettings.ts); a
 * client asking for others would silently get a CID it does not expect, so it is refused instead.
 * kubo-rpc-client sends its options in camelCase, Kubo's own CLI in kebab-case: both are read.
 */
function refuseOtherImportSettings(params: URLSearchParams): void {
  const expected: Record<string, string> = {
    "cid-version": String(KUBO_ADD_OPTIONS.cidVersion),
    "raw-leaves": String(KUBO_ADD_OPTIONS.rawLeaves),
    chunker: KUBO_ADD_OPTIONS.chunker,
    hash: KUBO_ADD_OPTIONS.hashAlg,
    trickle: "false",
    "only-hash": "false",
    "wrap-with-directory": "false",
  };
  for (const [name, value] of Object.entries(expected)) {
    const camel = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const given = params.get(name) ?? params.get(camel);
    if (given !== null && given !== value) {
      throw new HttpError(400, `the embedded node imports with ${name}=${value} only (MedLedger's fixed import settings), not ${given}`);
    }
  }
}

function nonNegative(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new HttpError(400, `${name} must be a whole number of bytes, not "${value}"`);
  return n;
}

/** Sends the chunks as they come, waiting for the socket to drain (backpressure); the first chunk is read before the headers, so a missing file is still a JSON error. */
async function streamCat(res: ServerResponse, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.writeHead(200, { "Content-Type": "application/octet-stream", "X-Stream-Output": "1" });
  for (let next = first; !next.done; next = await iterator.next()) {
    if (!res.write(next.value)) await new Promise<void>((resolve) => res.once("drain", resolve));
  }
  res.end();
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}
