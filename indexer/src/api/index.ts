/**
 * The list API (Hono, served by Ponder next to its /ready, /status and /health): pages of reports
 * (by patient, by doctor, shared with a reader), grants, staff, patients, guardians, emergency
 * accesses and the audit timeline. Queries are validated by the shared wire schemas
 * (core/indexer/wire.ts): a bad one gets a 400 with the same `{error:{code,message,hint}}` body as
 * the MedLedger server.
 *
 * A patient is named by their current account, both ways: `?patient=` selects the record that
 * account holds now (every row of the record, also those of before a recovery; a retired account
 * lists nothing), and rows show the record's current account as `patient`.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type Context } from "hono";
import { and, count, eq, gt, gte, lte, or, sql } from "ponder";
import type * as z from "zod/mini";
import {
  DEFAULT_PAGE_SIZE,
  emergencyQuerySchema,
  grantQuerySchema,
  guardianQuerySchema,
  patientQuerySchema,
  reportQuerySchema,
  sharedQuerySchema,
  staffQuerySchema,
  timelineQuerySchema,
} from "#core/indexer/wire.ts";
import { allOf, before, newestFirst, pageOf, type SQL } from "#indexer/lib/pages.ts";
import { emergencyRow, grantRow, guardianRow, patientRow, reportRow, staffRow, timelineRow } from "#indexer/lib/rows.ts";

const app = new Hono();

type Parsed<S extends z.ZodMiniType> = { ok: true; query: z.output<S> } | { ok: false; response: Response };

function parseQuery<S extends z.ZodMiniType>(c: Context, querySchema: S): Parsed<S> {
  const parsed = querySchema.safeParse(c.req.query());
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "query";
  return {
    ok: false,
    response: c.json(
      {
        error: {
          code: "INVALID_INPUT",
          message: `The list request's ${field} is not valid: ${(issue?.message ?? "unexpected value").replace(/\.$/, "")}.`,
          hint: "Reload the list.",
        },
      },
      400,
    ),
  };
}

const lower = (address: string) => address.toLowerCase() as `0x${string}`;
const limitOf = (query: { limit?: number }) => query.limit ?? DEFAULT_PAGE_SIZE;

type Column = Parameters<typeof eq>[0];

/**
 * `column` is the record `account` holds now (no row for an account that holds none: not a
 * patient, or retired). A scalar subquery (evaluated once): the (record, block, log) indexes still
 * give a page in order.
 */
function ofPatient(column: Column, account: string): SQL {
  const link = schema.patientLink;
  return eq(
    column,
    db
      .select({ record: link.record })
      .from(link)
      .where(eq(link.account, lower(account))),
  );
}

/** The current account of a row's record (the patient row is there from the registration on). */
const accountOf = (holder: { account: `0x${string}` } | null, record: `0x${string}`) => holder?.account ?? record;

const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));

async function total(table: Parameters<ReturnType<typeof db.select>["from"]>[0], where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

app.get("/v1/reports", async (c) => {
  const parsed = parseQuery(c, reportQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const t = schema.report;
  const filter = allOf(q.patient ? ofPatient(t.record, q.patient) : undefined, q.doctor ? eq(t.doctor, lower(q.doctor)) : undefined);
  const limit = limitOf(q);
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(t)
      .leftJoin(schema.patient, eq(schema.patient.record, t.record))
      .where(allOf(filter, before(t, q.cursor)))
      .orderBy(...newestFirst(t))
      .limit(limit + 1),
    total(t, filter),
  ]);
  const page = pageOf(
    rows.map((r) => ({ ...r.report, patient: accountOf(r.patient, r.report.record) })),
    limit,
  );
  return c.json({ items: page.rows.map(reportRow), nextCursor: page.nextCursor, total: n });
});

/** Reports `reader` holds an active grant on (no end date, or one still ahead), newest grant first. */
app.get("/v1/reports/shared", async (c) => {
  const parsed = parseQuery(c, sharedQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const g = schema.grant;
  const current = or(sql`${schema.terms.expiresAt} is null`, eq(schema.terms.expiresAt, 0n), gt(schema.terms.expiresAt, nowSeconds()));
  const filter = allOf(eq(g.reader, lower(q.reader)), eq(g.active, true), current);
  const limit = limitOf(q);
  const joined = () =>
    db
      .select()
      .from(g)
      .innerJoin(schema.report, eq(schema.report.reportId, g.reportId))
      .leftJoin(schema.terms, and(eq(schema.terms.record, g.record), eq(schema.terms.reader, g.reader)))
      .leftJoin(schema.patient, eq(schema.patient.record, g.record));
  const [rows, counted] = await Promise.all([
    joined()
      .where(allOf(filter, before(g, q.cursor)))
      .orderBy(...newestFirst(g))
      .limit(limit + 1),
    db
      .select({ n: count() })
      .from(g)
      .leftJoin(schema.terms, and(eq(schema.terms.record, g.record), eq(schema.terms.reader, g.reader)))
      .where(filter),
  ]);
  const page = pageOf(
    rows.map((r) => ({
      blockNumber: r.grant.blockNumber,
      logIndex: r.grant.logIndex,
      row: { ...r.report, patient: accountOf(r.patient, r.report.record) },
    })),
    limit,
  );
  return c.json({ items: page.rows.map((r) => reportRow(r.row)), nextCursor: page.nextCursor, total: counted[0]?.n ?? 0 });
});

app.get("/v1/grants", async (c) => {
  const parsed = parseQuery(c, grantQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const g = schema.grant;
  const filter = allOf(eq(g.active, true), q.patient ? ofPatient(g.record, q.patient) : undefined, q.reportId ? eq(g.reportId, lower(q.reportId)) : undefined);
  const limit = limitOf(q);
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(g)
      .leftJoin(schema.terms, and(eq(schema.terms.record, g.record), eq(schema.terms.reader, g.reader)))
      .leftJoin(schema.patient, eq(schema.patient.record, g.record))
      .where(allOf(filter, before(g, q.cursor)))
      .orderBy(...newestFirst(g))
      .limit(limit + 1),
    total(g, filter),
  ]);
  const page = pageOf(
    rows.map((r) => ({ ...r.grant, patient: accountOf(r.patient, r.grant.record), expiresAt: r.terms?.expiresAt ?? 0n })),
    limit,
  );
  return c.json({ items: page.rows.map(grantRow), nextCursor: page.nextCursor, total: n });
});

app.get("/v1/staff", async (c) => {
  const parsed = parseQuery(c, staffQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const t = schema.staff;
  const limit = limitOf(q);
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(t)
      .where(before(t, q.cursor))
      .orderBy(...newestFirst(t))
      .limit(limit + 1),
    total(t, undefined),
  ]);
  const page = pageOf(rows, limit);
  return c.json({ items: page.rows.map(staffRow), nextCursor: page.nextCursor, total: n });
});

/** Patients (with `doctor`: those currently assigned to that doctor, newest assignment first). */
app.get("/v1/patients", async (c) => {
  const parsed = parseQuery(c, patientQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const limit = limitOf(q);
  if (q.doctor) {
    const k = schema.care;
    const filter = allOf(eq(k.doctor, lower(q.doctor)), eq(k.active, true));
    const [rows, n] = await Promise.all([
      db
        .select()
        .from(k)
        .innerJoin(schema.patient, eq(schema.patient.record, k.record))
        .where(allOf(filter, before(k, q.cursor)))
        .orderBy(...newestFirst(k))
        .limit(limit + 1),
      total(k, filter),
    ]);
    const page = pageOf(
      rows.map((r) => ({ ...r.patient, blockNumber: r.care.blockNumber, logIndex: r.care.logIndex, doctor: r.care.doctor })),
      limit,
    );
    return c.json({ items: page.rows.map(patientRow), nextCursor: page.nextCursor, total: n });
  }
  const t = schema.patient;
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(t)
      .where(before(t, q.cursor))
      .orderBy(...newestFirst(t))
      .limit(limit + 1),
    total(t, undefined),
  ]);
  const page = pageOf(rows, limit);
  return c.json({ items: page.rows.map(patientRow), nextCursor: page.nextCursor, total: n });
});

app.get("/v1/timeline", async (c) => {
  const parsed = parseQuery(c, timelineQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const t = schema.ledgerEvent;
  const filter = allOf(
    q.actor ? eq(t.actor, lower(q.actor)) : undefined,
    q.patient ? ofPatient(t.record, q.patient) : undefined,
    q.event ? eq(t.eventName, q.event) : undefined,
    q.from === undefined ? undefined : gte(t.timestamp, BigInt(q.from)),
    q.to === undefined ? undefined : lte(t.timestamp, BigInt(q.to)),
  );
  const limit = limitOf(q);
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(t)
      .where(allOf(filter, before(t, q.cursor)))
      .orderBy(...newestFirst(t))
      .limit(limit + 1),
    total(t, filter),
  ]);
  const page = pageOf(rows, limit);
  return c.json({ items: page.rows.map(timelineRow), nextCursor: page.nextCursor, total: n });
});

/** Emergency accesses, newest first: a patient's access history (`patient`), a doctor's (`doctor`), or all of them (the admin's review list). */
app.get("/v1/emergencies", async (c) => {
  const parsed = parseQuery(c, emergencyQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const t = schema.emergency;
  const filter = allOf(q.patient ? ofPatient(t.record, q.patient) : undefined, q.doctor ? eq(t.doctor, lower(q.doctor)) : undefined);
  const limit = limitOf(q);
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(t)
      .leftJoin(schema.patient, eq(schema.patient.record, t.record))
      .where(allOf(filter, before(t, q.cursor)))
      .orderBy(...newestFirst(t))
      .limit(limit + 1),
    total(t, filter),
  ]);
  const page = pageOf(
    rows.map((r) => ({ ...r.emergency, patient: accountOf(r.patient, r.emergency.record) })),
    limit,
  );
  return c.json({ items: page.rows.map(emergencyRow), nextCursor: page.nextCursor, total: n });
});

/** Current guardianships (appointed, not ended, not run out), newest appointment first: of a patient (`patient`), of a guardian (`guardian`), or all. */
app.get("/v1/guardians", async (c) => {
  const parsed = parseQuery(c, guardianQuerySchema);
  if (!parsed.ok) return parsed.response;
  const q = parsed.query;
  const t = schema.guardian;
  const filter = allOf(
    eq(t.active, true),
    gt(t.until, nowSeconds()),
    q.patient ? ofPatient(t.record, q.patient) : undefined,
    q.guardian ? eq(t.guardian, lower(q.guardian)) : undefined,
  );
  const limit = limitOf(q);
  const [rows, n] = await Promise.all([
    db
      .select()
      .from(t)
      .leftJoin(schema.patient, eq(schema.patient.record, t.record))
      .where(allOf(filter, before(t, q.cursor)))
      .orderBy(...newestFirst(t))
      .limit(limit + 1),
    total(t, filter),
  ]);
  const page = pageOf(
    rows.map((r) => ({ ...r.guardian, patient: accountOf(r.patient, r.guardian.record) })),
    limit,
  );
  return c.json({ items: page.rows.map(guardianRow), nextCursor: page.nextCursor, total: n });
});

/** The distinct senders of the timeline (the actor filter's choices). */
app.get("/v1/timeline/actors", async (c) => {
  const rows = await db.selectDistinct({ actor: schema.ledgerEvent.actor }).from(schema.ledgerEvent).limit(1_000);
  return c.json({ items: rows.map((r) => r.actor) });
});

export default app;
