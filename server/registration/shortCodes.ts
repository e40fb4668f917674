/**
 * Short codes for registration codes: a patient's page hands its (signed, self-authenticating)
 * registration code in, and the reception fetches it back by the 8-character short code derived
 * from it (core/patients/shortCode.ts). The server checks the code is one for this chain and not
 * expired, keeps it at most a day (never past its own deadline), and stores nothing else: no
 * client address, no account besides the one inside the code. The reception's browser checks the
 * code it gets back against the short code and decodes it exactly as a pasted code.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { MedLedgerError } from "#core/errors.ts";
import { parseRegistrationCode } from "#core/patients/registration.ts";
import { normalizeShortCode, SHORT_CODE_TTL_SECONDS, shortCodeOf } from "#core/patients/shortCode.ts";
import { parseInput } from "../appointments/appointments.ts";
import type { ServerContext } from "../context.ts";
import { registrationCodes } from "../db/schema.ts";
import { sweepIfDue } from "../limits/sweep.ts";

/** The longest registration code taken (today's are about 520 characters). */
export const MAX_REGISTRATION_CODE_CHARS = 2_000;

const handInSchema = z.object({ code: z.string().min(1).max(MAX_REGISTRATION_CODE_CHARS) }).strict();

export interface HandedIn {
  readonly short: string;
  readonly expiresAt: string;
}

/** Keeps `input.code` under its short code; the same code handed in twice keeps its first expiry. */
export async function handInRegistrationCode(ctx: ServerContext, input: unknown): Promise<HandedIn> {
  const code = parseInput(handInSchema, input).code.trim();
  const now = ctx.now();
  const request = parseRegistrationCode(code, now.getTime());
  if (request.chainId !== ctx.chain.chainId) {
    throw new MedLedgerError(
      "WRONG_CHAIN",
      `The registration code was made for chain ${request.chainId}; this hospital's MedLedger runs on chain ${ctx.chain.chainId}.`,
      "Switch your wallet to this hospital's network and create the code again.",
    );
  }
  await sweepIfDue(ctx.db, now, ctx.limits.sweepIntervalMs);
  const short = shortCodeOf(code);
  const expiresAt = new Date(Math.min(now.getTime() + SHORT_CODE_TTL_SECONDS * 1000, request.deadline * 1000));
  await ctx.db.insert(registrationCodes).values({ short, code, createdAt: now, expiresAt }).onConflictDoNothing();
  const [kept] = await ctx.db.select().from(registrationCodes).where(eq(registrationCodes.short, short));
  if (!kept || kept.code !== code) {
    // Two codes with the same 40-bit prefix: the patient makes a new one.
    throw new MedLedgerError("CONFLICT", "This registration code cannot get a short code.", "Create a new registration code, or show the QR code instead.");
  }
  if (kept.expiresAt.getTime() <= now.getTime()) {
    await ctx.db.update(registrationCodes).set({ createdAt: now, expiresAt }).where(eq(registrationCodes.short, short));
    return { short, expiresAt: expiresAt.toISOString() };
  }
  return { short, expiresAt: kept.expiresAt.toISOString() };
}

/** The registration code kept under `text` (a short code); NOT_FOUND when none is, or it expired. */
export async function lookUpRegistrationCode(ctx: ServerContext, text: string): Promise<{ short: string; code: string; expiresAt: string }> {
  const short = normalizeShortCode(text);
  if (!short) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      "A short code has 8 letters and digits, e.g. 7KQ2-M9XD.",
      "Type the code exactly as the patient's screen shows it.",
    );
  }
  const [row] = await ctx.db.select().from(registrationCodes).where(eq(registrationCodes.short, short));
  if (!row || row.expiresAt.getTime() <= ctx.now().getTime()) {
    throw new MedLedgerError(
      "NOT_FOUND",
      "No registration code has this short code (or it expired: short codes last a day).",
      "Check the code with the patient, or scan their QR code or paste their full registration code.",
    );
  }
  return { short, code: row.code, expiresAt: row.expiresAt.toISOString() };
}
