/**
 * One set of UnixFS import settings for every backend, so the same bytes always give the same
 * CID: Kubo's classic defaults with `--cid-version=1` — CIDv1, raw leaves, fixed 256 KiB chunks,
 * a balanced DAG of at most 174 links per node, SHA-256. (Helia's own defaults, the IPIP-499
 * "unixfs-v1-2025" profile with 1 MiB chunks and 1024 links, give other CIDs above 256 KiB.)
 */
export const CHUNK_SIZE = 262_144;
export const MAX_LINKS_PER_NODE = 174;

/** Options of kubo-rpc-client's `add`. */
export const KUBO_ADD_OPTIONS = {
  cidVersion: 1,
  rawLeaves: true,
  chunker: `size-${CHUNK_SIZE}`,
  hashAlg: "sha2-256",
  pin: true,
} as const;
