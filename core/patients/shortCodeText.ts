/**
 * The text form of short codes (core/patients/shortCode.ts): their length, alphabet and how they
 * are written and read back. Apart from shortCode.ts, which hashes, so that showing or reading a
 * short code does not load the hash; shortCode.ts re-exports all of it.
 */

export const SHORT_CODE_LENGTH = 8;
/** How long the server keeps a short code (at most: never past the code's own deadline). */
export const SHORT_CODE_TTL_SECONDS = 24 * 60 * 60;

const SHORT_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/** `text` as a short code (case, spaces and dashes ignored; O read as 0, I and L as 1), or undefined if it is not one. */
export function normalizeShortCode(text: string): string | undefined {
  const clean = text.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return SHORT_CODE_PATTERN.test(clean) ? clean : undefined;
}

/** "ABCD-EFGH": easier to read out and type. */
export function formatShortCode(short: string): string {
  return `${short.slice(0, 4)}-${short.slice(4)}`;
}
