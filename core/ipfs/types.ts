/** Where encrypted reports and sealed profiles live: any IPFS node. Only ciphertext is ever stored. */
export interface CatOptions {
  /** Refuse objects larger than this (bytes). */
  readonly maxBytes?: number;
  /** Only the first `length` bytes (a report's head). */
  readonly length?: number;
  readonly signal?: AbortSignal;
}

export interface ContentStore {
  /** The endpoint or folder, for messages. */
  readonly endpoint: string;
  /** Stores `bytes` with MedLedger's import settings and returns its CIDv1 string. */
  add(bytes: Uint8Array): Promise<string>;
  /** The bytes of `cid`. */
  cat(cid: string, options?: CatOptions): Promise<Uint8Array>;
  /**
   * Stops keeping `cid` (a superseded ciphertext, after a re-key): the node may then drop it. True
   * if it was pinned, false if it was not (idempotent). Optional: a read-only store cannot.
   */
  unpin?(cid: string): Promise<boolean>;
}
