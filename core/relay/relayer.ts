/**
 * The relaying side of patient-signed actions, as the hospital's server runs it: every check that
 * costs nothing comes before anything that costs gas. In order: the request names this chain and
 * contract and has not expired; its signature recovers to `account` (off chain); its nonce is the
 * account's current one (a replay is refused here, not by a reverted transaction); the caller's
 * policy (`authorize`: roles, quotas) accepts it; the call is simulated (a revert costs nothing);
 * the relayer can pay for it (else RELAYER_OUT_OF_FUNDS, with what it holds and needs); then it is
 * sent with managed nonces (parallel relays from one key never collide) and awaited for a while.
 * The outcome says truthfully whether the transaction is confirmed or still pending.
 */
import { BaseError, InsufficientFundsError, formatEther, type Address, type Hash } from "viem";
import { estimateLedgerGas, readLedger, simulateLedger, writeLedger } from "../contract/calls.ts";
import { isContractRevert } from "../contract/errors.ts";
import type { LedgerReader, LedgerWriter } from "../contract/ledger.ts";
import { sentTransactionOf } from "../contract/sent.ts";
import { MedLedgerError } from "../errors.ts";
import { checkSignedAction, isSignedByAccount, runSignedCall, type SignedAction } from "./signedAction.ts";

/** Gas of a typical relayed action, generously (a grant of a few reports, a re-key): for the status's estimate only. */
export const TYPICAL_RELAYED_GAS = 300_000n;

/** Below this many typical actions left, the relayer's funds are reported as low. */
export const LOW_FUNDS_ACTIONS = 100n;

/** How long the relayer waits for the confirmation before answering "pending" (default). */
export const DEFAULT_RELAY_WAIT_MS = 30_000;

/**
 * The simulation found that the contract would refuse the patient's action (already shared, not
 * their report, …): the request's fault, not the relayer's, and nothing was sent. The message is
 * the revert's reason as core/contract/errors.ts words it; the server answers 422.
 */
export class ActionRefusedError extends MedLedgerError {
  constructor(revert: MedLedgerError) {
    super(revert.code, revert.message, revert.hint, { cause: revert });
  }
}

/** The relayer cannot pay for an action: the patient is told in plain words, the operator gets the figures. */
export class RelayerOutOfFundsError extends MedLedgerError {
  readonly relayer: Address;
  readonly balanceWei: bigint;
  /** What the action would cost at most, in wei (0 when unknown). */
  readonly neededWei: bigint;

  constructor(relayer: Address, balanceWei: bigint, neededWei: bigint, options?: { cause?: unknown }) {
    super(
      "RELAYER_OUT_OF_FUNDS",
      "The hospital's relayer is out of funds, so it cannot send your change. Nothing was sent.",
      "Tell the hospital, or try again later: your change is not lost, you can sign it again then.",
      options,
    );
    this.relayer = relayer;
    this.balanceWei = balanceWei;
    this.neededWei = neededWei;
  }

  /** The line for the operator's log. */
  operatorLine(): string {
    const needed = this.neededWei > 0n ? `, needs about ${formatEther(this.neededWei)} ETH for this action` : "";
    return `relayer ${this.relayer} is out of funds: it holds ${formatEther(this.balanceWei)} ETH${needed}. Send ETH to ${this.relayer}.`;
  }
}

/** Whether the node refused for lack of funds (for gas × fee). */
function isInsufficientFunds(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof BaseError && e.walk((x) => x instanceof InsufficientFundsError)) return true;
    if (/insufficient funds|insufficientfunds|lack of funds|not enough funds/i.test(`${e.message} ${(e as { details?: string }).details ?? ""}`)) return true;
  }
  return false;
}

async function maxFeePerGas(ledger: LedgerReader): Promise<bigint> {
  try {
    return (await ledger.publicClient.estimateFeesPerGas()).maxFeePerGas;
  } catch {
    return ledger.publicClient.getGasPrice(); // a node without EIP-1559
  }
}

/** Refuses with RELAYER_OUT_OF_FUNDS unless the relayer holds enough for `request`'s gas at the current fee. */
async function assertCanPay(relayer: LedgerWriter, request: SignedAction): Promise<void> {
  const address = relayer.walletClient.account.address;
  const balance = await relayer.publicClient.getBalance({ address });
  let gas: bigint;
  try {
    gas = await runSignedCall(request, (functionName, args) => estimateLedgerGas(relayer, functionName, args));
  } catch (error) {
    if (isInsufficientFunds(error)) throw new RelayerOutOfFundsError(address, balance, 0n, { cause: error });
    throw error;
  }
  const needed = gas * (await maxFeePerGas(relayer));
  if (balance < needed) throw new RelayerOutOfFundsError(address, balance, needed);
}

export type RelayOutcome =
  | { readonly status: "confirmed"; readonly hash: Hash; readonly blockNumber: bigint }
  /** Accepted by the node, not confirmed within the wait: it may still be mined (or dropped). */
  | { readonly status: "pending"; readonly hash: Hash };

export interface RelayOptions {
  /**
   * The caller's policy, run once the request is proven to be `request.account`'s current one and
   * before anything that costs gas: who may be served, quotas, a claim against duplicates. Throws to refuse.
   */
  readonly authorize?: (request: SignedAction) => Promise<void>;
  /** Called as soon as the node accepted the transaction. */
  readonly onSent?: (hash: Hash) => void | Promise<void>;
  /** How long to wait for the confirmation before answering "pending" (default {@link DEFAULT_RELAY_WAIT_MS}). */
  readonly waitMs?: number;
}

/** Checks `request` (see the module comment), then sends it as `relayer`'s transaction. */
export async function relaySignedAction(relayer: LedgerWriter, request: SignedAction, options: RelayOptions = {}): Promise<RelayOutcome> {
  await checkSignedAction(relayer, request);
  if (!(await isSignedByAccount(relayer.deployment, request))) {
    throw new MedLedgerError(
      "BAD_SIGNATURE",
      "This request was not signed by the account it names (or it was changed after signing). Nothing was sent.",
      "Sign the action again in the MedLedger app.",
    );
  }
  const current = await readLedger(relayer, "nonces", [request.account]);
  const nonce = BigInt(request.nonce);
  if (nonce < current) {
    throw new MedLedgerError(
      "NONCE_REUSED",
      "This signed request was already used. Nothing was sent again.",
      "Nothing to do; to change more, sign a new request.",
    );
  }
  if (nonce > current) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "This signed request comes after one that has not been sent yet.",
      "Send the earlier request first, or sign this one again.",
    );
  }
  await options.authorize?.(request);
  try {
    await runSignedCall(request, (functionName, args) => simulateLedger(relayer, functionName, args));
  } catch (error) {
    throw isContractRevert(error) ? new ActionRefusedError(error) : error;
  }
  await assertCanPay(relayer, request);
  try {
    const { hash, receipt } = await runSignedCall(request, (functionName, args) =>
      writeLedger(relayer, functionName, args, { onSent: options.onSent, timeoutMs: options.waitMs ?? DEFAULT_RELAY_WAIT_MS }),
    );
    return { status: "confirmed", hash, blockNumber: receipt.blockNumber };
  } catch (error) {
    const hash = sentTransactionOf(error);
    if (hash) return { status: "pending", hash };
    if (isInsufficientFunds(error)) {
      const address = relayer.walletClient.account.address;
      throw new RelayerOutOfFundsError(address, await relayer.publicClient.getBalance({ address }), 0n, { cause: error });
    }
    throw error;
  }
}

export interface RelayerStatus {
  readonly address: Address;
  readonly balanceWei: bigint;
  /** The current fee per gas the estimate uses, in wei. */
  readonly maxFeePerGasWei: bigint;
  /** About how many typical actions ({@link TYPICAL_RELAYED_GAS}) the balance pays for at that fee. */
  readonly actionsLeft: bigint;
  /** Fewer than {@link LOW_FUNDS_ACTIONS} actions left: fund the relayer soon. */
  readonly lowFunds: boolean;
}

/** The relayer's address, balance and whether it runs low (for the administrator). */
export async function relayerStatus(relayer: LedgerWriter): Promise<RelayerStatus> {
  const address = relayer.walletClient.account.address;
  const [balanceWei, fee] = await Promise.all([relayer.publicClient.getBalance({ address }), maxFeePerGas(relayer)]);
  const perAction = TYPICAL_RELAYED_GAS * (fee > 0n ? fee : 1n);
  const actionsLeft = balanceWei / perAction;
  return { address, balanceWei, maxFeePerGasWei: fee, actionsLeft, lowFunds: actionsLeft < LOW_FUNDS_ACTIONS };
}
