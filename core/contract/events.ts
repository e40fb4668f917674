/**
 * Queries of the contract's events: the tamper-proof audit trail. Every listing in MedLedger
 * (reports of a patient or doctor, staff, grants, the admin's timeline) is built from these.
 */
import type { Address, ContractEventName, GetContractEventsReturnType, Hash, Hex } from "viem";
import { medLedgerAbi } from "./generated/medLedger.ts";
import { toLedgerError } from "./errors.ts";
import type { LedgerReader } from "./ledger.ts";
import { fetchInChunks, logQueryError, type LogRangeOptions } from "./logRanges.ts";

type Abi = typeof medLedgerAbi;
export type LedgerEventName = ContractEventName<Abi>;
export type LedgerLog<N extends LedgerEventName = LedgerEventName> = GetContractEventsReturnType<Abi, N, true>[number];

export interface EventQuery<N extends LedgerEventName> {
  readonly eventName?: N;
  /** Indexed-argument filter, e.g. `{ patient: "0x…" }`. */
  readonly args?: Record<string, unknown>;
  readonly fromBlock?: bigint;
  readonly toBlock?: bigint;
}

/**
 * Decoded logs of the contract, oldest first, from the deployment block unless `fromBlock` is given.
 * The range is read in chunks the RPC provider accepts (see logRanges.ts); `options.startBlocks`
 * sets the largest chunk (default 10,000 blocks).
 */
export async function getLedgerEvents<N extends LedgerEventName>(
  ledger: LedgerReader,
  query: EventQuery<N> = {},
  options: LogRangeOptions = {},
): Promise<LedgerLog<N>[]> {
  const action = options.action ?? "Reading the ledger's events";
  const from = query.fromBlock ?? ledger.deployment.deployBlock;
  let to: bigint;
  try {
    to = query.toBlock ?? (await ledger.publicClient.getBlockNumber({ cacheTime: 0 }));
  } catch (error) {
    throw logQueryError(error, ledger.rpcUrl, action);
  }
  return fetchInChunks<LedgerLog<N>>(
    {
      from,
      to,
      rpcUrl: ledger.rpcUrl,
      client: ledger.publicClient,
      fetch: async (fromBlock, toBlock) => {
        const logs = await ledger.publicClient.getContractEvents({
          address: ledger.deployment.address,
          abi: medLedgerAbi,
          eventName: query.eventName,
          args: query.args,
          fromBlock,
          toBlock,
          strict: true,
        } as Parameters<typeof ledger.publicClient.getContractEvents>[0]);
        return logs as unknown as LedgerLog<N>[];
      },
    },
    { ...options, action },
  );
}

/** Timestamps (seconds) of the given blocks, fetched once each. */
export async function blockTimestamps(ledger: LedgerReader, blockNumbers: Iterable<bigint>): Promise<Map<bigint, number>> {
  const unique = [...new Set(blockNumbers)];
  try {
    const blocks = await Promise.all(unique.map((blockNumber) => ledger.publicClient.getBlock({ blockNumber })));
    return new Map(blocks.map((block) => [block.number, Number(block.timestamp)]));
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: "Reading block times" });
  }
}

/** One row of the audit timeline. */
export interface TimelineEntry {
  readonly eventName: LedgerEventName;
  /** The account the event is about or was caused by (the transaction sender). */
  readonly actor: Address;
  readonly args: Readonly<Record<string, unknown>>;
  readonly blockNumber: bigint;
  readonly transactionHash: Hash;
  readonly logIndex: number;
  /** Unix seconds. */
  readonly timestamp: number;
}

export interface TimelineFilter {
  readonly actor?: Address;
  readonly eventNames?: readonly LedgerEventName[];
  /** Unix seconds, inclusive. */
  readonly from?: number;
  readonly to?: number;
}

/** Every event of the contract as timeline rows, newest first, with the sender of each transaction as actor. */
export async function getTimeline(ledger: LedgerReader, filter: TimelineFilter = {}): Promise<TimelineEntry[]> {
  const logs = await getLedgerEvents(ledger);
  const wanted = filter.eventNames ? new Set<string>(filter.eventNames) : undefined;
  const selected = logs.filter((log) => !wanted || wanted.has(log.eventName));
  const times = await blockTimestamps(
    ledger,
    selected.map((log) => log.blockNumber),
  );
  const senders = await transactionSenders(
    ledger,
    selected.map((log) => log.transactionHash),
  );
  const entries: TimelineEntry[] = selected.map((log) => ({
    eventName: log.eventName,
    actor: senders.get(log.transactionHash) ?? ("0x0000000000000000000000000000000000000000" as Address),
    args: log.args as Record<string, unknown>,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    logIndex: log.logIndex,
    timestamp: times.get(log.blockNumber) ?? 0,
  }));
  return entries
    .filter((entry) => !filter.actor || entry.actor.toLowerCase() === filter.actor.toLowerCase())
    .filter((entry) => filter.from === undefined || entry.timestamp >= filter.from)
    .filter((entry) => filter.to === undefined || entry.timestamp <= filter.to)
    .reverse();
}

async function transactionSenders(ledger: LedgerReader, hashes: readonly Hash[]): Promise<Map<Hash, Address>> {
  const unique = [...new Set(hashes)];
  try {
    const txs = await Promise.all(unique.map((hash) => ledger.publicClient.getTransaction({ hash })));
    return new Map(txs.map((tx) => [tx.hash, tx.from]));
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: "Reading transactions" });
  }
}

export type { Hex };
