/**
 * The report serial: 128 random bits (WebCrypto `getRandomValues`) written as `ML-` and 32
 * uppercase hex digits in eight groups of four, e.g. `ML-9F3A-0C1D-…`. Embedded in the issued file
 * before it is hashed, it makes the on-chain digests unguessable: nobody can confirm a guessed
 * report (same template, guessed finding) against the chain without also guessing the serial.
 */

/** Same spelling in every format: PDF Info key (as a name), PNG tEXt keyword, JPEG COM prefix. */
export const SERIAL_KEY = "MedLedger-Serial";
/** The PDF Info dictionary key (`/MedLedgerSerial`, a text string value). */
export const PDF_SERIAL_KEY = "MedLedgerSerial";

const SERIAL_PATTERN = /^ML(?:-[0-9A-F]{4}){8}$/;

/** A fresh serial: 128 bits from the platform's CSPRNG. */
export function newReportSerial(): string {
  const random = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(random, (byte) => byte.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
  return `ML-${hex.match(/.{4}/g)!.join("-")}`;
}

/** The canonical form of a serial (trimmed, upper case), or null when `text` is not one. */
export function parseReportSerial(text: string): string | null {
  const candidate = text.trim().toUpperCase();
  return SERIAL_PATTERN.test(candidate) ? candidate : null;
}

export function isReportSerial(text: string): boolean {
  return parseReportSerial(text) === text;
}
