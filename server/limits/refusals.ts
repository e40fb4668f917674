/** The refusals of the limits: 429 with a Retry-After a person can act on. */
import { MedLedgerError } from "#core/errors.ts";

/** A rate limit or cap was hit; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends MedLedgerError {
  readonly retryAfterSeconds: number;

  constructor(message: string, hint: string, retryAfterSeconds: number) {
    super("RATE_LIMITED", message, hint);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** "30 seconds", "1 minute", "3 minutes". */
export function humanDelay(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** "Too many sign-in attempts from this network; try again in 30 seconds." */
export function tooMany(what: string, retryAfterSeconds: number, hint = "Wait a moment, then try again."): RateLimitedError {
  return new RateLimitedError(`${what}; try again in ${humanDelay(retryAfterSeconds)}.`, hint, retryAfterSeconds);
}
