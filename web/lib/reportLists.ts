"use client";
/**
 * The lists of the pages, one shape for both sources: with an indexer (config.indexer) they page
 * through /api/indexer and every row shown is checked on chain in O(1) (core/indexer/check.ts);
 * without one, the chain reads of core/. The report lists (a patient's, a doctor's, shared with a
 * doctor) load 100 rows at a time as the list scrolls; the patients (the reception's, a doctor's)
 * 100 at a time on "Show more"; who can read a patient's reports, all of them at once.
 */
import { useInfiniteQuery, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address, Hex } from "viem";
import type { LedgerReader } from "#core/contract/ledger.ts";
import type { IndexerClient } from "#core/indexer/client.ts";
import { listedRecord } from "#core/indexer/listed.ts";
import type { Page, IndexedReport } from "#core/indexer/wire.ts";
import type { PatientSummary } from "#core/patients/patients.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import type { ReportReader } from "#core/reports/share.ts";
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
    queryFn: async () => {
      // Without an indexer the list is read from the chain's events: that code (and the CID codec it
      // decodes references with) is loaded when such a list is asked for, not with the page.
      const { listReports, listReportsSharedWith } = await import("#core/reports/records.ts");
      return kind === "sharedWith"
        ? listReportsSharedWith(reader, account)
        : listReports(reader, kind === "ofPatient" ? { patient: account } : { doctor: account });
    },
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

/**
 * Who can read each of `patient`'s reports (report id → its readers, as core/reports/share.ts
 * `listReadersOfPatient`): with an indexer, the patient's grants page by page from /v1/grants,
 * each checked on chain (`grantOf` for its status and end date, `getReport` that the report is
 * this patient's); a grant the chain does not hold is not shown. Without one, the chain's events.
 */
export function useReadersOfPatient(patient: Address): UseQueryResult<ReadonlyMap<Hex, readonly ReportReader[]>> {
  const config = usePublicConfig();
  const reader = useLedgerReader();
  return useQuery({
    queryKey: [...queryKeys.ledger.readersOfPatient(patient), config.indexer ? "indexer" : "chain"],
    queryFn: async (): Promise<ReadonlyMap<Hex, readonly ReportReader[]>> => {
      if (!config.indexer) return (await import("#core/reports/share.ts")).listReadersOfPatient(reader, patient);
      const [indexer, { allPages }, { checkIndexedGrants }] = await Promise.all([
        indexerCaughtUp(reader),
        import("#core/indexer/client.ts"),
        import("#core/indexer/check.ts"),
      ]);
      const rows = await allPages((cursor) => indexer.grants({ patient, cursor, limit: 500 }));
      const readers = new Map<Hex, ReportReader[]>();
      for (const check of await checkIndexedGrants(reader, rows)) {
        const grant = check.grant;
        if (!grant || grant.patient.toLowerCase() !== patient.toLowerCase()) continue;
        const list = readers.get(grant.reportId) ?? [];
        if (!list.some((r) => r.reader.toLowerCase() === grant.reader.toLowerCase()))
          list.push({ reader: grant.reader, status: grant.status, expiresAt: grant.expiresAt });
        readers.set(grant.reportId, list);
      }
      return readers;
    },
  });
}

export interface PatientListSource<T> {
  /** The patients loaded so far (from the indexer newest first, each checked on chain). */
  readonly patients: readonly T[] | undefined;
  /** Rows of the whole list (more than `patients` while pages are still to come). */
  readonly total: number;
  readonly hasMore: boolean;
  loadMore(): void;
  readonly isPending: boolean;
  readonly error: Error | null;
  readonly fromIndexer: boolean;
}

/**
 * With an indexer, /v1/patients (with `doctor`: those assigned to that doctor now) a page at a
 * time, each row checked on chain (core/indexer/check.ts `checkIndexedPatient`: the profile and
 * who registered them are the chain's; a row the chain does not confirm as a patient, or as
 * assigned to `doctor`, is not shown); without one, `fromChain`.
 */
function usePatientPages<T>(
  key: readonly unknown[],
  doctor: Address | undefined,
  shown: (patient: PatientSummary) => T,
  fromChain: () => Promise<T[]>,
): PatientListSource<T> {
  const config = usePublicConfig();
  const reader = useLedgerReader();
  const indexed = useInfiniteQuery({
    queryKey: [...key, "indexer"],
    queryFn: async ({ pageParam }: { pageParam: string | null }): Promise<Page<T>> => {
      const indexer = pageParam === null ? await indexerCaughtUp(reader) : await indexerClient();
      const [page, { checkIndexedPatients }] = await Promise.all([
        indexer.patients({ cursor: pageParam, limit: LIST_PAGE_SIZE, ...(doctor ? { doctor } : {}) }),
        import("#core/indexer/check.ts"),
      ]);
      const checks = await checkIndexedPatients(reader, page.items, doctor);
      const items = checks.flatMap((check) => (check.patient && (check.ok || !check.differences.includes("assignment")) ? [shown(check.patient)] : []));
      return { items, nextCursor: page.nextCursor, total: page.total };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<T>) => last.nextCursor,
    enabled: config.indexer,
  });
  const chain = useQuery({ queryKey: key, queryFn: fromChain, enabled: !config.indexer });
  const pages = indexed.data?.pages;
  const rows = useMemo(() => pages?.flatMap((page) => page.items), [pages]);
  if (config.indexer) {
    return {
      patients: rows,
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
    patients: chain.data,
    total: chain.data?.length ?? 0,
    hasMore: false,
    loadMore: () => {},
    isPending: chain.isPending,
    error: chain.error,
    fromIndexer: false,
  };
}

/** The registered patients (the reception's list). */
export function usePatientList(): PatientListSource<PatientSummary> {
  const reader = useLedgerReader();
  return usePatientPages(
    queryKeys.ledger.patients(),
    undefined,
    (patient) => patient,
    async () => (await import("#core/patients/patients.ts")).listPatients(reader),
  );
}

/** The patients assigned to `doctor` now ("My patients"). */
export function useDoctorPatientList(doctor: Address): PatientListSource<Address> {
  const reader = useLedgerReader();
  return usePatientPages(
    queryKeys.ledger.doctorPatients(doctor),
    doctor,
    (patient) => patient.account,
    async () => (await import("#core/patients/patients.ts")).patientsOfDoctor(reader, doctor),
  );
}
