/**
 * Where a transaction can be looked at: the block explorer of the network, from viem's chain
 * definitions (`blockExplorers.default`). A local chain has none, and neither has an unknown
 * network: then there is no link (never a made-up one). viem's chain list is loaded on first use
 * only, so pages that never send a transaction do not carry it.
 */
import type { Chain, Hash } from "viem";
import { isLocalChain } from "#core/dev/demoAccounts.ts";

let byId: Promise<ReadonlyMap<number, Chain>> | undefined;

function knownChains(): Promise<ReadonlyMap<number, Chain>> {
  byId ??= import("viem/chains").then((all) => {
    const map = new Map<number, Chain>();
    // Several definitions may share an id (a network and its aliases): the first with an explorer wins.
    for (const chain of Object.values(all) as Chain[]) if (chain.blockExplorers?.default && !map.has(chain.id)) map.set(chain.id, chain);
    return map;
  });
  return byId;
}

/** The explorer's name and base URL on network `chainId`, or undefined when it has none. */
export async function explorerOf(chainId: number): Promise<{ readonly name: string; readonly url: string } | undefined> {
  if (isLocalChain(chainId)) return undefined;
  const explorer = (await knownChains()).get(chainId)?.blockExplorers?.default;
  return explorer ? { name: explorer.name, url: explorer.url.replace(/\/+$/, "") } : undefined;
}

/** The page of transaction `hash` on network `chainId`'s explorer, or undefined when it has none. */
export async function transactionUrl(chainId: number, hash: Hash): Promise<{ readonly name: string; readonly url: string } | undefined> {
  const explorer = await explorerOf(chainId);
  return explorer ? { name: explorer.name, url: `${explorer.url}/tx/${hash}` } : undefined;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/** The transaction hash a core write returned: the hash itself, or a result's `hash` / `transactionHash`. */
export function resultHash(result: unknown): Hash | undefined {
  if (typeof result === "string") return HASH.test(result) ? (result as Hash) : undefined;
  if (typeof result !== "object" || result === null) return undefined;
  for (const key of ["hash", "transactionHash"] as const) {
    const value = (result as Record<string, unknown>)[key];
    if (typeof value === "string" && HASH.test(value)) return value as Hash;
  }
  return undefined;
}
