"use client";
/**
 * The report lists of the pages (a patient's, a doctor's, shared with a doctor), one shape for both
 * sources: with an indexer (config.indexer) pages through /api/indexer, 100 rows at a time as the
 * list scrolls; without one, the chain reads of core/reports/records.ts, all at once.
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address } from "viem";
import type { LedgerReader } from "#core/contract/ledger.ts";
import type { IndexerClient } from "#core/indexer/client.ts";
import { listedRecord } from "#core/indexer/listed.ts";
import type { Page, IndexedReport } from "#core/indexer/wire.ts";
import { listReports, listReportsSharedWith, type ReportRecord } from "#core/reports/records.ts";
import { useLedgerReader, usePublicConfig } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

export const LIST_PAGE_SIZE = 100;

export type ReportListKind = "ofPatient" | "byDoctor" | "sharedWith";

export interface ReportListSource {
  /** The rows loaded so far, newest first. */
  readonly reports: readonly ReportRecord[] | undefined;
  /** Rows of the whole list (more than `reports` while pages are still to come). */
  readonly total: number;
  readonly hasMore: boolean;
  loadMore(): void;
  readonly isPending: boolean;
  readonly error: Error | null;
  /** Rows come from the indexer: each shown row is checked against the contract. */
  readonly fromIndexer: boolean;
}

let client: Promise<IndexerClient> | undefined;

/** The indexer's list API through this site's server (its code and schemas loaded on first use, not with the page). */
export function indexerClient(): Promise<IndexerClient> {
  client ??= import("#core/indexer/client.ts").then(({ createIndexerClient }) => createIndexerClient({ baseUrl: "/api/indexer" }));
  return client;
}

/** Waits until the indexer has reached the chain's current block (a list refreshed after a transaction shows it). */
export async function indexerCaughtUp(reader: LedgerReader): Promise<IndexerClient> {
  const [indexer, { waitForIndexer }, head] = await Promise.all([
    indexerClient(),
    import("#core/indexer/client.ts"),
    reader.publicClient.getBlockNumber({ cacheTime: 0 }),
  ]);
  await waitForIndexer(indexer, head);
  return indexer;
}

/**
 * The first page once the indexer has reached the chain's current block (so a list refreshed after
 * a transaction shows it), the following ones at once (keyset pages do not move).
 */
async function fetchPage(reader: LedgerReader, kind: ReportListKind, account: Address, cursor: string | null): Promise<Page<IndexedReport>> {
  const indexer = cursor === null ? await indexerCaughtUp(reader) : await indexerClient();
  const page = { cursor, limit: LIST_PAGE_SIZE };
  if (kind === "ofPatient") return indexer.reports({ ...page, patient: account });
  if (kind === "byDoctor") return indexer.reports({ ...page, doctor: account });
  return indexer.sharedWith({ ...page, reader: account });
}

export function useReportList(kind: ReportListKind, account: Address): ReportListSource {
  const config = usePublicConfig();
  const reader = useLedgerReader();
  const key = queryKeys.ledger.reports[kind](account);
  const indexed = useInfiniteQuery({
    queryKey: [...key, "indexer"],
    queryFn: ({ pageParam }: { pageParam: string | null }) => fetchPage(reader, kind, account, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<IndexedReport>) => last.nextCursor,
    enabled: config.indexer,
  });
  const chain = useQuery({
    queryKey: key,
    queryFn: () =>
      kind === "sharedWith" ? listReportsSharedWith(reader, account) : listReports(reader, kind === "ofPatient" ? { patient: account } : { doctor: account }),
    enabled: !config.indexer,
  });
  const pages = indexed.data?.pages;
  const rows = useMemo(() => pages?.flatMap((page) => page.items.map(listedRecord)), [pages]);
  if (config.indexer) {
    return {
      reports: rows,
      total: pages?.[0]?.total ?? 0,
      hasMore: indexed.hasNextPage,
      loadMore: () => {
        if (indexed.hasNextPage && !indexed.isFetchingNextPage) void indexed.fetchNextPage();
      },
      isPending: indexed.isPending,
      error: indexed.error,
      fromIndexer: true,
    };
  }
  return {
    reports: chain.data,
    total: chain.data?.length ?? 0,
    hasMore: false,
    loadMore: () => {},
    isPending: chain.isPending,
    error: chain.error,
    fromIndexer: false,
  };
}
