/**
 * The checks every state-changing request passes before its body is read: it comes from this
 * site (an Origin naming this host; a missing or `null` Origin is refused) and, if it has a
 * body, that body is declared application/json (text/plain and form bodies, which browsers send
 * cross-site without a preflight, are refused with 415).
 */
import { MedLedgerError } from "#core/errors.ts";

/** Refuses cross-site state changes (on top of SameSite=Lax): 403 unless Origin is this host. */
export function requireSameOrigin(request: Request, host: string): void {
  const from = request.headers.get("origin");
  if (!from || from === "null") {
    throw new MedLedgerError(
      "NO_ACCESS",
      "This request does not say which site it comes from (no Origin header), so it is refused.",
      "Use MedLedger from its own page, or send an Origin header naming this server.",
    );
  }
  let fromHost: string;
  try {
    fromHost = new URL(from).host;
  } catch {
    fromHost = "";
  }
  if (fromHost.toLowerCase() !== host.toLowerCase()) {
    throw new MedLedgerError("NO_ACCESS", "Cross-site requests are refused.", "Use MedLedger from its own page.");
  }
}

const unsupported = (type: string) =>
  new MedLedgerError(
    "UNSUPPORTED_MEDIA_TYPE",
    `The request body must be JSON (Content-Type: application/json), not ${type}.`,
    "Send the body as JSON with Content-Type: application/json.",
  );

/** The declared media type, lower-case, without parameters; undefined when there is no Content-Type. */
function mediaType(request: Request): string | undefined {
  const header = request.headers.get("content-type");
  if (header === null) return undefined;
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

/** 415 unless the Content-Type, if any, is application/json. */
export function requireJsonContentType(request: Request): void {
  const type = mediaType(request);
  if (type !== undefined && type !== "application/json") throw unsupported(type || "an empty Content-Type");
}

/** 415 for a non-empty body sent without any Content-Type (call after reading the body). */
export function requireDeclaredBody(request: Request, bodyBytes: number): void {
  if (bodyBytes > 0 && mediaType(request) === undefined) throw unsupported("a body without Content-Type");
}

/** 415 unless the body is declared application/octet-stream (the IPFS gateway's uploads: ciphertext bytes). */
export function requireOctetStream(request: Request): void {
  const type = mediaType(request);
  if (type !== "application/octet-stream") {
    throw new MedLedgerError(
      "UNSUPPORTED_MEDIA_TYPE",
      `The upload must be sent as bytes (Content-Type: application/octet-stream), not ${type ?? "without a Content-Type"}.`,
      "Upload from MedLedger's own pages, or send the ciphertext with Content-Type: application/octet-stream.",
    );
  }
}
