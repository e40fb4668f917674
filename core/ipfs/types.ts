/** Where encrypted reports and sealed profiles live: any IPFS node. Only ciphertext is ever stored. */
export interface CatOptions {
  /** Refuse objects larger than this (bytes). */
  readonly maxBytes?: number;
  /** Only the first `length` bytes (a report's head). */
  readonly length?: number;
  readonly signal?: AbortSignal;
}

export interface AddOptions {
  /**
   * The report the bytes are a new ciphertext of (a re-key) — or, for `unpin`, the report whose
   * earlier ciphertext it is: a gateway lets a patient store only those, for a report of their
   * own, and unpins only a report's superseded ciphertexts.
   */
  readonly forReport?: `0x${string}`;
}

export interface ContentStore {
  /** The endpoint or folder, for messages. */
  readonly endpoint: string;
  /** Stores `bytes` with MedLedger's import settings (and pins them) and returns its CIDv1 string. */
  add(bytes: Uint8Array, options?: AddOptions): Promise<string>;
  /** The bytes of `cid`. */
  cat(cid: string, options?: CatOptions): Promise<Uint8Array>;
  /**
   * Whether the node keeps `cid` (pinned recursively, so no garbage collection drops it): what a
   * workflow confirms before it registers the CID on chain.
   */
  isPinned(cid: string): Promise<boolean>;
  /**
   * Stops keeping `cid` (a superseded ciphertext, after a re-key): the node may then drop it. True
   * if it was pinned, false if it was not (idempotent). Optional: a read-only store cannot.
   */
  unpin?(cid: string, options?: AddOptions): Promise<boolean>;
}

/** A store that can also hand out a file's bytes as they are read, never held whole (the server's gateway reads stream). */
export interface StreamingContentStore extends ContentStore {
  /** Fails with UNKNOWN_CID / INVALID_INPUT before the first chunk; FILE_TOO_LARGE as soon as `maxBytes` is passed. */
  catStream(cid: string, options?: CatOptions): AsyncIterable<Uint8Array>;
  /**
   * The node's public multiaddrs (Kubo's `id`; loopback ones left out), which a remote pinning
   * service is given as `origins` to fetch a file from. Optional: a node may have none.
   */
  addresses?(): Promise<string[]>;
}
