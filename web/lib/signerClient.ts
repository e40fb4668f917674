/**
 * The viem wallet client that signs with the connected wallet. Kept in its own module so viem's
 * wallet actions load when the app first signs (see `useLedgerWriter`), not with every page.
 */
import { createWalletClient, custom, type Account, type Chain, type EIP1193RequestFn, type Transport, type WalletClient } from "viem";

/** A wallet client for `account` whose requests go to the connected wallet's `request`. */
export function signerClient(account: Account, chain: Chain, request: EIP1193RequestFn): WalletClient<Transport, Chain, Account> {
  return createWalletClient({ account, chain, transport: custom({ request }), pollingInterval: 250 });
}
