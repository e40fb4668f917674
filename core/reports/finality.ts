/**
 * After "registered": until its block is final, a registration can still be undone by a
 * reorganisation of the chain (the block that held it replaced by another without it). The
 * caller keeps the prepared report until {@link settleRegistration} says it is final; each call
 * looks at the chain and, if the registration is gone, registers the same prepared report again.
 *
 * Every check is O(1) calls: the claim's status (`verify`), the registration's receipt, the
 * latest block number.
 */
import type { Hash } from "viem";
import { TransactionReceiptNotFoundError } from "viem";
import { readLedger } from "../contract/calls.ts";
import { toLedgerError } from "../contract/errors.ts";
import type { LedgerWriter } from "../contract/ledger.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { getReportRecord, recordFromReceipt, type ReportRecord } from "./records.ts";
import { findRegistered, submitReport, transactionState, type PreparedReport, type UploadOptions } from "./upload.ts";

/** What the chain says now of a registration that was reported done. */
export type FinalityState =
  /** Deep enough: no reorganisation is expected to undo it. */
  | { readonly status: "final"; readonly record: ReportRecord; readonly confirmations: number }
  /** Registered, but its block may still be replaced. */
  | { readonly status: "awaiting"; readonly record: ReportRecord; readonly confirmations: number; readonly needed: number }
  /** The chain no longer has it: its transaction is back in the mempool, or gone. */
  | { readonly status: "reorged-out"; readonly transaction: "pending" | "gone" };

/** Where the registration of `prepared` (sent as `transactionHash`, if known) stands, against a finality depth of `finalityBlocks`. */
export async function checkFinality(
  ledger: LedgerWriter,
  prepared: PreparedReport,
  transactionHash: Hash | undefined,
  finalityBlocks: number,
): Promise<FinalityState> {
  try {
    const registered = await findRegisteredQuick(ledger, prepared, transactionHash);
    if (!registered) {
      const state = transactionHash ? await transactionState(ledger, transactionHash) : "gone";
      return { status: "reorged-out", transaction: state === "pending" ? "pending" : "gone" };
    }
    const latest = await ledger.publicClient.getBlockNumber();
    const confirmations = Number(latest - registered.blockNumber + 1n);
    return confirmations >= finalityBlocks
      ? { status: "final", record: registered, confirmations }
      : { status: "awaiting", record: registered, confirmations, needed: finalityBlocks };
  } catch (error) {
    throw toLedgerError(error, { rpcUrl: ledger.rpcUrl, action: "Checking the registration" });
  }
}

/** The record by the registration's receipt when its transaction is known (no event scan), else by the claim. */
async function findRegisteredQuick(ledger: LedgerWriter, prepared: PreparedReport, transactionHash: Hash | undefined): Promise<ReportRecord | undefined> {
  const [status] = await readLedger(ledger, "verify", [prepared.sha256, prepared.sha1, prepared.doctor]);
  if (status === 0) return undefined;
  if (transactionHash) {
    try {
      const receipt = await ledger.publicClient.getTransactionReceipt({ hash: transactionHash });
      if (receipt.status === "success") return await recordFromReceipt(ledger, receipt, prepared.reportId);
    } catch (error) {
      if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
    }
    // Registered by another transaction (an earlier attempt that went through after all).
    return getReportRecord(ledger, prepared.reportId, { sha256: prepared.sha256 });
  }
  return findRegistered(ledger, prepared);
}

/** What {@link settleRegistration} did. */
export type SettleOutcome =
  | { readonly outcome: "final"; readonly record: ReportRecord; readonly confirmations: number }
  | { readonly outcome: "awaiting"; readonly record: ReportRecord; readonly confirmations: number; readonly needed: number }
  /** Reorganised out, its transaction back in the mempool: nothing sent; check again later. */
  | { readonly outcome: "pending"; readonly transactionHash: Hash }
  /** Reorganised out (or dropped): registered again from the same prepared data. */
  | {
      readonly outcome: "registered-again";
      readonly record: ReportRecord;
      readonly transactionHash: Hash | undefined;
      readonly confirmations: number;
      readonly needed: number;
    };

export interface SettleOptions extends Pick<UploadOptions, "onProgress" | "onSent" | "timeoutMs" | "confirmations"> {
  readonly finalityBlocks: number;
}

/**
 * Checks a registration reported done and, if a reorganisation removed it (or its transaction
 * was dropped), registers the same prepared report again — idempotent: call it until "final".
 */
export async function settleRegistration(
  ledger: LedgerWriter,
  store: ContentStore,
  prepared: PreparedReport,
  transactionHash: Hash | undefined,
  options: SettleOptions,
): Promise<SettleOutcome> {
  const state = await checkFinality(ledger, prepared, transactionHash, options.finalityBlocks);
  if (state.status === "final") return { outcome: "final", record: state.record, confirmations: state.confirmations };
  if (state.status === "awaiting") return { outcome: "awaiting", record: state.record, confirmations: state.confirmations, needed: state.needed };
  if (state.transaction === "pending" && transactionHash) return { outcome: "pending", transactionHash };
  // Registered again only once its ciphertext is confirmed stored (re-stored from the kept copy if the node lost it).
  const again = await submitReport(ledger, store, prepared, { ...options, previousTransactionHash: transactionHash });
  const after = await checkFinality(ledger, prepared, again.transactionHash, options.finalityBlocks);
  const confirmations = after.status === "reorged-out" ? 0 : after.confirmations;
  return { outcome: "registered-again", record: again.record, transactionHash: again.transactionHash, confirmations, needed: options.finalityBlocks };
}
