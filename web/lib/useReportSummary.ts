"use client";
/**
 * A report's title, kind and date of service for the list row that shows it: the head of its
 * ciphertext (4 KB), fetched and opened in the browser when the row is shown, kept for the session.
 */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportSummary } from "#core/reports/metadata.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { useContentStore } from "./contentStore.ts";
import { useLedgerReader } from "./ledgerContext.tsx";
import { queryKeys } from "./queryKeys.ts";

export function useReportSummary(record: ReportRecord, identity: EncryptionIdentity): UseQueryResult<ReportSummary | null> {
  const reader = useLedgerReader();
  const store = useContentStore();
  return useQuery({
    queryKey: queryKeys.ipfs.reportSummary(record.reportId, identity.address),
    queryFn: async () => {
      const { readReportSummary } = await import("#core/reports/read.ts");
      return readReportSummary(reader, store, record, identity);
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  });
}
