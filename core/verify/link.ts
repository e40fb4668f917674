/**
 * A report's verification link: the public verify page of a MedLedger site, pre-filled with the
 * report's two digests (it answers "on record" and asks for the file to confirm it, see
 * ./verify.ts). The one definition for the patient page's link and QR code and the FHIR export.
 */
import type { Hex } from "viem";

export function verificationUrl(origin: string, digests: { readonly sha256: Hex; readonly sha1: Hex }): string {
  return `${origin}/verify?sha256=${digests.sha256}&sha1=${digests.sha1}`;
}
