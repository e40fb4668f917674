/**
 * The web API as plain `(Request) => Promise<Response>` handlers over a ServerContext, so the
 * Next.js route files stay one line each and tests can call the very same handlers.
 *
 * Every error is `{error:{code,message,hint}}` with a 4xx status for the caller's mistakes.
 * Hardening (numbers in ../limits/config.ts): state-changing routes need this site's Origin (403)
 * and a JSON Content-Type (415); bodies are read with a per-route byte cap (413); nonce, login,
 * report-opened and appointment changes are rate limited per client network and per account
 * (429 + Retry-After, token buckets in the database); relayed actions have daily quotas per
 * network, per signing patient and in all (../relay/relay.ts); every response carries the
 * security headers. The IPFS gateway (../ipfs/gateway.ts) takes ciphertext bytes
 * (application/octet-stream, same origin, read with the upload cap only after the caller and their
 * role are checked) and serves CIDs read-only, streamed.
 */
import { z } from "zod";
import { MedLedgerError } from "#core/errors.ts";
import { addressSchema, reportIdSchema } from "#core/validation.ts";
import { activityToCsv, allActivity, auditHead, listActivity } from "../activity/log.ts";
import { acceptProvenOpening, openingChallenge, openingKeyFrom } from "../activity/openingProof.ts";
import { logReportOpened, openingsOf } from "../activity/openings.ts";
import { verifyEntries } from "../activity/verify.ts";
import { listAppointments, parseInput, requestAppointment, updateAppointment } from "../appointments/appointments.ts";
import { issueNonce } from "../auth/nonces.ts";
import { checkSession, logout, requireCaller, sweepExpiredSessions } from "../auth/sessions.ts";
import { signIn, signInRequestSchema } from "../auth/signIn.ts";
import type { Caller, ServerContext } from "../context.ts";
import { ACTIVITY_KINDS } from "../db/schema.ts";
import { clientOf } from "../limits/clientAddress.ts";
import { enforce } from "../limits/enforce.ts";
import { indexerPathOf, proxyToIndexer } from "../indexer/proxy.ts";
import { relayForPatient, relayStatus } from "../relay/relay.ts";
import { handInRegistrationCode, lookUpRegistrationCode } from "../registration/shortCodes.ts";
import { parseJsonBytes, readBodyCapped } from "./body.ts";
import { cookieOptions, readCookieSession } from "./cookie.ts";
import { requireDeclaredBody, requireJsonContentType, requireOctetStream, requireSameOrigin } from "./guards.ts";
import { isCiphertextPinned, openCiphertext, requireUploader, storeCiphertext, unpinSuperseded } from "../ipfs/gateway.ts";
import { errorResponse, json } from "./responses.ts";
import { secureApiResponse } from "./securityHeaders.ts";

export type Handler = (request: Request) => Promise<Response>;

export interface ApiOptions {
  readonly ctx: ServerContext;
  /** iron-session password (at least 32 characters). */
  readonly sessionSecret: string;
  /** Trust X-Forwarded-Host/-Proto (only behind your own reverse proxy). */
  readonly trustProxy?: boolean;
  /** The indexer behind GET /api/indexer/… (MEDLEDGER_INDEXER_URL); unset: none. */
  readonly indexerUrl?: string;
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
  /** POST /api/activity/opening-challenge → `{nonce, serverKey, expiresAt}` (no sign-in) */
  readonly openingChallenge: Handler;
  /** POST /api/activity/opening: a proven opening (core/reports/openings.ts; no sign-in) */
  readonly provenOpening: Handler;
  /** GET /api/activity/report-openings?reportId=… (the report's patient) */
  readonly reportOpenings: Handler;
  /** GET /api/appointments */
  readonly appointmentsList: Handler;
  /** POST /api/appointments */
  readonly appointmentsCreate: Handler;
  /** PATCH /api/appointments */
  readonly appointmentsUpdate: Handler;
  /** POST /api/ipfs[?report=<id>] (ciphertext bytes) → `{cid}` */
  readonly ipfsAdd: Handler;
  /** GET /api/ipfs/<cid> → the bytes */
  readonly ipfsCat: Handler;
  /** GET /api/ipfs/<cid>/pin → `{cid, pinned}` */
  readonly ipfsPin: Handler;
  /** POST /api/ipfs/<cid>/unpin?report=<id> → `{cid, unpinned}` (a superseded ciphertext of the report) */
  readonly ipfsUnpin: Handler;
  /** POST /api/relay: a patient-signed action, sent with the hospital's relayer key */
  readonly relay: Handler;
  /** GET /api/relay/status (admin): the relayer's address, balance and low-funds flag */
  readonly relayStatus: Handler;
  /** GET /api/indexer/<list>: the indexer's list API, read-only (server/indexer/proxy.ts) */
  readonly indexer: Handler;
  /** POST /api/registration-codes `{code}` → `{short, expiresAt}` (a patient's registration code kept for the reception) */
  readonly registrationCodeCreate: Handler;
  /** GET /api/registration-codes/<short> → `{short, code, expiresAt}` */
  readonly registrationCodeLookup: Handler;
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
const ipfsAddQuerySchema = z.object({ report: z.optional(reportIdSchema) });
const ipfsUnpinQuerySchema = z.object({ report: reportIdSchema });
/** `?length=N`: only the first N bytes (a report's encrypted head). */
const ipfsCatQuerySchema = z.object({
  length: z.optional(
    z.coerce
      .number()
      .int()
      .min(1)
      .max(1024 * 1024),
  ),
});

/** The last path segment (the `<short>` of /api/registration-codes/<short>), as sent. */
function lastSegment(request: Request): string {
  const raw = new URL(request.url).pathname.split("/").filter(Boolean).at(-1) ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return "";
  }
}

/** The `<cid>` of /api/ipfs/<cid>[/pin], as sent (validated by the gateway). */
function cidSegment(request: Request): string {
  const segments = new URL(request.url).pathname.split("/").filter(Boolean);
  const at = segments.indexOf("ipfs");
  const raw = at >= 0 ? segments[at + 1] : undefined;
  if (raw === undefined) throw new MedLedgerError("INVALID_INPUT", "The request names no IPFS CID.", "Ask for /api/ipfs/<cid>.");
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new MedLedgerError("INVALID_INPUT", "The IPFS CID in the request is malformed.", "Ask for /api/ipfs/<cid>.");
  }
}

type CookieSession = Awaited<ReturnType<typeof readCookieSession>>;

/** What a route's work gets besides the request. */
interface RequestContext {
  readonly cookie: CookieSession;
  readonly where: { readonly host: string; readonly scheme: string };
  /** The parsed JSON body; undefined when there is none (and for byte routes). */
  readonly body: unknown;
  /** Byte routes: reads the body with the route's cap (413 as soon as it is passed). */
  readonly readBytes: () => Promise<Uint8Array>;
  /** The client network (the subject of per-IP limits). */
  readonly client: string;
}

interface RouteSpec {
  /** POST/PATCH: Origin and Content-Type are checked. */
  readonly stateChanging: boolean;
  readonly maxBodyBytes: (ctx: ServerContext) => number;
  /** "bytes": an application/octet-stream body the work reads itself, when it has checked the caller. Default "json". */
  readonly body?: "json" | "bytes";
}

const READ: RouteSpec = { stateChanging: false, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.none };
const CHANGE_NO_BODY: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.none };
const LOGIN: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.login };
const REPORT_OPENED: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.reportOpened };
const APPOINTMENT_CHANGE: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.appointments };
const IPFS_UPLOAD: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.ipfs.uploadBytes, body: "bytes" };
const RELAY: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.relay };
const REGISTRATION_CODE: RouteSpec = { stateChanging: true, maxBodyBytes: (ctx) => ctx.limits.bodyBytes.registrationCode };

/** Builds the API handlers over `options.ctx`. */
export function createApi(options: ApiOptions): Api {
  const { ctx, sessionSecret } = options;
  const trustProxy = options.trustProxy ?? false;
  const buckets = ctx.limits.buckets;
  const openingKey = openingKeyFrom(sessionSecret);

  /**
   * Runs `work` with the request's cookie session and its JSON body (undefined when empty);
   * errors become JSON error responses; every response carries the security headers. A
   * state-changing request must come from this site and declare a JSON body (403 / 415, checked
   * before the body is read); every body is read with the route's byte cap (413).
   */
  function handler(route: RouteSpec, work: (request: Request, context: RequestContext) => Promise<Response>): Handler {
    return async (request) => {
      const jar = new Response(null);
      try {
        const where = origin(request, trustProxy);
        const byteRoute = route.body === "bytes";
        if (route.stateChanging) {
          requireSameOrigin(request, where.host);
          if (byteRoute) requireOctetStream(request);
          else requireJsonContentType(request);
        }
        let body: unknown;
        if (!byteRoute) {
          const bytes = await readBodyCapped(request, route.maxBodyBytes(ctx));
          if (route.stateChanging) requireDeclaredBody(request, bytes.byteLength);
          body = parseJsonBytes(bytes);
        }
        const readBytes = () => readBodyCapped(request, route.maxBodyBytes(ctx));
        const cookie = await readCookieSession(request, jar, cookieOptions(sessionSecret, where.scheme === "https", ctx.sessionTtlMs));
        return secureApiResponse(copyCookies(jar, await work(request, { cookie, where, body, readBytes, client: clientOf(request) })));
      } catch (error) {
        // A byte route refused before reading its body: drop the rest of the upload.
        if (route.body === "bytes" && !request.bodyUsed) await request.body?.cancel().catch(() => undefined);
        return secureApiResponse(copyCookies(jar, errorResponse(error)));
      }
    };
  }

  /** The caller; a dead session also clears the cookie. */
  async function caller(cookie: CookieSession): Promise<Caller> {
    try {
      return await requireCaller(ctx, cookie.sid);
    } catch (error) {
      if (cookie.sid) cookie.destroy();
      throw error;
    }
  }

  /** The caller of an appointment change, within the per-network and per-account rate limits. */
  async function appointmentCaller(cookie: CookieSession, client: string): Promise<Caller> {
    await enforce(ctx, buckets.appointmentsClient, client, "Too many appointment changes from this network");
    const who = await caller(cookie);
    await enforce(ctx, buckets.appointmentsAccount, who.address.toLowerCase(), "Too many appointment changes by this account");
    return who;
  }

  function requireAdmin(who: Caller, what = "the activity log"): void {
    if (!who.roles.admin) {
      throw new MedLedgerError("NO_ACCESS", `Only the administrator can see ${what}.`, "Sign in with the administrator's account.");
    }
  }

  return {
    nonce: handler(CHANGE_NO_BODY, async (_request, { where, client }) => {
      await enforce(ctx, buckets.nonceClient, client, "Too many sign-in attempts from this network");
      const issued = await issueNonce(ctx, client);
      return json({ nonce: issued.nonce, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt, domain: where.host, chainId: ctx.chain.chainId }, 201);
    }),

    login: handler(LOGIN, async (_request, { cookie, where, body: input, client }) => {
      await enforce(ctx, buckets.loginClient, client, "Too many sign-in attempts from this network");
      const body = parseInput(signInRequestSchema, input);
      const { session, roles } = await signIn(ctx, body, where, (address) =>
        enforce(ctx, buckets.loginAccount, address.toLowerCase(), "Too many sign-ins to this account", "Wait a moment, then sign in again."),
      );
      if (cookie.sid && cookie.sid !== session.id) await logout(ctx, cookie.sid);
      cookie.sid = session.id;
      await cookie.save();
      return json({ signedIn: true, address: session.address, chainId: session.chainId, roles, issuedAt: session.issuedAt, expiresAt: session.expiresAt });
    }),

    logout: handler(CHANGE_NO_BODY, async (_request, { cookie }) => {
      const ended = cookie.sid ? await logout(ctx, cookie.sid) : false;
      cookie.destroy();
      return json({ signedIn: false, ended });
    }),

    session: handler(READ, async (_request, { cookie }) => {
      if (!cookie.sid) return json({ signedIn: false });
      const state = await checkSession(ctx, cookie.sid);
      if (state.state !== "active") {
        cookie.destroy();
        return json({ signedIn: false, reason: state.state });
      }
      const { session } = state;
      const roles = await ctx.chain.roles(session.address);
      return json({ signedIn: true, address: session.address, chainId: session.chainId, roles, issuedAt: session.issuedAt, expiresAt: session.expiresAt });
    }),

    activity: handler(READ, async (request, { cookie }) => {
      requireAdmin(await caller(cookie));
      const query = parseInput(activityQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      await sweepExpiredSessions(ctx);
      const toDate = (v: string | undefined, endOfDay: boolean) =>
        v === undefined ? undefined : new Date(v.length === 10 && endOfDay ? `${v}T23:59:59.999Z` : v);
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
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": `attachment; filename="medledger-activity.csv"`,
            "cache-control": "no-store",
          },
        });
      }
      return json({ entries, head: await auditHead(ctx.db) });
    }),

    activityVerify: handler(READ, async (_request, { cookie }) => {
      requireAdmin(await caller(cookie));
      const verification = verifyEntries(await allActivity(ctx.db), await ctx.chain.auditAnchors());
      return json(verification);
    }),

    reportOpened: handler(REPORT_OPENED, async (_request, { cookie, body, client }) => {
      await enforce(ctx, buckets.reportOpenedClient, client, "Too many report openings from this network");
      const who = await caller(cookie);
      await enforce(ctx, buckets.reportOpenedAccount, who.address.toLowerCase(), "Too many report openings by this account");
      const { reportId } = parseInput(reportOpenedSchema, body);
      if (!(await ctx.chain.canRead(reportId, who.address))) {
        throw new MedLedgerError("NO_ACCESS", "You have no access to this report.", "Ask the patient to share it with you.");
      }
      const opened = await logReportOpened(ctx, who, reportId);
      return json(
        opened.logged ? { logged: true, seq: opened.seq, at: opened.at } : { logged: false, coalesced: true, seq: opened.seq, at: opened.at },
        opened.logged ? 201 : 200,
      );
    }),

    openingChallenge: handler(CHANGE_NO_BODY, async (_request, { client }) => {
      await enforce(ctx, buckets.reportOpenedClient, client, "Too many report openings from this network");
      return json(await openingChallenge(ctx, openingKey), 201);
    }),

    provenOpening: handler(REPORT_OPENED, async (_request, { body, client }) => {
      await enforce(ctx, buckets.reportOpenedClient, client, "Too many report openings from this network");
      const opened = await acceptProvenOpening(ctx, openingKey, body);
      return json(opened, opened.logged ? 201 : 200);
    }),

    reportOpenings: handler(READ, async (request, { cookie }) => {
      const who = await caller(cookie);
      const { reportId } = parseInput(reportOpenedSchema, Object.fromEntries(new URL(request.url).searchParams));
      return json({ reportId, openings: await openingsOf(ctx, who, reportId) });
    }),

    appointmentsList: handler(READ, async (request, { cookie }) => {
      const who = await caller(cookie);
      const appointments = await listAppointments(ctx, who, Object.fromEntries(new URL(request.url).searchParams));
      return json({ appointments });
    }),

    appointmentsCreate: handler(APPOINTMENT_CHANGE, async (_request, { cookie, body, client }) => {
      const who = await appointmentCaller(cookie, client);
      const appointment = await requestAppointment(ctx, who, body);
      return json({ appointment }, 201);
    }),

    appointmentsUpdate: handler(APPOINTMENT_CHANGE, async (_request, { cookie, body, client }) => {
      const who = await appointmentCaller(cookie, client);
      const appointment = await updateAppointment(ctx, who, body);
      return json({ appointment });
    }),

    ipfsAdd: handler(IPFS_UPLOAD, async (request, { cookie, client, readBytes }) => {
      await enforce(ctx, buckets.ipfsUploadClient, client, "Too many uploads from this network");
      const who = await caller(cookie);
      await enforce(ctx, buckets.ipfsUploadAccount, who.address.toLowerCase(), "Too many uploads by this account");
      const { report } = parseInput(ipfsAddQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      await requireUploader(ctx, who, report);
      const cid = await storeCiphertext(ctx, who, await readBytes());
      return json({ cid }, 201);
    }),

    ipfsCat: handler(READ, async (request, { client }) => {
      await enforce(ctx, buckets.ipfsReadClient, client, "Too many file reads from this network");
      const { length } = parseInput(ipfsCatQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      const { cid, first, rest } = await openCiphertext(ctx, cidSegment(request), request.signal, length);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (first) controller.enqueue(first);
        },
        async pull(controller) {
          try {
            const next = await rest.next();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          } catch (error) {
            // Mid-stream (too large, the node went away): the client sees a cut transfer, never a short file as complete.
            controller.error(error);
          }
        },
        async cancel() {
          await rest.return?.();
        },
      });
      return new Response(stream, {
        headers: {
          "content-type": "application/octet-stream",
          "content-disposition": `attachment; filename="${cid}.bin"`,
          // Content-addressed: the bytes of a CID never change.
          "cache-control": "public, max-age=31536000, immutable",
          etag: length === undefined ? `"${cid}"` : `"${cid}-${length}"`,
        },
      });
    }),

    ipfsPin: handler(READ, async (request, { client }) => {
      await enforce(ctx, buckets.ipfsReadClient, client, "Too many file reads from this network");
      return json(await isCiphertextPinned(ctx, cidSegment(request)));
    }),

    ipfsUnpin: handler(CHANGE_NO_BODY, async (request, { cookie, client }) => {
      await enforce(ctx, buckets.ipfsUploadClient, client, "Too many file changes from this network");
      const who = await caller(cookie);
      await enforce(ctx, buckets.ipfsUploadAccount, who.address.toLowerCase(), "Too many file changes by this account");
      const { report } = parseInput(ipfsUnpinQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      return json(await unpinSuperseded(ctx, who, report, cidSegment(request)));
    }),

    relay: handler(RELAY, async (_request, { body, client }) => {
      const outcome = await relayForPatient(ctx, body, client);
      return json(outcome, outcome.status === "confirmed" ? 200 : 202);
    }),

    relayStatus: handler(READ, async (_request, { cookie }) => {
      requireAdmin(await caller(cookie), "the relayer's status");
      return json(await relayStatus(ctx));
    }),

    indexer: handler(READ, async (request, { client }) => {
      await enforce(ctx, buckets.indexerClient, client, "Too many list requests from this network");
      return proxyToIndexer(request, indexerPathOf(request), options.indexerUrl);
    }),

    registrationCodeCreate: handler(REGISTRATION_CODE, async (_request, { body, client }) => {
      await enforce(ctx, buckets.registrationCodeClient, client, "Too many registration codes from this network");
      await enforce(
        ctx,
        buckets.registrationCodeGlobal,
        "all",
        "Too many registration codes today",
        "Show your QR code or full registration code at the reception instead.",
      );
      return json(await handInRegistrationCode(ctx, body), 201);
    }),

    registrationCodeLookup: handler(READ, async (request, { client }) => {
      await enforce(ctx, buckets.registrationLookupClient, client, "Too many short codes looked up from this network");
      return json(await lookUpRegistrationCode(ctx, lastSegment(request)));
    }),
  };
}
