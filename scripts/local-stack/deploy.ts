/** Deploys MedLedger with the demo admin (account #0 of the dev mnemonic); for local chains and tests. */
import { createPublicClient, createWalletClient, http, type Transport } from "viem";
import { medLedgerAbi, medLedgerBytecode } from "../../core/contract/generated/medLedger.ts";
import type { Deployment } from "../../core/contract/ledger.ts";
import { DEMO_PEOPLE, demoAccount } from "../../core/dev/demoAccounts.ts";

export const ADMIN_TRANSFER_DELAY_SECONDS = 24 * 60 * 60;

/** Deploys over any viem transport (an RPC URL's http(), or an in-process EIP-1193 provider via custom()). */
export async function deployWithTransport(transport: Transport): Promise<Deployment> {
  const admin = demoAccount(DEMO_PEOPLE[0]!);
  const publicClient = createPublicClient({ transport, pollingInterval: 50 });
  const chainId = await publicClient.getChainId();
  const walletClient = createWalletClient({ account: admin, transport });
  const hash = await walletClient.deployContract({
    abi: medLedgerAbi,
    bytecode: medLedgerBytecode,
    args: [ADMIN_TRANSFER_DELAY_SECONDS, admin.address],
    chain: null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error("Deployment transaction created no contract");
  return { chainId, address: receipt.contractAddress, deployBlock: receipt.blockNumber };
}

export async function deployLocal(rpcUrl: string): Promise<Deployment> {
  return deployWithTransport(http(rpcUrl));
}
