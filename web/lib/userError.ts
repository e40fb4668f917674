/**
 * What the user is shown for any failure: MedLedgerError's message and hint in plain words, never
 * a stack trace; the technical part (node, setting, raw error) apart in `details`, which the page
 * keeps behind a "Technical details" toggle.
 */
import { BaseError } from "viem";
import { toLedgerError } from "#core/contract/errors.ts";
import { MedLedgerError } from "#core/errors.ts";

export interface UserError {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  /** Technical detail for whoever helps the user (undefined when there is none). */
  readonly details: string | undefined;
}

/** Wallet-library failures (wagmi, EIP-1193 providers) that say "provider"/"connector": [message, hint]. */
const WALLET_FAILURES: readonly [RegExp, string, string][] = [
  [
    /provider not found|no provider|connector not found|ConnectorNotFound|ProviderNotFound/i,
    "No wallet was found in this browser.",
    "Install a wallet extension (such as MetaMask) or open MedLedger in a browser that has one, then retry.",
  ],
  [
    /connector not connected|ConnectorNotConnected|not connected/i,
    "Your wallet is not connected.",
    "Connect your wallet (button at the top right), then retry.",
  ],
  [/already pending|ResourceUnavailable|-32002/i, "Your wallet is already asking you something.", "Open your wallet, answer its request, then retry."],
];

/** Maps any thrown value to message + hint (wallet rejections, reverts, unreachable nodes…) and its technical details. */
export function toUserError(error: unknown): UserError {
  if (error instanceof MedLedgerError) return { code: error.code, message: error.message, hint: error.hint, details: error.details ?? causeText(error.cause) };
  const text = rawText(error);
  if ((error as { code?: unknown } | null)?.code === 4001) {
    return {
      code: "USER_REJECTED",
      message: "You rejected the request in your wallet; nothing was sent.",
      hint: "Retry when ready: your inputs are kept.",
      details: text,
    };
  }
  for (const [pattern, message, hint] of WALLET_FAILURES) {
    if (pattern.test(text)) return { code: "UNSUPPORTED_WALLET", message, hint, details: text };
  }
  if (!(error instanceof BaseError) && !/fetch failed|ECONNREFUSED|ENOTFOUND|network error/i.test(text)) {
    return {
      code: "UNEXPECTED",
      message: "Something went wrong: nothing was changed.",
      hint: "Retry; if it keeps failing, tell the hospital's IT team.",
      details: text,
    };
  }
  const mapped = toLedgerError(error);
  return { code: mapped.code, message: mapped.message, hint: mapped.hint, details: mapped.details ?? text };
}

/** Whether the user turned the request down in their wallet (EIP-1193 code 4001). */
export function isUserRejection(error: unknown): boolean {
  return toUserError(error).code === "USER_REJECTED";
}

function rawText(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0] ?? ""}`;
  return String(error);
}

function causeText(cause: unknown): string | undefined {
  return cause === undefined || cause === null ? undefined : rawText(cause);
}
