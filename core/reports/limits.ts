/** File-size rules shared by upload, read and verify. */
import { MedLedgerError } from "../errors.ts";

/** Default upper bound of a report file: 50 MB (configurable by MEDLEDGER_MAX_FILE_BYTES / --max-bytes). */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function checkFileSize(size: number, maxBytes: number = DEFAULT_MAX_FILE_BYTES): void {
  if (size === 0) {
    throw new MedLedgerError("EMPTY_FILE", "The file is empty.", "Choose the report file itself (a PDF or image), not an empty placeholder.");
  }
  if (size > maxBytes) {
    throw new MedLedgerError(
      "FILE_TOO_LARGE",
      `The file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit.`,
      "Compress or split the report, or raise the limit (MEDLEDGER_MAX_FILE_BYTES) if your deployment allows it.",
    );
  }
}
