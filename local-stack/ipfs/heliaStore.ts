/**
 * The embedded IPFS node: Helia without networking (no libp2p), persistent in a data folder
 * (blockstore-fs + datastore-fs), importing with the same settings as Kubo. Node only.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { unixfs, type UnixFS } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight } from "helia";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import { MedLedgerError } from "#core/errors.ts";
import { collectBytes } from "#core/ipfs/collect.ts";
import { canonicalCid, CHUNK_SIZE, MAX_LINKS_PER_NODE } from "#core/ipfs/importSettings.ts";
import type { CatOptions, ContentStore } from "#core/ipfs/types.ts";

/** A byte range of a stored file, read block by block. */
export interface CatRange {
  readonly offset?: number;
  readonly length?: number;
  readonly signal?: AbortSignal;
}

export interface HeliaStore extends ContentStore {
  /**
   * The file's bytes as they are read from the blockstore, never held whole: the Kubo-RPC endpoint
   * streams `cat` with it. Fails with UNKNOWN_CID / INVALID_INPUT before the first chunk.
   */
  catStream(cid: string, range?: CatRange): AsyncIterable<Uint8Array>;
  /** Whether `cid` is pinned (every add pins, as Kubo's `ipfs add` does). */
  isPinned(cid: string): Promise<boolean>;
  /** Deletes every block no pin keeps (Kubo's `repo gc`). */
  gc(): Promise<void>;
  /** Stops the node and releases the data folder. */
  close(): Promise<void>;
}

export async function openHeliaStore(dataDir: string): Promise<HeliaStore> {
  mkdirSync(dataDir, { recursive: true });
  const blockstore = new FsBlockstore(join(dataDir, "blocks"));
  const datastore = new FsDatastore(join(dataDir, "datastore"));
  await blockstore.open();
  await datastore.open();
  const helia = createHeliaLight({ blockstore, datastore });
  await helia.start();
  const fs: UnixFS = unixfs(helia);
  const importOptions = {
    cidVersion: 0,
    rawLeaves: false,
    leafType: "file",
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
    layout: balanced({ maxChildrenPerNode: MAX_LINKS_PER_NODE }),
  } as const;

  /** Pins the whole DAG (as `ipfs add --pin` does), so a future garbage collection keeps it. */
  const pin = async (cid: CID): Promise<void> => {
    if (await helia.pins.isPinned(cid)) return;
    try {
      for await (const pinned of helia.pins.add(cid)) void pinned;
    } catch (error) {
      // The same bytes added twice at once: the other call pinned them.
      if ((error as { name?: string }).name !== "AlreadyPinnedError") throw error;
    }
  };

  return {
    endpoint: dataDir,
    async add(bytes) {
      const cid = await fs.addBytes(bytes, importOptions);
      await pin(cid);
      return canonicalCid(cid);
    },
    async cat(cid, options: CatOptions = {}) {
      const parsed = parseCid(cid);
      try {
        if (options.length !== undefined)
          return await collectBytes(fs.cat(parsed, { offline: true, length: options.length, signal: options.signal }), cid, options.length);
        return await collectBytes(fs.cat(parsed, { offline: true, signal: options.signal }), cid, options.maxBytes);
      } catch (error) {
        if (error instanceof MedLedgerError) throw error;
        throw missing(cid, error);
      }
    },
    async unpin(cid) {
      const parsed = parseCid(cid);
      if (!(await helia.pins.isPinned(parsed))) return false;
      for await (const unpinned of helia.pins.rm(parsed)) void unpinned;
      return true;
    },
    async *catStream(cid, range: CatRange = {}) {
      const parsed = parseCid(cid);
      const chunks = fs.cat(parsed, { offline: true, offset: range.offset, length: range.length, signal: range.signal })[Symbol.asyncIterator]();
      let first: IteratorResult<Uint8Array>;
      try {
        first = await chunks.next();
      } catch (error) {
        throw missing(cid, error);
      }
      if (first.done) return;
      yield first.value;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    },
    async isPinned(cid) {
      return helia.pins.isPinned(parseCid(cid));
    },
    async gc() {
      await helia.gc();
    },
    async close() {
      await helia.stop();
      await blockstore.close();
      await datastore.close();
    },
  };
}

function missing(cid: string, cause: unknown): MedLedgerError {
  return new MedLedgerError(
    "UNKNOWN_CID",
    `The embedded IPFS node does not have ${cid}.`,
    "The file was stored on another IPFS node: connect to it with MEDLEDGER_IPFS_API_URL.",
    { cause },
  );
}

function parseCid(cid: string): CID {
  try {
    return CID.parse(cid);
  } catch (error) {
    throw new MedLedgerError("INVALID_INPUT", `"${cid}" is not a valid IPFS CID.`, "Check the CID.", { cause: error });
  }
}
