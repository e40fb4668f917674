/**
 * A report as a list shows it (an indexer row, before the O(1) check of check.ts). Type imports
 * only (and the dependency-free reports/held.ts): the web's first load carries none of the indexer client or its schemas.
 */
import type { ReportRecord } from "../reports/records.ts";
import type { IndexedReport } from "./wire.ts";
import { heldUntilOf } from "../reports/held.ts";

/** What a list shows of a report (an indexer row, or a record built from one). */
export type ListedReport = ReportRecord;

/**
 * A listed report as the core's ReportRecord, with the wrapped keys of its registration (a list
 * opens each shown report's encrypted head with them; a re-key's newer keys come from the chain,
 * core/reports/versions.ts).
 */
export function listedRecord(row: IndexedReport): ReportRecord {
  return { ...row, heldUntil: heldUntilOf(row.heldUntil) };
}
