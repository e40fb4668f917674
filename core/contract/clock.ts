/**
 * The chain's clock. Deadlines and expiries are checked by the contract against the latest
 * block's time, which can differ from the local clock (a test chain moved forward, a skewed PC):
 * anything that must lie in the future is measured from the later of the two.
 */
import { toLedgerError } from "./errors.ts";
import type { LedgerReader } from "./ledger.ts";

/** The latest block's time, Unix seconds. */
export async function chainTime(ledger: LedgerReader): Promise<number> {
  try {
    return Number((await ledger.publicClient.getBlock({ blockTag: "latest" })).timestamp);
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: "Reading the chain's time" });
  }
}

/** The later of the chain's time and the local clock, Unix seconds. */
export async function nowOnChain(ledger: LedgerReader, localNow: Date = new Date()): Promise<number> {
  return Math.max(await chainTime(ledger), Math.floor(localNow.getTime() / 1000));
}
