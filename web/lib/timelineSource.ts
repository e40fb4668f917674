"use client";
/**
 * The admin's audit timeline with an indexer: pages of 100 events through /api/indexer, filtered
 * by the indexer (actor, event type, dates), newest first; the actor choices from the indexer too.
 */
import { useInfiniteQuery, useQuery, keepPreviousData } from "@tanstack/react-query";
import { useMemo } from "react";
import type { TimelineEntry, TimelineFilter } from "#core/contract/events.ts";
import type { IndexedEvent, Page } from "#core/indexer/wire.ts";
import { useLedgerReader, usePublicConfig } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";
import { indexerCaughtUp, indexerClient, LIST_PAGE_SIZE } from "./reportLists.ts";

export interface TimelineSource {
  readonly entries: readonly TimelineEntry[] | undefined;
  readonly total: number;
  readonly hasMore: boolean;
  loadMore(): void;
  readonly isFetching: boolean;
  readonly error: Error | null;
  readonly actors: readonly string[];
}

export function useIndexedTimeline(filter: TimelineFilter): TimelineSource {
  const config = usePublicConfig();
  const reader = useLedgerReader();
  const pages = useInfiniteQuery({
    queryKey: [...queryKeys.ledger.timeline(filter), "indexer"],
    queryFn: async ({ pageParam }: { pageParam: string | null }): Promise<Page<IndexedEvent>> => {
      const indexer = pageParam === null ? await indexerCaughtUp(reader) : await indexerClient();
      return indexer.timeline({
        cursor: pageParam,
        limit: LIST_PAGE_SIZE,
        actor: filter.actor,
        event: filter.eventNames?.[0],
        from: filter.from,
        to: filter.to,
      });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<IndexedEvent>) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled: config.indexer,
  });
  const actors = useQuery({
    queryKey: [...queryKeys.ledger.timeline(), "actors"],
    queryFn: async () => (await indexerClient()).actors(),
    enabled: config.indexer,
  });
  const loaded = pages.data?.pages;
  const entries = useMemo(() => loaded?.flatMap((page) => page.items), [loaded]);
  return {
    entries,
    total: loaded?.[0]?.total ?? 0,
    hasMore: pages.hasNextPage,
    loadMore: () => {
      if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
    },
    isFetching: pages.isFetching,
    error: pages.error ?? actors.error,
    actors: actors.data ?? [],
  };
}
