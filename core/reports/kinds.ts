/**
 * The report kinds (LOINC document-type codes) and the limits of what a doctor enters about a
 * report: the plain part of core/reports/metadata.ts (which re-exports it), so the upload and
 * amend forms can draw their fields without loading the metadata schema, its hash and codec.
 */

/** The kinds of report a doctor picks from, with their LOINC document-type codes. */
export const REPORT_KINDS = [
  { id: "lab", code: "11502-2", display: "Laboratory report", label: "Lab result" },
  { id: "imaging", code: "18748-4", display: "Diagnostic imaging study", label: "Imaging" },
  { id: "discharge", code: "18842-5", display: "Discharge summary", label: "Discharge summary" },
  { id: "prescription", code: "57833-6", display: "Prescription for medication", label: "Prescription" },
  { id: "consult", code: "11488-4", display: "Consult note", label: "Consultation" },
  { id: "procedure", code: "28570-0", display: "Procedure note", label: "Procedure" },
  { id: "pathology", code: "11526-1", display: "Pathology study", label: "Pathology" },
  { id: "progress", code: "11506-3", display: "Progress note", label: "Progress note" },
  { id: "other", code: "34133-9", display: "Summary of episode note", label: "Other" },
] as const;

export type ReportKind = (typeof REPORT_KINDS)[number]["id"];

export const LOINC_SYSTEM = "http://loinc.org";
export const TITLE_MAX = 120;
export const NOTE_MAX = 1000;

/** What the doctor enters. */
export interface ReportMetadata {
  readonly title: string;
  readonly kind: ReportKind;
  /** The date of service, YYYY-MM-DD. */
  readonly dateOfService: string;
  readonly note?: string;
}

export function kindOf(id: ReportKind): (typeof REPORT_KINDS)[number] {
  return REPORT_KINDS.find((k) => k.id === id)!;
}
