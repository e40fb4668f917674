/** Form validation helpers (zod): field errors by name. Addresses follow the core's one rule (core/validation.ts). */
import type * as z from "zod/mini";

export { addressSchema } from "#core/validation.ts";

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
