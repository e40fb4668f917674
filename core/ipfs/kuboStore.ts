/**
 * The IPFS store over the Kubo RPC API (`kubo-rpc-client`, the maintained successor of
 * ipfs-http-client): a real Kubo node, or the local stack's endpoint over its embedded node.
 * Runs in Node and in the browser.
 */
import { create } from "kubo-rpc-client";
import { equals } from "multiformats/bytes";
import { CID } from "multiformats/cid";
import { MedLedgerError } from "../errors.ts";
import { collectBytes } from "./collect.ts";
import { canonicalCid, KUBO_ADD_OPTIONS } from "./importSettings.ts";
import type { CatOptions, StreamingContentStore } from "./types.ts";

const DEFAULT_TIMEOUT_MS = 60_000;

function isUnreachable(error: unknown): boolean {
  const text = `${(error as { name?: string })?.name ?? ""} ${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return /fetch failed|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|Failed to fetch|NetworkError|network error|socket hang up/i.test(text);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The node refused an object over its size limit (the embedded endpoint says "… limit"; HTTP 413). */
function isTooLarge(error: unknown): boolean {
  const status = (error as { response?: { status?: number } })?.response?.status;
  return status === 413 || /exceeds the \d+-byte limit|larger than the \d+-byte limit|request entity too large/i.test(messageOf(error));
}

function unreachable(apiUrl: string, error: unknown): MedLedgerError {
  return new MedLedgerError(
    "IPFS_UNREACHABLE",
    `The IPFS node at ${apiUrl} cannot be reached.`,
    "Start the local stack with `npm start`, or set MEDLEDGER_IPFS_API_URL (IPFS_API_URL) to a running Kubo node's RPC API.",
    { cause: error },
  );
}

function parseCid(cid: string): CID {
  try {
    return CID.parse(cid);
  } catch (error) {
    throw new MedLedgerError("INVALID_INPUT", `"${cid}" is not a valid IPFS CID.`, "Check the CID.", { cause: error });
  }
}

function catFailure(apiUrl: string, cid: string, error: unknown): MedLedgerError {
  if (error instanceof MedLedgerError) return error;
  if (isUnreachable(error)) return unreachable(apiUrl, error);
  if (isTooLarge(error)) {
    return new MedLedgerError(
      "FILE_TOO_LARGE",
      `The IPFS node at ${apiUrl} refused to serve ${cid}: ${messageOf(error)}`,
      "It is not a MedLedger report of an accepted size; contact the administrator.",
      { cause: error },
    );
  }
  return new MedLedgerError(
    "UNKNOWN_CID",
    `The IPFS node at ${apiUrl} does not have ${cid}.`,
    "The report's file is not available on this IPFS node: connect to the node it was stored on, or ask the issuer to pin it.",
    { cause: error },
  );
}

function oversized(cid: string, maxBytes: number): MedLedgerError {
  return new MedLedgerError(
    "FILE_TOO_LARGE",
    `The stored object ${cid} is larger than the ${maxBytes}-byte limit.`,
    "It is not a MedLedger report of an accepted size; contact the administrator.",
  );
}

export function createKuboStore(apiUrl: string, options: { timeoutMs?: number } = {}): StreamingContentStore {
  const client = create({ url: apiUrl, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  return {
    endpoint: apiUrl,
    async add(bytes) {
      try {
        const result = await client.add(bytes, KUBO_ADD_OPTIONS);
        return canonicalCid(result.cid);
      } catch (error) {
        if (isUnreachable(error)) throw unreachable(apiUrl, error);
        if (isTooLarge(error)) {
          throw new MedLedgerError(
            "FILE_TOO_LARGE",
            `The IPFS node at ${apiUrl} refused a ${bytes.length}-byte file as too large: ${messageOf(error)}`,
            "Store a smaller file, or raise the node's upload limit.",
            { cause: error },
          );
        }
        throw new MedLedgerError(
          "IPFS_UNREACHABLE",
          `The IPFS node at ${apiUrl} refused the file: ${messageOf(error)}`,
          "Check the node's logs and free disk space, then retry: nothing was registered yet.",
          { cause: error },
        );
      }
    },
    async cat(cid, catOptions: CatOptions = {}) {
      const parsed = parseCid(cid);
      try {
        // A prefix (a report's head) is all that is asked for; otherwise one byte more than the
        // limit, so a huge object is cut short by the node itself.
        if (catOptions.length !== undefined)
          return await collectBytes(client.cat(parsed, { signal: catOptions.signal, length: catOptions.length }), cid, catOptions.length);
        const length = catOptions.maxBytes === undefined ? undefined : catOptions.maxBytes + 1;
        return await collectBytes(client.cat(parsed, { signal: catOptions.signal, length }), cid, catOptions.maxBytes);
      } catch (error) {
        throw catFailure(apiUrl, cid, error);
      }
    },
    async *catStream(cid, catOptions: CatOptions = {}) {
      const parsed = parseCid(cid);
      // A prefix (a report's head) when asked; otherwise one byte more than the limit.
      const maxBytes = catOptions.length ?? catOptions.maxBytes;
      const length = catOptions.length ?? (maxBytes === undefined ? undefined : maxBytes + 1);
      let total = 0;
      try {
        for await (const chunk of client.cat(parsed, { signal: catOptions.signal, length })) {
          total += chunk.byteLength;
          if (maxBytes !== undefined && total > maxBytes) throw oversized(cid, maxBytes);
          yield chunk;
        }
      } catch (error) {
        throw catFailure(apiUrl, cid, error);
      }
    },
    async isPinned(cid) {
      const parsed = parseCid(cid);
      try {
        for await (const pin of client.pin.ls({ paths: [parsed], type: "recursive" })) {
          // The node may answer in CIDv0 for a CIDv1 asked: the same multihash is the same content.
          if (equals(pin.cid.multihash.bytes, parsed.multihash.bytes)) return true;
        }
        return false;
      } catch (error) {
        if (isUnreachable(error)) throw unreachable(apiUrl, error);
        // Kubo's (and js-ipfs's) answer for a CID it does not pin.
        if (/not pinned/i.test(messageOf(error))) return false;
        throw new MedLedgerError(
          "IPFS_UNREACHABLE",
          `The IPFS node at ${apiUrl} could not say whether it keeps ${cid}: ${messageOf(error)}`,
          "Check the node's logs, then retry: nothing was registered yet.",
          { cause: error },
        );
      }
    },
    async addresses() {
      try {
        const id = await client.id();
        return id.addresses.map((address) => address.toString()).filter((address) => !/^\/(ip4\/127\.|ip6\/::1\/)/.test(address));
      } catch (error) {
        if (isUnreachable(error)) throw unreachable(apiUrl, error);
        throw new MedLedgerError(
          "IPFS_UNREACHABLE",
          `The IPFS node at ${apiUrl} did not say its addresses: ${messageOf(error)}`,
          "Check the node's logs, then retry.",
          {
            cause: error,
          },
        );
      }
    },
    async unpin(cid) {
      const parsed = parseCid(cid);
      try {
        await client.pin.rm(parsed, { recursive: true });
        return true;
      } catch (error) {
        if (isUnreachable(error)) throw unreachable(apiUrl, error);
        // Kubo's answer for a CID it does not pin (already unpinned, or never stored here).
        if (/not pinned/i.test(messageOf(error))) return false;
        throw new MedLedgerError(
          "IPFS_UNREACHABLE",
          `The IPFS node at ${apiUrl} could not unpin ${cid}: ${messageOf(error)}`,
          "Unpin it later with `ipfs pin rm`; the report's new version is registered.",
          { cause: error },
        );
      }
    },
  };
}
