/**
 * Refusals of a report file by its content: EMPTY_FILE, UNSUPPORTED_FILE_TYPE or DAMAGED_FILE
 * (encrypted PDFs too), with a finer machine-readable `reason`.
 */
import { MedLedgerError } from "../errors.ts";
import type { ReportFileType } from "./types.ts";

export type ReportFileRefusal = "unsupported-type" | "damaged" | "encrypted" | "empty";

export class ReportFileError extends MedLedgerError {
  readonly reason: ReportFileRefusal;
  /** The detected type, when the file is a PDF, PNG or JPEG that cannot be used. */
  readonly fileType: ReportFileType | null;

  constructor(reason: ReportFileRefusal, fileType: ReportFileType | null, message: string, hint: string, options?: { cause?: unknown }) {
    super(reason === "empty" ? "EMPTY_FILE" : reason === "unsupported-type" ? "UNSUPPORTED_FILE_TYPE" : "DAMAGED_FILE", message, hint, options);
    this.reason = reason;
    this.fileType = fileType;
  }
}

export function isReportFileError(error: unknown, reason?: ReportFileRefusal): error is ReportFileError {
  return error instanceof ReportFileError && (reason === undefined || error.reason === reason);
}

const FORMAT_NAMES: Record<ReportFileType, string> = {
  pdf: "PDF",
  png: "PNG image",
  jpeg: "JPEG image",
};

export function emptyFile(): ReportFileError {
  return new ReportFileError("empty", null, "The file is empty.", "Choose the report file itself (a PDF or image), not an empty placeholder.");
}

export function unsupportedFile(description: string): ReportFileError {
  return new ReportFileError(
    "unsupported-type",
    null,
    `Only PDF, PNG and JPEG reports can be registered: this file looks like ${description}.`,
    "Export or print the report as a PDF (or save the scan as PNG or JPEG) and choose that file.",
  );
}

export function damagedFile(type: ReportFileType, detail: string, cause?: unknown): ReportFileError {
  return new ReportFileError(
    "damaged",
    type,
    `This ${FORMAT_NAMES[type]} is damaged or incomplete: ${detail}.`,
    "Download or export the report again from the source system and choose the new copy.",
    cause === undefined ? undefined : { cause },
  );
}

export function encryptedPdf(): ReportFileError {
  return new ReportFileError(
    "encrypted",
    "pdf",
    "This PDF is password-protected (encrypted), so MedLedger cannot add the report serial to it.",
    "Export an unprotected copy from the lab system; MedLedger encrypts every report itself before storing it.",
  );
}
