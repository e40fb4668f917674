/** Reading a CID's chunks into one buffer, refusing more than a size limit as soon as it is passed. */
import { concatBytes } from "viem";
import { MedLedgerError } from "../errors.ts";

export async function collectBytes(chunks: AsyncIterable<Uint8Array>, cid: string, maxBytes?: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (maxBytes !== undefined && total > maxBytes) {
      throw new MedLedgerError(
        "FILE_TOO_LARGE",
        `The stored object ${cid} is larger than the ${maxBytes}-byte limit.`,
        "It is not a MedLedger report of an accepted size; contact the administrator.",
      );
    }
    parts.push(chunk);
  }
  return concatBytes(parts);
}
