/**
 * Every failure a user can meet, as one error type with a stable code, a message that says what
 * happened, and a hint that says what to do. The CLI prints `message` and `hint`; the web app
 * shows them; neither ever shows a stack trace to the user.
 */

export type MedLedgerErrorCode =
  | "EMPTY_FILE"
  | "UNSUPPORTED_FILE_TYPE"
  | "DAMAGED_FILE"
  | "FILE_TOO_LARGE"
  | "WRONG_KEY"
  | "TAMPERED_CIPHERTEXT"
  | "DIGEST_MISMATCH"
  | "UNKNOWN_CID"
  | "IPFS_UNREACHABLE"
  | "RPC_UNREACHABLE"
  | "WRONG_CHAIN"
  | "NO_CONTRACT"
  | "CONTRACT_REVERT"
  | "USER_REJECTED"
  | "NO_ACCESS"
  | "ACCESS_REVOKED"
  | "ACCESS_EXPIRED"
  | "UNKNOWN_REPORT"
  | "NO_ENCRYPTION_KEY"
  | "UNSUPPORTED_WALLET"
  | "KEY_MISMATCH"
  | "INVALID_INPUT"
  | "CONFIG"
  /** A result held for review by the doctor: not yet released to the patient. */
  | "RESULT_HELD"
  | "NOT_SIGNED_IN"
  | "SESSION_EXPIRED"
  | "NONCE_UNKNOWN"
  | "NONCE_REUSED"
  | "DOMAIN_MISMATCH"
  | "MESSAGE_EXPIRED"
  | "BAD_SIGNATURE"
  | "NOT_FOUND"
  | "SLOT_TAKEN"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "QUOTA_EXCEEDED"
  | "BODY_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  /** The Ethereum node refuses an event query even for the smallest range (one block). */
  | "RPC_LIMIT"
  /** A transaction was sent but is not confirmed yet (still in the mempool). */
  | "TRANSACTION_PENDING"
  /** The IPFS node does not keep (pin) a CID that was about to be registered on chain. */
  | "NOT_PINNED"
  /** The full registration code the server returned for a short code does not hash to that short code. */
  | "SHORT_CODE_MISMATCH"
  /** The hospital's relayer cannot pay for the gas of a patient's signed action. */
  | "RELAYER_OUT_OF_FUNDS"
  /** This server sends no signed actions (no relayer key configured). */
  | "RELAYER_UNAVAILABLE"
  /** The indexer (the lists' service) does not answer, or answers nonsense. */
  | "INDEXER_UNAVAILABLE"
  /** The indexer answers but has not caught up with the chain yet. */
  | "INDEXER_BEHIND"
  /** What the indexer listed differs from the contract's record. */
  | "INDEXER_MISMATCH";

export class MedLedgerError extends Error {
  override readonly name = "MedLedgerError";
  readonly code: MedLedgerErrorCode;
  /** What the user can do about it. */
  readonly hint: string;
  /**
   * The technical part (which node, which setting, the raw error), kept out of `message` and
   * `hint` so that these stay plain words: the CLI prints it, the web app behind "Technical details".
   */
  readonly details: string | undefined;

  constructor(code: MedLedgerErrorCode, message: string, hint: string, options?: { cause?: unknown; details?: string | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = hint;
    this.details = options?.details;
  }
}

export function isMedLedgerError(error: unknown, code?: MedLedgerErrorCode): error is MedLedgerError {
  return error instanceof MedLedgerError && (code === undefined || error.code === code);
}
