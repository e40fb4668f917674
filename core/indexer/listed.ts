/**
 * A report as a list shows it (an indexer row, before the O(1) check of check.ts). Type imports
 * only: the web's first load carries none of the indexer client or its schemas.
 */
import type { ReportRecord } from "../reports/records.ts";
import type { IndexedReport } from "./wire.ts";

/** What a list shows of a report (an indexer row, or a record built from one). */
export type ListedReport = Omit<ReportRecord, "patientKey" | "doctorKey">;

/**
 * A listed report as the core's ReportRecord. The wrapped keys are not part of a list: they are
 * read from the chain when the report is opened (core/reports/versions.ts).
 */
export function listedRecord(row: IndexedReport): ReportRecord {
  return { ...row, patientKey: "0x", doctorKey: "0x" };
}
