/**
 * The web server's database schema: one schema for embedded PGlite and for PostgreSQL.
 * These tables hold sign-in bookkeeping, the admin's activity log, appointment slots and upload quotas only:
 * never any report content and no personal data beyond account addresses.
 * Change this file, then run `npm run db:generate` (drizzle-kit) to add a migration.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, check, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Kinds of activity the log records. */
export const ACTIVITY_KINDS = ["login", "logout", "session_expired", "report_opened"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Appointment states; `requested` and `confirmed` hold the doctor's slot. */
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "#core/appointments/rules.ts";

export { APPOINTMENT_STATUSES, type AppointmentStatus };

const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * The admin's activity log, a hash chain: each entry's `hash` covers its fields and `prev_hash`
 * (the previous entry's hash), so any later change or removal breaks the chain.
 */
export const activityLog = pgTable(
  "activity_log",
  {
    id: text("id").primaryKey(),
    /** 1, 2, 3… without gaps. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    at: timestampMs("at").notNull(),
    /** Lower-case 0x address of the account that acted. */
    actor: text("actor").notNull(),
    /** The actor's roles read from the contract at that moment, comma-separated ("none" if none). */
    role: text("role").notNull(),
    kind: text("kind").notNull(),
    /** 0x bytes32 report id (for report_opened). */
    reportId: text("report_id"),
    sessionId: text("session_id"),
    /**
     * How a report_opened entry's reader opened it: "app" or "cli" (a proven opening, see
     * core/reports/openings.ts; "app" for the signed-in route too). Null for other kinds, and for
     * entries written before the column existed (their hashes do not cover it).
     */
    via: text("via"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("activity_log_seq_key").on(t.seq),
    uniqueIndex("activity_log_prev_hash_key").on(t.prevHash),
    index("activity_log_actor_idx").on(t.actor),
    index("activity_log_at_idx").on(t.at),
    check("activity_log_kind_check", sql`${t.kind} in (${inList(ACTIVITY_KINDS)})`),
    check("activity_log_via_check", sql`${t.via} is null or ${t.via} in ('app', 'cli')`),
  ],
);

/** Sign-in sessions; the cookie only carries the id. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    address: text("address").notNull(),
    chainId: integer("chain_id").notNull(),
    issuedAt: timestampMs("issued_at").notNull(),
    expiresAt: timestampMs("expires_at").notNull(),
    endedAt: timestampMs("ended_at"),
    /** "logout" or "expired". */
    endReason: text("end_reason"),
  },
  (t) => [index("sessions_address_idx").on(t.address), check("sessions_end_reason_check", sql`${t.endReason} in ('logout', 'expired')`)],
);

/**
 * Single-use nonces of proven report openings (server/activity/openingProof.ts), apart from the
 * sign-in nonces so that readers opening many reports never use up a network's sign-ins. Bounded
 * the same way: a few minutes' life, issuance rate-limited per client network, a cap on those
 * outstanding in all, expired rows deleted in bulk by the periodic sweep.
 */
export const openingNonces = pgTable(
  "opening_nonces",
  {
    value: text("value").primaryKey(),
    expiresAt: timestampMs("expires_at").notNull(),
    usedAt: timestampMs("used_at"),
  },
  (t) => [index("opening_nonces_expires_at_idx").on(t.expiresAt)],
);

/**
 * Single-use sign-in nonces issued by the server. Bounded: a nonce lives a few minutes, the
 * number outstanding is capped (in all and per client network), and expired rows are deleted in
 * bulk by a periodic sweep (server/limits/sweep.ts).
 */
export const nonces = pgTable(
  "nonces",
  {
    value: text("value").primaryKey(),
    issuedAt: timestampMs("issued_at").notNull(),
    expiresAt: timestampMs("expires_at").notNull(),
    usedAt: timestampMs("used_at"),
    /** The client network the nonce was issued to (see server/limits/clientAddress.ts). */
    client: text("client").notNull(),
  },
  (t) => [index("nonces_expires_at_idx").on(t.expiresAt), index("nonces_client_expires_at_idx").on(t.client, t.expiresAt)],
);

/**
 * Token buckets of the rate limits, shared by every server process on the same database.
 * Times are epoch milliseconds of the server clock. A row whose `full_ms` has passed is a full
 * bucket, the same as no row: the sweep deletes those in bulk.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    /** "<rule>:<client network or account>". */
    key: text("key").primaryKey(),
    tokens: doublePrecision("tokens").notNull(),
    updatedMs: doublePrecision("updated_ms").notNull(),
    /** By then the bucket is full again even if nothing more is taken. */
    fullMs: doublePrecision("full_ms").notNull(),
    /** Whether the last take succeeded. */
    allowed: boolean("allowed").notNull(),
  },
  (t) => [index("rate_limits_full_ms_idx").on(t.fullMs)],
);

/** Appointment requests between a patient and one of their assigned doctors. */
export const appointments = pgTable(
  "appointments",
  {
    id: text("id").primaryKey(),
    patient: text("patient").notNull(),
    doctor: text("doctor").notNull(),
    slotStart: timestampMs("slot_start").notNull(),
    slotEnd: timestampMs("slot_end").notNull(),
    status: text("status").notNull(),
    /** Short reason of a decline, cancellation or reschedule; never medical details. */
    reason: text("reason"),
    createdBy: text("created_by").notNull(),
    createdAt: timestampMs("created_at").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    /** A doctor's slot is held by at most one open (requested or confirmed) appointment. */
    uniqueIndex("appointments_doctor_slot_open_key")
      .on(t.doctor, t.slotStart)
      .where(sql`${t.status} in ('requested', 'confirmed')`),
    index("appointments_patient_idx").on(t.patient),
    check("appointments_status_check", sql`${t.status} in (${inList(APPOINTMENT_STATUSES)})`),
    check("appointments_slot_check", sql`${t.slotEnd} > ${t.slotStart}`),
  ],
);

/**
 * What each account stored on IPFS through the gateway, per UTC day (the per-account quota of
 * server/ipfs/quota.ts): bytes and uploads. Rows of past days are swept.
 */
export const ipfsUploadQuota = pgTable(
  "ipfs_upload_quota",
  {
    /** Lower-case account address. */
    account: text("account").notNull(),
    /** The UTC day, YYYY-MM-DD. */
    day: text("day").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    uploads: integer("uploads").notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.day] }), index("ipfs_upload_quota_day_idx").on(t.day)],
);

/**
 * Patient-signed actions the relayer took on (server/relay/relay.ts): one row per (chain, account,
 * nonce), claimed right before sending, so the same signed request sent twice at once — to one
 * server process or to several — is sent once (the contract would refuse the second, but only
 * after the hospital paid for it). A claim whose send failed before the node accepted it is
 * deleted (the patient signs again at the same nonce). Also the operator's record of what the
 * relayer paid for.
 */
export const relayedActions = pgTable(
  "relayed_actions",
  {
    chainId: integer("chain_id").notNull(),
    /** Lower-case 0x address of the signing account. */
    account: text("account").notNull(),
    /** The account's contract nonce the request was signed at, decimal. */
    nonce: text("nonce").notNull(),
    /** grant, revoke, rekey or encryptionKey. */
    kind: text("kind").notNull(),
    /** The client network it came from (see server/limits/clientAddress.ts). */
    client: text("client").notNull(),
    /** The relayer's transaction, once the node accepted it. */
    txHash: text("tx_hash"),
    at: timestampMs("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.account, t.nonce] }), index("relayed_actions_at_idx").on(t.at)],
);

/**
 * Registration codes patients handed in ahead (server/registration/shortCodes.ts), kept for a day
 * under their short code (core/patients/shortCode.ts: derived from the code, not chosen here) so
 * the reception can type 8 characters instead of pasting the full code. A registration code holds
 * only what its registration makes public anyway (account, public encryption key, signature,
 * deadline). Expired rows are swept.
 */
export const registrationCodes = pgTable(
  "registration_codes",
  {
    short: text("short").primaryKey(),
    /** The full registration code, as the patient's page posted it. */
    code: text("code").notNull(),
    createdAt: timestampMs("created_at").notNull(),
    expiresAt: timestampMs("expires_at").notNull(),
  },
  (t) => [index("registration_codes_expires_at_idx").on(t.expiresAt)],
);
