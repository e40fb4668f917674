/** Deploys MedLedger to the local node with the demo admin (account #0 of the dev mnemonic). */
import { createPublicClient, createWalletClient, http } from "viem";
import { medLedgerAbi, medLedgerBytecode } from "../../core/contract/generated/medLedger.ts";
import type { Deployment } from "../../core/contract/ledger.ts";
import { DEMO_PEOPLE, demoAccount } from "../../core/dev/demoAccounts.ts";

export const ADMIN_TRANSFER_DELAY_SECONDS = 24 * 60 * 60;

export async function deployLocal(rpcUrl: string): Promise<Deployment> {
  const admin = demoAccount(DEMO_PEOPLE[0]!);
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const chainId = await publicClient.getChainId();
  const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
  const hash = await walletClient.deployContract({
    abi: medLedgerAbi,
    bytecode: medLedgerBytecode,
    args: [ADMIN_TRANSFER_DELAY_SECONDS, admin.address],
    chain: null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (!receipt.contractAddress) throw new Error("Deployment transaction created no contract");
  return { chainId, address: receipt.contractAddress, deployBlock: receipt.blockNumber };
}
