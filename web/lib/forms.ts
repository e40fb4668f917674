/** Form validation helpers (zod): field errors by name, and the shared address rule. */
import { getAddress, isAddress, type Address } from "viem";
import * as z from "zod/mini";

export const addressSchema = z.pipe(
  z.string().check(
    z.trim(),
    z.refine((value) => isAddress(value, { strict: false }), "Enter an account address: 0x followed by 40 hexadecimal digits"),
  ),
  z.transform((value: string) => getAddress(value) as Address),
);

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
