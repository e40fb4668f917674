/**
 * The indexer's list API on the wire, one definition for both ends: the query each route accepts
 * (validated by the indexer: a bad one is a 400) and the pages it answers (validated by the
 * client). Every list is newest first, ordered by the position of its row's event on the chain;
 * a cursor is the position of the last row of a page (`<block>-<log index>`).
 */
import * as z from "zod/mini";
import type { Address, Hash, Hex } from "viem";
import type { LedgerEventName } from "../contract/events.ts";
import { medLedgerAbi } from "../contract/generated/medLedger.ts";
import { addressSchema } from "../validation.ts";

const EVENT_NAMES: ReadonlySet<string> = new Set(medLedgerAbi.flatMap((item) => (item.type === "event" ? [item.name] : [])));
const eventNameSchema = z.custom<LedgerEventName>((value) => typeof value === "string" && EVENT_NAMES.has(value), { error: "not an event of the contract" });

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const CURSOR_PATTERN = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,9})$/;

export interface Cursor {
  readonly blockNumber: bigint;
  readonly logIndex: number;
}

export function formatCursor(cursor: Cursor): string {
  return `${cursor.blockNumber}-${cursor.logIndex}`;
}

export const cursorSchema = z.pipe(
  z.string().check(z.regex(CURSOR_PATTERN, { error: "A cursor is a page's nextCursor, as the previous page gave it." })),
  z.transform((text: string): Cursor => {
    const [block, log] = text.split("-") as [string, string];
    return { blockNumber: BigInt(block), logIndex: Number(log) };
  }),
);

const pageQuery = {
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE_SIZE, { error: `At most ${MAX_PAGE_SIZE} rows per page.` }))),
  cursor: z.optional(cursorSchema),
};

export const reportQuerySchema = z.strictObject({ ...pageQuery, patient: z.optional(addressSchema), doctor: z.optional(addressSchema) });
export const sharedQuerySchema = z.strictObject({ ...pageQuery, reader: addressSchema });
export const grantQuerySchema = z.strictObject({
  ...pageQuery,
  patient: z.optional(addressSchema),
  reportId: z.optional(z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/))),
});
export const staffQuerySchema = z.strictObject({ ...pageQuery });
export const patientQuerySchema = z.strictObject({ ...pageQuery, doctor: z.optional(addressSchema) });
export const timelineQuerySchema = z.strictObject({
  ...pageQuery,
  actor: z.optional(addressSchema),
  /** The events about this patient's record (by their current account: also those of before a recovery). */
  patient: z.optional(addressSchema),
  event: z.optional(eventNameSchema),
  /** Unix seconds, inclusive. */
  from: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  to: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
});

/** Emergency accesses: of a patient (their access history, by their current account), by a doctor, or all (the admin's review list). */
export const emergencyQuerySchema = z.strictObject({ ...pageQuery, patient: z.optional(addressSchema), doctor: z.optional(addressSchema) });
/** Current guardianships: of a patient (by their current account), of a guardian ("whose guardian am I"), or all. */
export const guardianQuerySchema = z.strictObject({ ...pageQuery, patient: z.optional(addressSchema), guardian: z.optional(addressSchema) });

export type ReportQuery = z.input<typeof reportQuerySchema>;
export type TimelineQuery = z.input<typeof timelineQuerySchema>;

const hex = z.string().check(z.regex(/^0x[0-9a-fA-F]*$/)) as unknown as z.ZodMiniType<Hex>;
const hash = z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/)) as unknown as z.ZodMiniType<Hash>;
const address = addressSchema as unknown as z.ZodMiniType<Address, string>;
const blockNumber = z.pipe(
  z.string().check(z.regex(/^\d+$/)),
  z.transform((text: string) => BigInt(text)),
);

export const reportRowSchema = z.object({
  reportId: hash,
  sha256: hash,
  sha1: hex,
  patient: address,
  doctor: address,
  cid: z.string(),
  /** The wrapped keys of the registration (the current version's come from the chain: core/reports/versions.ts). */
  patientKey: hex,
  doctorKey: hex,
  supersedes: z.nullable(hash),
  supersededBy: z.nullable(hash),
  fraudulent: z.boolean(),
  version: z.number(),
  /** The contract's `heldUntil` (seconds; 2^40 - 1: only the doctor releases it), null when not held. */
  heldUntil: z.optional(z.nullable(z.number())),
  registeredAt: z.number(),
  blockNumber,
  logIndex: z.number(),
  transactionHash: hash,
});

export const timelineRowSchema = z.object({
  eventName: eventNameSchema,
  actor: address,
  args: z.record(z.string(), z.unknown()),
  blockNumber,
  logIndex: z.number(),
  transactionHash: hash,
  timestamp: z.number(),
});

export const staffRowSchema = z.object({
  account: address,
  role: hash,
  name: z.string(),
  department: z.string(),
  contact: z.string(),
  active: z.boolean(),
});

export const grantRowSchema = z.object({
  reportId: hash,
  patient: address,
  reader: address,
  active: z.boolean(),
  /** Unix seconds the access ends (null: no end). */
  expiresAt: z.nullable(z.number()),
});

export const patientRowSchema = z.object({
  /** The account that holds the record now (after a recovery: the successor). */
  account: address,
  /** The patient's record: the account they registered with (the registration event's `patient`). */
  record: address,
  registeredBy: address,
  /** The current profile's binary CID. */
  profileCid: hex,
  /** The registration's transaction. */
  transactionHash: hash,
  /** With `?doctor=`: the doctor the patient is assigned to. */
  doctor: z.optional(address),
});

export const emergencyRowSchema = z.object({
  /** The patient's record. */
  record: address,
  /** The account that holds the record now. */
  patient: address,
  doctor: address,
  /** The contract's EmergencyReason: 1 patient unable to consent, 2 life-threatening, 3 assigned doctor unavailable, 4 other emergency. */
  reason: z.number(),
  /** Unix seconds the access ends (exclusive; a later access of the same doctor replaces it). */
  until: z.number(),
  /** Unix seconds of the access (its block's time). */
  accessedAt: z.number(),
  blockNumber,
  logIndex: z.number(),
  transactionHash: hash,
});

export const guardianRowSchema = z.object({
  /** The patient's record. */
  record: address,
  /** The account that holds the record now. */
  patient: address,
  guardian: address,
  /** Unix seconds the guardianship ends (exclusive); null: no end. */
  until: z.nullable(z.number()),
  /** Appointed by the reception (then only the reception ends it), else by the patient. */
  byReception: z.boolean(),
});

export function pageSchema<T extends z.ZodMiniType>(row: T) {
  return z.object({ items: z.array(row), nextCursor: z.nullable(z.string()), total: z.number() });
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  /** Rows of the whole list (all pages). */
  readonly total: number;
}

export type IndexedReport = z.output<typeof reportRowSchema>;
export type IndexedEvent = z.output<typeof timelineRowSchema>;
export type IndexedStaff = z.output<typeof staffRowSchema>;
export type IndexedGrant = z.output<typeof grantRowSchema>;
export type IndexedPatient = z.output<typeof patientRowSchema>;
export type IndexedEmergency = z.output<typeof emergencyRowSchema>;
export type IndexedGuardian = z.output<typeof guardianRowSchema>;

/** The API's error body (as the server's: `{error:{code,message,hint}}`). */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string(), hint: z.string() }) });
