/**
 * One set of UnixFS import settings for every backend, so the same bytes always give the same
 * CID: Kubo's default `ipfs add` — fixed 256 KiB chunks, dag-pb (UnixFS) leaves, a balanced DAG
 * of at most 174 links per node, SHA-256, CIDv0 links inside the DAG. These are also the settings
 * of Debian's independent `ipfs_cid` tool, which a test checks against. (Helia's own defaults,
 * the IPIP-499 "unixfs-v1-2025" profile with raw leaves, 1 MiB chunks and 1024 links, and Kubo's
 * `--cid-version=1`, which implies raw leaves, give other CIDs.)
 *
 * MedLedger writes the root CID in its CIDv1 form (base32 `bafy…`, the same multihash), which is
 * what `ipfs_cid` prints as "CIDv1" and what both Kubo and Helia resolve.
 */
import { type CID } from "multiformats/cid";

export const CHUNK_SIZE = 262_144;
export const MAX_LINKS_PER_NODE = 174;

/** Options of kubo-rpc-client's `add`: Kubo's defaults, spelled out. */
export const KUBO_ADD_OPTIONS = {
  cidVersion: 0,
  rawLeaves: false,
  chunker: `size-${CHUNK_SIZE}`,
  hashAlg: "sha2-256",
  pin: true,
} as const;

/** The CIDv1 (base32) form MedLedger records. */
export function canonicalCid(cid: CID): string {
  return cid.toV1().toString();
}
