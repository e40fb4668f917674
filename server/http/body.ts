/**
 * Request bodies read as a stream with a byte cap: a body larger than the cap is refused with 413
 * as soon as the cap is passed (the rest is never read, the stream is cancelled), whatever
 * Content-Length says or whether it is sent at all.
 */
import { MedLedgerError } from "#core/errors.ts";

function tooLarge(maxBytes: number): MedLedgerError {
  return new MedLedgerError(
    "BODY_TOO_LARGE",
    `The request body is too large (this request takes at most ${maxBytes.toLocaleString("en")} bytes).`,
    "Send a smaller request.",
  );
}

/** The body's bytes, at most `maxBytes` of them; refuses a larger body with BODY_TOO_LARGE (413). */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const body = request.body;
  if (!body) return new Uint8Array(0);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Parses UTF-8 JSON bytes; an empty body is `undefined`; malformed JSON is INVALID_INPUT. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw new MedLedgerError("INVALID_INPUT", "The request body is not valid JSON.", "Send a JSON body.");
  }
}
