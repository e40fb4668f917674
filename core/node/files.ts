/**
 * Hashing a file on disk: files up to {@link IN_MEMORY_HASH_LIMIT} are read whole and hashed by
 * WebCrypto (native, the fastest path); larger ones are streamed through @noble/hashes, so memory
 * stays flat however large the file.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { digestFile, type FileDigests } from "../crypto/digests.ts";

export const IN_MEMORY_HASH_LIMIT = 64 * 1024 * 1024;

export async function digestPath(path: string, inMemoryLimit: number = IN_MEMORY_HASH_LIMIT): Promise<FileDigests> {
  const { size } = await stat(path);
  if (size <= inMemoryLimit) return digestFile(await readFile(path));
  return digestFile(createReadStream(path));
}
