/**
 * Event queries over long histories, split into block ranges the RPC provider accepts.
 *
 * Real providers cap `eth_getLogs` by block range (10,000, 2,000, 500 blocks…), by result count
 * (10,000 logs) or by response size, and viem refuses answers over 10 MiB. The range
 * [from, to] is therefore read in chunks: start with `startBlocks` (or what was learned for this
 * RPC URL earlier in the process), halve a chunk the provider refuses for a limit and retry it,
 * grow again after successes (×2, never past the start size nor to a size already refused for its
 * block range), run a few chunks at once, and return the results in block order.
 */
import { BaseError, HttpRequestError, ResponseBodyTooLargeError, TimeoutError } from "viem";
import { MedLedgerError } from "../errors.ts";

/** Blocks per `eth_getLogs` call to start with: the most common provider cap. */
export const DEFAULT_LOG_CHUNK_BLOCKS = 10_000n;
/** `eth_getLogs` calls in flight at once. */
export const DEFAULT_LOG_CONCURRENCY = 4;
/** Consecutive successes after which the chunk grows again. */
const GROW_AFTER_SUCCESSES = 2;

export interface LogRangeOptions {
  /** Largest chunk, in blocks (default 10,000; an override such as MEDLEDGER_LOG_CHUNK_BLOCKS goes here). */
  readonly startBlocks?: bigint;
  /** Chunks queried concurrently (default 4). */
  readonly concurrency?: number;
  /** What is being read, for error messages ("Reading the ledger's events"). */
  readonly action?: string;
}

/** Why a provider refused a range: its block span, or the size / number of results. */
export type LimitKind = "range" | "size";

/** What the process learned about one provider. */
interface ProviderLimits {
  /** The chunk size to use next. */
  chunk: bigint;
  /** Smallest chunk refused for its block range (exclusive upper bound for growth). */
  refusedRange?: bigint;
  /** Largest chunk that was answered. */
  answered?: bigint;
}

const learnedByUrl = new Map<string, ProviderLimits>();
const configuredStart = new Map<string, bigint>();
const learnedByClient = new WeakMap<object, ProviderLimits>();

/**
 * Sets the largest chunk for `rpcUrl` for the rest of the process (e.g. from a
 * MEDLEDGER_LOG_CHUNK_BLOCKS setting, for a provider known to cap at 500 blocks).
 */
export function setLogChunkBlocks(rpcUrl: string, blocks: bigint): void {
  if (blocks < 1n) throw new MedLedgerError("INVALID_INPUT", "The event query chunk must be at least one block.", "Use a positive number of blocks.");
  configuredStart.set(rpcUrl, blocks);
  const known = learnedByUrl.get(rpcUrl);
  if (known && known.chunk > blocks) known.chunk = blocks;
}

/** The chunk size currently learned for `rpcUrl` (for diagnostics and tests). */
export function learnedChunkBlocks(rpcUrl: string): bigint | undefined {
  return learnedByUrl.get(rpcUrl)?.chunk;
}

/** Forgets what was learned for `rpcUrl` (or for every URL). */
export function forgetLearnedChunks(rpcUrl?: string): void {
  if (rpcUrl === undefined) {
    learnedByUrl.clear();
    configuredStart.clear();
  } else {
    learnedByUrl.delete(rpcUrl);
    configuredStart.delete(rpcUrl);
  }
}

const RANGE_PATTERNS: readonly RegExp[] = [
  /block range/i,
  /range (is )?too (large|big|wide)/i,
  /max(imum)? (block )?range/i,
  /too many blocks/i,
  /blocks? (range )?(limit|exceed)/i,
  /range limit/i,
];
const SIZE_PATTERNS: readonly RegExp[] = [
  /more than \d+ results/i,
  /too many (results|logs|events)/i,
  /response size/i,
  /exceeded the size limit/i,
  /result(s)? (set )?(is )?too (large|big)/i,
  /limit exceeded/i,
  /query timeout exceeded/i,
];

function errorsOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function textOf(error: unknown): string {
  if (error instanceof BaseError) return [error.shortMessage, error.details].join(" ");
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "";
}

/** Rate limits and quotas are about the number of calls, not their size: smaller ranges would not help. */
const RATE_PATTERNS: readonly RegExp[] = [/rate.?limit/i, /too many requests/i, /request rate/i, /requests? (per|count)/i, /quota/i, /capacity/i];

/** Is `error` a provider's limit on `eth_getLogs` (and of which kind), rather than a real failure? */
export function limitKindOf(error: unknown): LimitKind | undefined {
  const chain = errorsOf(error);
  const text = chain.map(textOf).join(" \n ");
  if (chain.some((e) => e instanceof HttpRequestError && e.status === 429)) return undefined;
  if (RATE_PATTERNS.some((pattern) => pattern.test(text))) return undefined;
  if (RANGE_PATTERNS.some((pattern) => pattern.test(text))) return "range";
  if (chain.some((e) => e instanceof ResponseBodyTooLargeError)) return "size";
  if (chain.some((e) => e instanceof HttpRequestError && e.status === 413)) return "size";
  if (SIZE_PATTERNS.some((pattern) => pattern.test(text))) return "size";
  // EIP-1474's "limit exceeded"; -32602 / -32600 only count with a message that says so (above).
  if (chain.some((e) => (e as { code?: unknown }).code === -32005)) return "size";
  return undefined;
}

/** The provider's own words, first line, for the user. */
export function providerMessage(error: unknown): string {
  const chain = errorsOf(error);
  const rpc = chain.find((e) => typeof (e as { code?: unknown }).code === "number" && e instanceof BaseError);
  const chosen = rpc ?? chain.find((e) => e instanceof TimeoutError) ?? chain[chain.length - 1] ?? error;
  const base = chosen instanceof BaseError ? chosen.details || chosen.shortMessage : textOf(chosen);
  const line = (base || textOf(error) || "no answer").split("\n")[0] ?? "no answer";
  return line.replace(/\.$/, "");
}

function where(rpcUrl: string | undefined): string {
  return rpcUrl ? ` at ${rpcUrl}` : "";
}

/** A failure of a log query that is not about limits: the node is unreachable, timed out or refused. */
export function logQueryError(error: unknown, rpcUrl: string | undefined, action = "Reading the ledger's events"): MedLedgerError {
  if (error instanceof MedLedgerError) return error;
  const timedOut = errorsOf(error).some((e) => e instanceof TimeoutError);
  const what = timedOut ? "did not answer in time" : "did not answer the event query";
  return new MedLedgerError(
    "RPC_UNREACHABLE",
    timedOut ? "The network did not answer in time." : "The network MedLedger runs on did not answer.",
    "Check your connection and retry in a moment; if it keeps failing, tell the hospital's IT team.",
    {
      cause: error,
      details: `${action}: the Ethereum node${where(rpcUrl)} ${what} (${providerMessage(error)}). Check the node or RPC provider and MEDLEDGER_RPC_URL.`,
    },
  );
}

function limitError(error: unknown, rpcUrl: string | undefined, block: bigint, action: string): MedLedgerError {
  return new MedLedgerError(
    "RPC_LIMIT",
    "The network's provider refuses to give MedLedger the history it needs.",
    "Tell the hospital's IT team: MedLedger needs a network provider that allows reading its history.",
    {
      cause: error,
      details: `${action}: the Ethereum node${where(rpcUrl)} refuses to return the events of even a single block (block ${block}): ${providerMessage(error)}. Use an RPC provider or plan that allows eth_getLogs (or your own node) in MEDLEDGER_RPC_URL.`,
    },
  );
}

function limitsFor(key: { rpcUrl?: string; client: object }, startBlocks: bigint): ProviderLimits {
  const known = key.rpcUrl !== undefined ? learnedByUrl.get(key.rpcUrl) : learnedByClient.get(key.client);
  if (known) {
    if (known.chunk > startBlocks) known.chunk = startBlocks;
    return known;
  }
  const fresh: ProviderLimits = { chunk: startBlocks };
  if (key.rpcUrl !== undefined) learnedByUrl.set(key.rpcUrl, fresh);
  else learnedByClient.set(key.client, fresh);
  return fresh;
}

function onRefused(limits: ProviderLimits, size: bigint, kind: LimitKind): void {
  if (kind === "range") {
    if (limits.refusedRange === undefined || size < limits.refusedRange) limits.refusedRange = size;
  }
  // Halve, but not below the largest size known to work (a binary search for the provider's cap).
  let next = size / 2n > 0n ? size / 2n : 1n;
  if (kind === "range" && limits.answered !== undefined && limits.answered < size && limits.answered > next) next = limits.answered;
  if (next < limits.chunk) limits.chunk = next;
}

function onAnswered(limits: ProviderLimits, size: bigint, startBlocks: bigint, streak: number): void {
  if (limits.answered === undefined || size > limits.answered) limits.answered = size;
  if (streak < GROW_AFTER_SUCCESSES || size < limits.chunk) return;
  let next = limits.chunk * 2n;
  if (next > startBlocks) next = startBlocks;
  if (limits.refusedRange !== undefined && next >= limits.refusedRange) {
    next = (limits.chunk + limits.refusedRange) / 2n; // between the known good and the refused size
  }
  if (next > limits.chunk) limits.chunk = next;
}

export interface ChunkedQuery<T> {
  readonly from: bigint;
  readonly to: bigint;
  /** The RPC URL (the key under which the chunk size is remembered). */
  readonly rpcUrl?: string;
  /** Identifies the provider when there is no URL (an injected wallet). */
  readonly client: object;
  /** One `eth_getLogs`-like call for the inclusive range [from, to]. */
  fetch(from: bigint, to: bigint): Promise<readonly T[]>;
}

/** Runs `query.fetch` over [from, to] in adaptive chunks; results in block order. */
export async function fetchInChunks<T>(query: ChunkedQuery<T>, options: LogRangeOptions = {}): Promise<T[]> {
  const { from, to } = query;
  if (to < from) return [];
  const configured = query.rpcUrl !== undefined ? configuredStart.get(query.rpcUrl) : undefined;
  const startBlocks = options.startBlocks !== undefined && options.startBlocks > 0n ? options.startBlocks : (configured ?? DEFAULT_LOG_CHUNK_BLOCKS);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_LOG_CONCURRENCY));
  const action = options.action ?? "Reading the ledger's events";
  const limits = limitsFor(query, startBlocks);

  /** Ranges split off from refused chunks, retried before new ground is covered. */
  const retries: Array<readonly [bigint, bigint]> = [];
  let cursor = from;
  let streak = 0;
  let failure: unknown;
  const done: Array<{ readonly from: bigint; readonly items: readonly T[] }> = [];

  const next = (): readonly [bigint, bigint] | undefined => {
    const retry = retries.shift();
    if (retry) {
      const [start, end] = retry;
      const stop = start + limits.chunk - 1n < end ? start + limits.chunk - 1n : end;
      if (stop < end) retries.unshift([stop + 1n, end]);
      return [start, stop];
    }
    if (cursor > to) return undefined;
    const start = cursor;
    const stop = start + limits.chunk - 1n < to ? start + limits.chunk - 1n : to;
    cursor = stop + 1n;
    return [start, stop];
  };

  const worker = async (): Promise<void> => {
    for (let range = next(); range && failure === undefined; range = next()) {
      const [start, end] = range;
      const size = end - start + 1n;
      try {
        const items = await query.fetch(start, end);
        done.push({ from: start, items });
        streak += 1;
        onAnswered(limits, size, startBlocks, streak);
      } catch (error) {
        const kind = limitKindOf(error);
        if (kind === undefined) {
          failure ??= logQueryError(error, query.rpcUrl, action);
          return;
        }
        if (size === 1n) {
          failure ??= limitError(error, query.rpcUrl, start, action);
          return;
        }
        streak = 0;
        onRefused(limits, size, kind);
        // Never retry the same size: at most half of what was refused.
        if (limits.chunk >= size) limits.chunk = size / 2n;
        retries.unshift([start, end]);
      }
    }
  };

  // Workers stop when nothing is left; a worker may find the queue empty while others still
  // split refused ranges, so keep starting workers until both the queue and the work are done.
  const running = new Set<Promise<void>>();
  for (;;) {
    while (running.size < concurrency && failure === undefined && (retries.length > 0 || cursor <= to)) {
      const task: Promise<void> = worker().finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure !== undefined) throw failure;
  done.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return done.flatMap((chunk) => chunk.items);
}
