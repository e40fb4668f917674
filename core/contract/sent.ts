/**
 * A write that failed after the node had accepted the transaction (the confirmation timed out,
 * the node stopped answering): the transaction may still be mined, so the caller must check the
 * chain before saying that nothing happened. Same code, message, hint and details as its cause.
 */
import type { Hash } from "viem";
import { MedLedgerError } from "../errors.ts";

export class SentTransactionError extends MedLedgerError {
  /** The transaction the node accepted. */
  readonly transactionHash: Hash;

  constructor(transactionHash: Hash, cause: MedLedgerError) {
    super(cause.code, cause.message, cause.hint, { cause, details: cause.details });
    this.transactionHash = transactionHash;
  }
}

export function sentTransactionOf(error: unknown): Hash | undefined {
  return error instanceof SentTransactionError ? error.transactionHash : undefined;
}
