/**
 * A JSON-RPC proxy that answers `eth_getLogs` the way real providers do: a block-range cap and a
 * result cap, with their error answers (or, in "hang" mode, no answer at all). Every other call,
 * batches included, goes to the node unchanged. Counts the `eth_getLogs` calls it saw.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Something that answers JSON-RPC: an HTTP URL or an EIP-1193 `request` (the in-process EVM). */
export type Upstream = string | { request(args: { method: string; params?: unknown }): Promise<unknown> };

export interface RpcErrorAnswer {
  readonly code: number;
  readonly message: string;
}

export interface CappedProxyOptions {
  readonly upstream: Upstream;
  /** Largest `toBlock - fromBlock + 1` accepted (default 10,000; `Infinity` for none). */
  readonly maxBlockRange?: number;
  /** Largest number of logs returned (default 10,000; `Infinity` for none). */
  readonly maxResults?: number;
  /** Answers over the range cap (default -32005 "query exceeds max block range N"). */
  readonly rangeError?: RpcErrorAnswer;
  /** Answers over the result cap (default -32005 "query returned more than N results"). */
  readonly resultError?: RpcErrorAnswer;
  /** "error" (default) answers with the error; "hang" never answers a query over a cap. */
  readonly mode?: "error" | "hang";
}

export interface GetLogsCall {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  readonly outcome: "answered" | "range-refused" | "results-refused" | "hung";
  readonly results: number;
}

export interface CappedProxy {
  readonly url: string;
  /** Every `eth_getLogs` call, in arrival order. */
  readonly calls: readonly GetLogsCall[];
  resetCalls(): void;
  close(): Promise<void>;
}

interface JsonRpcRequest {
  readonly jsonrpc?: string;
  readonly id?: unknown;
  readonly method: string;
  readonly params?: unknown;
}

type JsonRpcResponse = { jsonrpc: "2.0"; id: unknown } & ({ result: unknown } | { error: { code: number; message: string; data?: unknown } });

const HANG = Symbol("hang");

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

async function forward(upstream: Upstream, request: JsonRpcRequest): Promise<JsonRpcResponse> {
  const id = request.id ?? null;
  if (typeof upstream === "string") {
    const answer = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id, method: request.method, params: request.params ?? [] }),
    });
    return (await answer.json()) as JsonRpcResponse;
  }
  try {
    return { jsonrpc: "2.0", id, result: await upstream.request({ method: request.method, params: request.params ?? [] }) };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; details?: unknown; data?: unknown };
    const code = typeof e.code === "number" ? e.code : -32603;
    const message = typeof e.details === "string" && e.details ? e.details : typeof e.message === "string" ? e.message : String(error);
    return { jsonrpc: "2.0", id, error: { code, message, ...(e.data === undefined ? {} : { data: e.data }) } };
  }
}

async function blockNumberOf(upstream: Upstream, tag: unknown): Promise<bigint> {
  if (typeof tag === "string" && /^0x[0-9a-f]+$/i.test(tag)) return BigInt(tag);
  if (tag === "earliest") return 0n;
  const answer = await forward(upstream, { id: 0, method: "eth_blockNumber", params: [] });
  if (!("result" in answer) || typeof answer.result !== "string") throw new Error("the node did not give its block number");
  return BigInt(answer.result);
}

/** Starts the proxy on 127.0.0.1 on a free port. */
export async function startCappedProxy(options: CappedProxyOptions): Promise<CappedProxy> {
  const maxRange = options.maxBlockRange ?? 10_000;
  const maxResults = options.maxResults ?? 10_000;
  const rangeError = options.rangeError ?? { code: -32005, message: `query exceeds max block range ${maxRange}` };
  const resultError = options.resultError ?? { code: -32005, message: `query returned more than ${maxResults} results` };
  const calls: GetLogsCall[] = [];
  const hanging = new Set<ServerResponse>();

  const getLogs = async (request: JsonRpcRequest): Promise<JsonRpcResponse | typeof HANG> => {
    const id = request.id ?? null;
    const filter = (Array.isArray(request.params) ? request.params[0] : undefined) as
      { fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown } | undefined;
    if (!filter || filter.blockHash !== undefined) return forward(options.upstream, request);
    const fromBlock = await blockNumberOf(options.upstream, filter.fromBlock ?? "latest");
    const toBlock = await blockNumberOf(options.upstream, filter.toBlock ?? "latest");
    if (Number(toBlock - fromBlock + 1n) > maxRange) {
      const hang = options.mode === "hang";
      calls.push({ fromBlock, toBlock, outcome: hang ? "hung" : "range-refused", results: 0 });
      return hang ? HANG : { jsonrpc: "2.0", id, error: { ...rangeError } };
    }
    const answer = await forward(options.upstream, request);
    const results = "result" in answer && Array.isArray(answer.result) ? answer.result.length : 0;
    if (results > maxResults) {
      const hang = options.mode === "hang";
      calls.push({ fromBlock, toBlock, outcome: hang ? "hung" : "results-refused", results });
      return hang ? HANG : { jsonrpc: "2.0", id, error: { ...resultError } };
    }
    calls.push({ fromBlock, toBlock, outcome: "answered", results });
    return answer;
  };

  const handle = (request: JsonRpcRequest): Promise<JsonRpcResponse | typeof HANG> =>
    request.method === "eth_getLogs" ? getLogs(request) : forward(options.upstream, request);

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body: unknown = JSON.parse(await readBody(req));
        const answer = Array.isArray(body) ? await Promise.all((body as JsonRpcRequest[]).map(handle)) : await handle(body as JsonRpcRequest);
        if (answer === HANG || (Array.isArray(answer) && answer.includes(HANG))) {
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message } }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    resetCalls: () => void calls.splice(0, calls.length),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
