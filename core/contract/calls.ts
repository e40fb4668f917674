/**
 * Typed reads and writes of the MedLedger contract. Every write is simulated first (so a revert is
 * reported, decoded, before the wallet is asked to sign), then sent, then awaited; failures come
 * out as MedLedgerError.
 */
import type { ContractFunctionArgs, ContractFunctionName, ContractFunctionReturnType, Hash, TransactionReceipt } from "viem";
import { MedLedgerError } from "../errors.ts";
import { medLedgerAbi } from "./generated/medLedger.ts";
import { toLedgerError } from "./errors.ts";
import type { LedgerReader, LedgerWriter } from "./ledger.ts";

type Abi = typeof medLedgerAbi;
export type ReadName = ContractFunctionName<Abi, "view" | "pure">;
export type WriteName = ContractFunctionName<Abi, "nonpayable">;

/** Calls a view function of the contract. */
export async function readLedger<N extends ReadName>(
  ledger: LedgerReader,
  functionName: N,
  ...args: ContractFunctionArgs<Abi, "view" | "pure", N> extends readonly [] ? [] : [ContractFunctionArgs<Abi, "view" | "pure", N>]
): Promise<ContractFunctionReturnType<Abi, "view" | "pure", N>> {
  try {
    const request = {
      address: ledger.deployment.address,
      abi: medLedgerAbi,
      functionName,
      args: args[0],
    } as Parameters<typeof ledger.publicClient.readContract>[0];
    return (await ledger.publicClient.readContract(request)) as ContractFunctionReturnType<Abi, "view" | "pure", N>;
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: `Reading ${functionName}` });
  }
}

export interface WriteResult {
  readonly hash: Hash;
  readonly receipt: TransactionReceipt;
}

/** Simulates, signs, sends and awaits one contract call; returns the mined receipt. */
export async function writeLedger<N extends WriteName>(
  ledger: LedgerWriter,
  functionName: N,
  args: ContractFunctionArgs<Abi, "nonpayable", N>,
): Promise<WriteResult> {
  let hash: Hash;
  const account = ledger.walletClient.account;
  const call = {
    address: ledger.deployment.address,
    abi: medLedgerAbi,
    functionName,
    args,
    account,
    chain: ledger.walletClient.chain ?? null,
  };
  try {
    if (account.type !== "local") {
      // A browser wallet estimates gas itself: simulate first so a revert is explained before it asks to sign.
      await ledger.publicClient.simulateContract(call as Parameters<typeof ledger.publicClient.simulateContract>[0]);
    }
    // A local account estimates gas before signing, and viem decodes a revert from that estimate.
    hash = await ledger.walletClient.writeContract(call as Parameters<typeof ledger.walletClient.writeContract>[0]);
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: functionName });
  }
  let receipt: TransactionReceipt;
  try {
    receipt = await ledger.publicClient.waitForTransactionReceipt({ hash });
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: `Waiting for ${functionName}` });
  }
  if (receipt.status !== "success") {
    throw new MedLedgerError("CONTRACT_REVERT", `The transaction ${hash} was mined but reverted.`, "Check the inputs and your role, then retry.");
  }
  return { hash, receipt };
}

/** Checks that the node serves the expected chain and that the contract exists there. */
export async function assertLedgerReachable(ledger: LedgerReader): Promise<void> {
  let chainId: number;
  let code: string | undefined;
  try {
    chainId = await ledger.publicClient.getChainId();
    code = await ledger.publicClient.getCode({ address: ledger.deployment.address });
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl });
  }
  if (chainId !== ledger.deployment.chainId) {
    throw new MedLedgerError(
      "WRONG_CHAIN",
      `The node${ledger.rpcUrl ? ` at ${ledger.rpcUrl}` : ""} serves chain ${chainId}, but MedLedger is deployed on chain ${ledger.deployment.chainId}.`,
      "Point MEDLEDGER_RPC_URL (or --rpc) at a node of the right network, or switch your wallet's network.",
    );
  }
  if (!code || code === "0x") {
    throw new MedLedgerError(
      "NO_CONTRACT",
      `No MedLedger contract at ${ledger.deployment.address} on chain ${chainId}.`,
      "Deploy it (`npm start` does so locally) or set MEDLEDGER_CONTRACT to the right address.",
    );
  }
}
