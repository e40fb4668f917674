/**
 * Nonce management for accounts whose transactions MedLedger signs itself (local accounts: the
 * CLI, scripts, tests). Sends of one signer, per (chain, address), go one at a time: under the
 * send lock the next nonce is read from the node ("pending": it counts the transactions already in
 * its mempool), the transaction is signed and sent, and only then is the lock released. So
 * parallel writes of one signer never reuse a nonce, and a nonce freed by a dropped transaction is
 * used again (no gap). No count is kept locally: a node that lags behind (a load balancer) gives a
 * nonce refusal, which writeLedger retries once with a fresh count. Across processes, a caller (the CLI) registers an extra lock with
 * {@link setExternalSendLock} (a lock file): it is held around the same read-sign-send section.
 * Browser wallets pick their nonces themselves and do not go through this module.
 */
import type { Address } from "viem";

/** Runs `send` while holding a lock shared with other processes of the same signer. */
export type SendLock = <T>(send: () => Promise<T>) => Promise<T>;

const queues = new Map<string, Promise<unknown>>();
const externalLocks = new Map<string, SendLock>();

export function signerKey(chainId: number, address: Address): string {
  return `${chainId}:${address.toLowerCase()}`;
}

/** Registers (or, with undefined, removes) the cross-process lock of a signer. */
export function setExternalSendLock(chainId: number, address: Address, lock: SendLock | undefined): void {
  const key = signerKey(chainId, address);
  if (lock) externalLocks.set(key, lock);
  else externalLocks.delete(key);
}

/** Runs `send` after every earlier send of the same signer in this process, inside its external lock if any. */
export async function withSendLock<T>(chainId: number, address: Address, send: () => Promise<T>): Promise<T> {
  const key = signerKey(chainId, address);
  const previous = queues.get(key) ?? Promise.resolve();
  const external = externalLocks.get(key);
  const run = previous.then(
    () => (external ? external(send) : send()),
    () => (external ? external(send) : send()),
  );
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  try {
    return await run;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}

/** Whether a node refused a transaction because of its nonce (taken, too low, already known). */
export function isNonceError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const text = `${e.name} ${e.message} ${(e as { details?: string }).details ?? ""}`;
    if (
      /NonceTooLow|nonce too low|nonce provided|lower than the current nonce|already known|already imported|replacement transaction underpriced|invalid nonce/i.test(
        text,
      )
    )
      return true;
  }
  return false;
}
