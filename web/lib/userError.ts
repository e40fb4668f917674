/** What the user is shown for any failure: MedLedgerError's message and hint, never a stack trace. */
import { toLedgerError } from "#core/contract/errors.ts";
import { MedLedgerError } from "#core/errors.ts";

export interface UserError {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

/** Maps any thrown value to message + hint (wallet rejections, reverts, unreachable nodes…). */
export function toUserError(error: unknown): UserError {
  if (error instanceof MedLedgerError) return { code: error.code, message: error.message, hint: error.hint };
  const mapped = toLedgerError(error);
  return { code: mapped.code, message: mapped.message, hint: mapped.hint };
}

/** Whether the user turned the request down in their wallet (EIP-1193 code 4001). */
export function isUserRejection(error: unknown): boolean {
  return toUserError(error).code === "USER_REJECTED";
}
