/**
 * The dev wallet's signing client for one demo person: their key derived from the public
 * development mnemonic (core/dev/demoKeys.ts) and a viem wallet client on the local node.
 * Loaded by web/lib/devWallet.ts with a dynamic import when a person is chosen, so the HD-wallet
 * code is not part of any page's first load.
 */
import { createWalletClient, http, type Chain, type HDAccount, type Transport, type WalletClient } from "viem";
import type { DemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";

export type DevWalletClient = WalletClient<Transport, Chain, HDAccount>;

/** A wallet client signing as `person` on `chain` through the node at `rpcUrl`. */
export function devWalletClient(person: DemoPerson, chain: Chain, rpcUrl: string): DevWalletClient {
  return createWalletClient({ account: demoAccount(person), chain, transport: http(rpcUrl, { retryCount: 0 }), pollingInterval: 250 });
}
