/** Form validation helpers (zod): field errors by name. Addresses follow the core's one rule (core/validation.ts). */
import type * as z from "zod/mini";

export type FieldErrors = Partial<Record<string, string>>;

/** Validates `input`; returns the data or the first message of each invalid field. */
export function validate<T>(schema: z.ZodMiniType<T>, input: unknown): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** What {@link clearsOutcome} needs of an action (see useAction.ts). */
export interface ResettableOutcome {
  readonly pending: boolean;
  readonly error: unknown;
  readonly result: unknown;
  reset(): void;
}

/**
 * Wraps an input's change handler so that changing the input also clears the outcome of the action
 * it feeds — its error, its result and its toast: no success or error stays on screen for an input
 * that is no longer the one it was about. A running action is left alone.
 */
export function clearsOutcome<E>(action: ResettableOutcome, onChange: (event: E) => void): (event: E) => void {
  return (event) => {
    if (!action.pending && ((action.error !== null && action.error !== undefined) || action.result !== undefined)) action.reset();
    onChange(event);
  };
}
