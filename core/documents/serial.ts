/**
 * The report serial, embedded in the issued file before it is hashed (see serialFormat.ts for
 * why). One entry point per operation, dispatching on the file's content:
 *  - {@link issueReportFile}: what an upload calls once per prepared report: the file with a serial
 *    (a fresh one, or the one it already carries) and that serial to show the patient;
 *  - {@link embedReportSerial} / {@link readReportSerial}: the two halves, for a given serial.
 * Anything but PDF, PNG and JPEG is refused (ReportFileError), as are damaged and encrypted files.
 */
import { embedJpegSerial, readJpegSerial } from "./jpegSerial.ts";
import { embedPdfSerial, readPdfSerial } from "./pdfSerial.ts";
import { embedPngSerial, readPngSerial } from "./pngSerial.ts";
import { MedLedgerError } from "../errors.ts";
import { isReportSerial, newReportSerial } from "./serialFormat.ts";
import { requireReportType, type ReportFileType } from "./types.ts";

export { newReportSerial, parseReportSerial } from "./serialFormat.ts";

export interface IssuedReportFile {
  /** The bytes to hash, encrypt and register. */
  readonly bytes: Uint8Array;
  /** The serial the file carries. */
  readonly serial: string;
  readonly type: ReportFileType;
  /** True when the file already carried a serial (it was issued before) and is returned unchanged. */
  readonly alreadySerialised: boolean;
}

/**
 * The file with `serial` embedded. A file that already carries a MedLedger serial is returned
 * unchanged (its own serial stays, see {@link readReportSerial}): re-serialising it would give one
 * report two files and two registrations. Deterministic: the same file and serial give the same bytes.
 */
export async function embedReportSerial(bytes: Uint8Array, serial: string): Promise<Uint8Array> {
  if (!isReportSerial(serial)) {
    throw new MedLedgerError("INVALID_INPUT", `"${serial}" is not a MedLedger report serial.`, "Use newReportSerial() to make one (ML- and 32 hex digits).");
  }
  switch (requireReportType(bytes)) {
    case "pdf":
      return embedPdfSerial(bytes, serial);
    case "png":
      return embedPngSerial(bytes, serial);
    case "jpeg":
      return embedJpegSerial(bytes, serial);
  }
}

/** The serial a report file carries, or null if it has none. Refuses unsupported and damaged files. */
export async function readReportSerial(bytes: Uint8Array): Promise<string | null> {
  switch (requireReportType(bytes)) {
    case "pdf":
      return readPdfSerial(bytes);
    case "png":
      return readPngSerial(bytes);
    case "jpeg":
      return readJpegSerial(bytes);
  }
}

/**
 * The file as it will be issued: with a fresh serial, or unchanged if it already has one. Call it
 * once per prepared upload and keep the result: a retry must reuse these bytes, not call it again.
 */
export async function issueReportFile(bytes: Uint8Array): Promise<IssuedReportFile> {
  const type = requireReportType(bytes);
  const existing = await readReportSerial(bytes);
  if (existing) return { bytes, serial: existing, type, alreadySerialised: true };
  const serial = newReportSerial();
  return {
    bytes: await embedReportSerial(bytes, serial),
    serial,
    type,
    alreadySerialised: false,
  };
}
