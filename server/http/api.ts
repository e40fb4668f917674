/**
 * The web API as plain `(Request) => Promise<Response>` handlers over a ServerContext, so the
 * Next.js route files stay one line each and tests can call the very same handlers.
 *
 * Every error is `{error:{code,message,hint}}` with a 4xx status for the caller's mistakes.
 */
import { z } from "zod";
import { MedLedgerError } from "#core/errors.ts";
import { addressSchema, reportIdSchema } from "#core/validation.ts";
import { activityToCsv, allActivity, appendActivity, auditHead, listActivity } from "../activity/log.ts";
import { verifyEntries } from "../activity/verify.ts";
import { listAppointments, parseInput, requestAppointment, updateAppointment } from "../appointments/appointments.ts";
import { issueNonce } from "../auth/nonces.ts";
import { checkSession, logout, requireCaller, sweepExpiredSessions } from "../auth/sessions.ts";
import { signIn, signInRequestSchema } from "../auth/signIn.ts";
import { heldRoles } from "../chain/access.ts";
import type { Caller, ServerContext } from "../context.ts";
import { ACTIVITY_KINDS } from "../db/schema.ts";
import { cookieOptions, readCookieSession } from "./cookie.ts";
import { errorResponse, json, readJson } from "./responses.ts";

export type Handler = (request: Request) => Promise<Response>;

export interface ApiOptions {
  readonly ctx: ServerContext;
  /** iron-session password (at least 32 characters). */
  readonly sessionSecret: string;
  /** Trust X-Forwarded-Host/-Proto (only behind your own reverse proxy). */
  readonly trustProxy?: boolean;
}

export interface Api {
  /** POST /api/auth/nonce */
  readonly nonce: Handler;
  /** POST /api/auth/login */
  readonly login: Handler;
  /** POST /api/auth/logout */
  readonly logout: Handler;
  /** GET /api/auth/session */
  readonly session: Handler;
  /** GET /api/activity (admin) */
  readonly activity: Handler;
  /** GET /api/activity/verify (admin) */
  readonly activityVerify: Handler;
  /** POST /api/activity/report-opened */
  readonly reportOpened: Handler;
  /** GET /api/appointments */
  readonly appointmentsList: Handler;
  /** POST /api/appointments */
  readonly appointmentsCreate: Handler;
  /** PATCH /api/appointments */
  readonly appointmentsUpdate: Handler;
}

function origin(request: Request, trustProxy: boolean): { host: string; scheme: string } {
  const url = new URL(request.url);
  const forwardedHost = trustProxy ? request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const forwardedProto = trustProxy ? request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  return {
    host: forwardedHost || request.headers.get("host") || url.host,
    scheme: forwardedProto || url.protocol.replace(/:$/, ""),
  };
}

/** Refuses cross-site state changes (on top of SameSite=Lax). */
function checkSameOrigin(request: Request, host: string): void {
  const from = request.headers.get("origin");
  if (!from || from === "null") return;
  let fromHost: string;
  try {
    fromHost = new URL(from).host;
  } catch {
    fromHost = "";
  }
  if (fromHost.toLowerCase() !== host.toLowerCase()) {
    throw new MedLedgerError("NO_ACCESS", "Cross-site requests are refused.", "Use MedLedger from its own page.");
  }
}

function copyCookies(from: Response, to: Response): Response {
  for (const cookie of from.headers.getSetCookie()) to.headers.append("set-cookie", cookie);
  return to;
}

const activityQuerySchema = z.object({
  user: z.optional(addressSchema),
  role: z.enum(["admin", "receptionist", "doctor", "patient", "none"]).optional(),
  kind: z.enum(ACTIVITY_KINDS).optional(),
  from: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
  to: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  format: z.enum(["json", "csv"]).optional(),
});

const reportOpenedSchema = z.object({ reportId: reportIdSchema });

/** Builds the API handlers over `options.ctx`. */
export function createApi(options: ApiOptions): Api {
  const { ctx, sessionSecret } = options;
  const trustProxy = options.trustProxy ?? false;

  /** Runs `work` with the request's cookie session; errors become JSON error responses. */
  function handler(work: (request: Request, cookie: Awaited<ReturnType<typeof readCookieSession>>, where: { host: string; scheme: string }) => Promise<Response>, stateChanging: boolean): Handler {
    return async (request) => {
      const jar = new Response(null);
      try {
        const where = origin(request, trustProxy);
        if (stateChanging) checkSameOrigin(request, where.host);
        const cookie = await readCookieSession(request, jar, cookieOptions(sessionSecret, where.scheme === "https", ctx.sessionTtlMs));
        return copyCookies(jar, await work(request, cookie, where));
      } catch (error) {
        return copyCookies(jar, errorResponse(error));
      }
    };
  }

  /** The caller; a dead session also clears the cookie. */
  async function caller(cookie: Awaited<ReturnType<typeof readCookieSession>>): Promise<Caller> {
    try {
      return await requireCaller(ctx, cookie.sid);
    } catch (error) {
      if (cookie.sid) cookie.destroy();
      throw error;
    }
  }

  function requireAdmin(who: Caller): void {
    if (!who.roles.admin) {
      throw new MedLedgerError("NO_ACCESS", "Only the administrator can see the activity log.", "Sign in with the administrator's account.");
    }
  }

  return {
    nonce: handler(async (_request, _cookie, where) => {
      const issued = await issueNonce(ctx);
      return json({ nonce: issued.nonce, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt, domain: where.host, chainId: ctx.chain.chainId }, 201);
    }, true),

    login: handler(async (request, cookie, where) => {
      const body = parseInput(signInRequestSchema, await readJson(request));
      const { session, roles } = await signIn(ctx, body, where);
      if (cookie.sid && cookie.sid !== session.id) await logout(ctx, cookie.sid);
      cookie.sid = session.id;
      await cookie.save();
      return json({ signedIn: true, address: session.address, chainId: session.chainId, roles, issuedAt: session.issuedAt, expiresAt: session.expiresAt });
    }, true),

    logout: handler(async (_request, cookie) => {
      const ended = cookie.sid ? await logout(ctx, cookie.sid) : false;
      cookie.destroy();
      return json({ signedIn: false, ended });
    }, true),

    session: handler(async (_request, cookie) => {
      if (!cookie.sid) return json({ signedIn: false });
      const state = await checkSession(ctx, cookie.sid);
      if (state.state !== "active") {
        cookie.destroy();
        return json({ signedIn: false, reason: state.state });
      }
      const { session } = state;
      const roles = await ctx.chain.roles(session.address);
      return json({ signedIn: true, address: session.address, chainId: session.chainId, roles, issuedAt: session.issuedAt, expiresAt: session.expiresAt });
    }, false),

    activity: handler(async (request, cookie) => {
      requireAdmin(await caller(cookie));
      const query = parseInput(activityQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      await sweepExpiredSessions(ctx);
      const toDate = (v: string | undefined, endOfDay: boolean) => (v === undefined ? undefined : new Date(v.length === 10 && endOfDay ? `${v}T23:59:59.999Z` : v));
      const from = toDate(query.from, false);
      const to = toDate(query.to, true);
      const entries = await listActivity(ctx.db, {
        ...(query.user ? { user: query.user } : {}),
        ...(query.role ? { role: query.role } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(query.limit ? { limit: query.limit } : {}),
      });
      if (query.format === "csv") {
        return new Response(activityToCsv(entries), {
          headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="medledger-activity.csv"`, "cache-control": "no-store" },
        });
      }
      return json({ entries, head: await auditHead(ctx.db) });
    }, false),

    activityVerify: handler(async (_request, cookie) => {
      requireAdmin(await caller(cookie));
      const verification = verifyEntries(await allActivity(ctx.db), await ctx.chain.auditAnchors());
      return json(verification);
    }, false),

    reportOpened: handler(async (request, cookie) => {
      const who = await caller(cookie);
      const { reportId } = parseInput(reportOpenedSchema, await readJson(request));
      if (!(await ctx.chain.canRead(reportId, who.address))) {
        throw new MedLedgerError("NO_ACCESS", "You have no access to this report.", "Ask the patient to share it with you.");
      }
      const entry = await appendActivity(ctx.db, { actor: who.address, roles: heldRoles(who.roles), kind: "report_opened", reportId, sessionId: who.sessionId, at: ctx.now() });
      return json({ logged: true, seq: entry.seq, at: entry.at }, 201);
    }, true),

    appointmentsList: handler(async (request, cookie) => {
      const who = await caller(cookie);
      const appointments = await listAppointments(ctx, who, Object.fromEntries(new URL(request.url).searchParams));
      return json({ appointments });
    }, false),

    appointmentsCreate: handler(async (request, cookie) => {
      const who = await caller(cookie);
      const appointment = await requestAppointment(ctx, who, await readJson(request));
      return json({ appointment }, 201);
    }, true),

    appointmentsUpdate: handler(async (request, cookie) => {
      const who = await caller(cookie);
      const appointment = await updateAppointment(ctx, who, await readJson(request));
      return json({ appointment });
    }, true),
  };
}
