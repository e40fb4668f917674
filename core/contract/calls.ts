/**
 * Typed reads and writes of the MedLedger contract. Every write is simulated first (so a revert is
 * reported, decoded, before the wallet is asked to sign), then sent (local accounts: with managed
 * nonces, ./nonces.ts), then awaited for the requested confirmations; failures come out as
 * MedLedgerError.
 */
import type { ContractFunctionArgs, ContractFunctionName, ContractFunctionReturnType, Hash, TransactionReceipt } from "viem";
import { MedLedgerError } from "../errors.ts";
import { medLedgerAbi } from "./generated/medLedger.ts";
import { toLedgerError } from "./errors.ts";
import type { LedgerReader, LedgerWriter } from "./ledger.ts";
import { isNonceError, withSendLock } from "./nonces.ts";
import { SentTransactionError } from "./sent.ts";

export { SentTransactionError } from "./sent.ts";

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

export interface WriteOptions {
  /** Blocks to wait for, the transaction's own included (default 1). */
  readonly confirmations?: number;
  /** Called (and awaited) as soon as the node accepted the transaction, before waiting for it. */
  readonly onSent?: (hash: Hash) => void | Promise<void>;
  /** How long to wait for the confirmation, in milliseconds (default: viem's, 3 minutes). */
  readonly timeoutMs?: number;
}

/**
 * Simulates, signs, sends and awaits one contract call; returns the receipt once it has
 * `confirmations` confirmations. For a local account, sends of one signer are serialised with
 * managed nonces (./nonces.ts), and a refusal for the nonce is retried once with a fresh one.
 * A failure after the node accepted the transaction is a {@link SentTransactionError} (it carries
 * the hash: the transaction may still be mined).
 */
export async function writeLedger<N extends WriteName>(
  ledger: LedgerWriter,
  functionName: N,
  args: ContractFunctionArgs<Abi, "nonpayable", N>,
  options: WriteOptions = {},
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
      hash = await ledger.walletClient.writeContract(call as Parameters<typeof ledger.walletClient.writeContract>[0]);
    } else {
      // A local account estimates gas before signing, and viem decodes a revert from that estimate.
      hash = await sendWithManagedNonce(ledger, (nonce) =>
        ledger.walletClient.writeContract({ ...call, nonce } as Parameters<typeof ledger.walletClient.writeContract>[0]),
      );
    }
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: functionName });
  }
  let receipt: TransactionReceipt;
  try {
    await options.onSent?.(hash);
    receipt = await ledger.publicClient.waitForTransactionReceipt({
      hash,
      confirmations: Math.max(1, options.confirmations ?? 1),
      // A failed poll is not retried: the caller checks the chain instead (a hung node would hold each retry for its timeout).
      retryCount: 0,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
  } catch (error) {
    const cause = toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: `Waiting for ${functionName}` });
    throw new SentTransactionError(hash, cause);
  }
  if (receipt.status !== "success") {
    throw new MedLedgerError(
      "CONTRACT_REVERT",
      "The network recorded the transaction but refused the change: nothing was changed.",
      "Check what you entered and that your account may do this, then retry.",
      {
        details: `Transaction ${hash} (${functionName}) was mined but reverted.`,
      },
    );
  }
  return { hash, receipt };
}

/** Runs a contract call as an `eth_call` from the writer's account: a revert comes out decoded, nothing is sent, nothing is paid. */
export async function simulateLedger<N extends WriteName>(
  ledger: LedgerWriter,
  functionName: N,
  args: ContractFunctionArgs<Abi, "nonpayable", N>,
): Promise<void> {
  try {
    await ledger.publicClient.simulateContract({
      address: ledger.deployment.address,
      abi: medLedgerAbi,
      functionName,
      args,
      account: ledger.walletClient.account,
    } as Parameters<typeof ledger.publicClient.simulateContract>[0]);
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: `Simulating ${functionName}` });
  }
}

/** The gas the node estimates for a contract call from the writer's account. */
export async function estimateLedgerGas<N extends WriteName>(
  ledger: LedgerWriter,
  functionName: N,
  args: ContractFunctionArgs<Abi, "nonpayable", N>,
): Promise<bigint> {
  try {
    return await ledger.publicClient.estimateContractGas({
      address: ledger.deployment.address,
      abi: medLedgerAbi,
      functionName,
      args,
      account: ledger.walletClient.account,
    } as Parameters<typeof ledger.publicClient.estimateContractGas>[0]);
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: `Estimating the gas of ${functionName}` });
  }
}

/** Under the signer's send lock: picks the nonce, sends; on a nonce refusal, once more with a fresh nonce. */
async function sendWithManagedNonce(ledger: LedgerWriter, send: (nonce: number) => Promise<Hash>): Promise<Hash> {
  const chainId = ledger.deployment.chainId;
  const address = ledger.walletClient.account.address;
  const attempt = () =>
    withSendLock(chainId, address, async () => {
      return send(await ledger.publicClient.getTransactionCount({ address, blockTag: "pending" }));
    });
  try {
    return await attempt();
  } catch (error) {
    if (!isNonceError(error)) throw error;
    return attempt();
  }
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
