/**
 * Set-up for the relay tests: the hospital's relayer (the local stack's dev relayer key behind
 * the production RelayerSigner interface) writing to a test ledger, and balance helpers.
 */
import { createTestClient, createWalletClient, type Address } from "viem";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { devRelayerKey } from "#core/dev/demoKeys.ts";
import { privateKeyRelayerSigner, relayerAccount } from "#core/relay/relayerSigner.ts";
import type { LedgerFixture } from "./ledgers.ts";

/** A writer as the dev relayer account (funded by the node like every dev account). */
export function relayerWriter(ledger: LedgerFixture): LedgerWriter {
  const template = ledger.as("admin");
  const walletClient = createWalletClient({
    account: relayerAccount(privateKeyRelayerSigner(devRelayerKey())),
    chain: template.walletClient.chain,
    transport: ledger.transport,
  });
  return { publicClient: template.publicClient, walletClient, deployment: ledger.deployment, rpcUrl: ledger.rpcUrl };
}

/** Sets `address`'s balance (hardhat_setBalance; anvil accepts it too). */
export async function setBalance(ledger: LedgerFixture, address: Address, wei: bigint): Promise<void> {
  await createTestClient({ mode: "hardhat", transport: ledger.transport }).setBalance({ address, value: wei });
}

export function balanceOf(ledger: LedgerFixture, address: Address): Promise<bigint> {
  return ledger.reader().publicClient.getBalance({ address });
}

/** How many transactions `address` has sent (its account nonce). */
export function sentBy(ledger: LedgerFixture, address: Address): Promise<number> {
  return ledger.reader().publicClient.getTransactionCount({ address });
}
