/**
 * When an account's actions are relayed: apart from core/relay/client.ts (which signs and posts
 * them, and so loads the signed-action schemas) so that a page can decide it from a balance
 * without loading the relaying code. client.ts re-exports both.
 */

/** An account holding less than this (wei) has its actions relayed: 0.001 ETH, a few actions at ordinary fees. */
export const OWN_GAS_MINIMUM_WEI = 10n ** 15n;

/** Whether an account holding `balanceWei` should have its actions sent by the hospital's relayer. */
export function needsRelayer(balanceWei: bigint): boolean {
  return balanceWei < OWN_GAS_MINIMUM_WEI;
}
