/**
 * Privacy scan: does any 16-byte window of a plaintext appear in what leaves the browser
 * (transaction calldata, event logs, IPFS blocks)?
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { hexToBytes, type PublicClient } from "viem";

const WINDOW = 16;

/** Every 16-byte window of the plaintexts, except runs of one repeated byte (padding-like, not information). */
export function windowsOf(plaintexts: readonly Uint8Array[]): Set<string> {
  const windows = new Set<string>();
  for (const text of plaintexts) {
    for (let i = 0; i + WINDOW <= text.length; i++) {
      const w = text.subarray(i, i + WINDOW);
      if (w.every((b) => b === w[0])) continue;
      windows.add(Buffer.from(w).toString("hex"));
    }
  }
  return windows;
}

/** The first window of `windows` found in `haystack`, if any. */
export function findLeak(haystack: Uint8Array, windows: Set<string>): string | undefined {
  for (let i = 0; i + WINDOW <= haystack.length; i++) {
    const key = Buffer.from(haystack.subarray(i, i + WINDOW)).toString("hex");
    if (windows.has(key)) return key;
  }
  return undefined;
}

/** Calldata of every transaction and data+topics of every log on the chain. */
export async function chainBytes(client: PublicClient): Promise<{ what: string; bytes: Uint8Array }[]> {
  const latest = await client.getBlockNumber();
  const out: { what: string; bytes: Uint8Array }[] = [];
  for (let n = 0n; n <= latest; n++) {
    const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) {
      out.push({ what: `calldata of ${tx.hash}`, bytes: hexToBytes(tx.input) });
      const receipt = await client.getTransactionReceipt({ hash: tx.hash });
      for (const log of receipt.logs) {
        out.push({ what: `log ${log.logIndex} of ${tx.hash}`, bytes: hexToBytes(log.data) });
        for (const topic of log.topics) out.push({ what: `topic of ${tx.hash}`, bytes: hexToBytes(topic) });
      }
    }
  }
  return out;
}

/** Every file the IPFS node keeps (blocks and datastore). */
export function storedFiles(dir: string): { what: string; bytes: Uint8Array }[] {
  const out: { what: string; bytes: Uint8Array }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...storedFiles(path));
    else out.push({ what: path, bytes: readFileSync(path) });
  }
  return out;
}
