/**
 * The hardened server, each limit by performing the abuse against the real handlers and a real
 * database (PGlite, and PostgreSQL when DATABASE_URL is set): oversized streamed bodies, nonce
 * floods, an unbounded nonce table, requests without Origin, text/plain bodies, a patient holding
 * a doctor's calendar, a flood of report openings, sign-in floods, a flood of list requests to
 * the indexer — and the security headers.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { count, eq } from "drizzle-orm";
import { activityLog, nonces } from "#server/db/schema.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "#server/limits/config.ts";
import { clientSubject } from "#server/limits/clientAddress.ts";
import { createApi, type Api } from "#server/http/api.ts";
import {
  accountOf,
  addressOf,
  announceBackend,
  BACKENDS,
  Browser,
  clinic,
  errorCode,
  freshDatabase,
  server,
  testClock,
  type Clinic,
  type Server,
  type TestDatabase,
} from "../support/server.ts";

const ORIGIN = "http://localhost:3000";
const MiB = 1024 * 1024;

interface Send {
  readonly method?: string;
  /** Omitted: this site's origin; null: no Origin header at all. */
  readonly origin?: string | null;
  readonly contentType?: string | null;
  readonly body?: BodyInit;
  readonly ip?: string;
  readonly cookie?: string;
}

/** Calls a handler with a hand-made request (what a browser, a script or an attacker could send). */
async function send(
  api: Api,
  route: keyof Api,
  path: string,
  options: Send = {},
): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown>; headers: Headers }> {
  const headers = new Headers();
  if (options.origin !== null) headers.set("origin", options.origin ?? ORIGIN);
  if (options.contentType) headers.set("content-type", options.contentType);
  if (options.ip) headers.set("x-forwarded-for", options.ip);
  if (options.cookie) headers.set("cookie", options.cookie);
  const init = { method: options.method ?? "POST", headers, ...(options.body !== undefined ? { body: options.body, duplex: "half" } : {}) } as RequestInit;
  const response = await api[route](new Request(new URL(path, ORIGIN), init));
  const text = await response.text();
  return {
    status: response.status,
    body: text && response.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as never) : ({} as never),
    headers: response.headers,
  };
}

/** A lazily generated body of `total` bytes in 64 KiB chunks, counting what the server pulled. */
function hugeBody(total: number): { stream: ReadableStream<Uint8Array>; pulled(): number; cancelled(): boolean } {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  let wasCancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close();
        controller.enqueue(chunk.slice());
        sent += chunk.byteLength;
      },
      cancel() {
        wasCancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent, cancelled: () => wasCancelled };
}

const STATE_CHANGING: readonly { route: keyof Api; method: string; path: string }[] = [
  { route: "nonce", method: "POST", path: "/api/auth/nonce" },
  { route: "login", method: "POST", path: "/api/auth/login" },
  { route: "logout", method: "POST", path: "/api/auth/logout" },
  { route: "reportOpened", method: "POST", path: "/api/activity/report-opened" },
  { route: "appointmentsCreate", method: "POST", path: "/api/appointments" },
  { route: "appointmentsUpdate", method: "PATCH", path: "/api/appointments" },
];

for (const backend of BACKENDS) {
  describe(`server: limits against abuse [${backend}]`, function () {
    this.timeout(300_000);
    let world: Clinic;
    let database: TestDatabase;
    let app: Server;

    before(async () => {
      announceBackend(backend);
      world = await clinic();
    });
    beforeEach(async () => {
      database = await freshDatabase(backend);
      app = server(database, world.ledger, {}, testClock({ frozen: true }));
    });
    afterEach(async () => database?.dispose());
    after(async () => world?.ledger.close());

    it("refuses a streamed 600 MB body without Content-Length with 413 after reading no more than the cap, on every route that takes a body", async function () {
      const rssBefore = process.memoryUsage().rss;
      for (const { route, method, path } of STATE_CHANGING) {
        const body = hugeBody(600 * MiB);
        const reply = await send(app.api, route, path, { method, contentType: "application/json", body: body.stream, ip: "192.0.2.10" });
        expect(reply.status, route).to.equal(413);
        expect(reply.body.error?.code).to.equal("BODY_TOO_LARGE");
        // The cap (at most 8 KiB) plus the one 64 KiB chunk that crossed it; the stream is cancelled.
        expect(body.pulled(), route).to.be.at.most(64 * 1024);
        expect(body.cancelled(), route).to.equal(true);
      }
      expect(process.memoryUsage().rss - rssBefore).to.be.below(64 * MiB);
    });

    it("refuses a declared oversized body (Content-Length) without reading it, and accepts a body within the cap", async () => {
      const body = hugeBody(100 * MiB);
      const headers = new Headers({ origin: ORIGIN, "content-type": "application/json", "content-length": String(100 * MiB) });
      const response = await app.api.login(
        new Request(`${ORIGIN}/api/auth/login`, { method: "POST", headers, body: body.stream, duplex: "half" } as RequestInit),
      );
      expect(response.status).to.equal(413);
      expect(body.pulled()).to.equal(0);
      const small = await send(app.api, "login", "/api/auth/login", {
        contentType: "application/json",
        body: JSON.stringify({ message: "x".repeat(4000), signature: "0x00" }),
      });
      expect(small.status).to.equal(400); // read and parsed: a bad sign-in message, not a size problem
    });

    it("refuses a flood of nonce requests from one network with 429 and Retry-After, while another network still gets nonces", async () => {
      const flood: number[] = [];
      let refusal: Awaited<ReturnType<typeof send>> | undefined;
      for (let i = 0; i < 200; i++) {
        const reply = await send(app.api, "nonce", "/api/auth/nonce", { ip: "203.0.113.7" });
        flood.push(reply.status);
        if (reply.status === 429) refusal ??= reply;
      }
      const burst = DEFAULT_LIMITS.buckets.nonceClient.burst;
      expect(flood.slice(0, burst).every((s) => s === 201)).to.equal(true);
      expect(flood.slice(burst).every((s) => s === 429)).to.equal(true);
      expect(refusal!.body.error?.code).to.equal("RATE_LIMITED");
      expect(refusal!.body.error?.message).to.match(/^Too many sign-in attempts from this network; try again in \d+ seconds?\.$/);
      const retryAfter = Number(refusal!.headers.get("retry-after"));
      expect(retryAfter).to.be.within(1, 60);
      expect((await send(app.api, "nonce", "/api/auth/nonce", { ip: "198.51.100.9" })).status).to.equal(201);
      // Same /64 of IPv6 = same network; another /64 is another network.
      expect(clientSubject("2001:db8:1:2::5")).to.equal(clientSubject("2001:db8:1:2:ffff::1"));
      expect(clientSubject("2001:db8:1:3::5")).to.not.equal(clientSubject("2001:db8:1:2::5"));
      app.clock.advance(retryAfter * 1000);
      expect((await send(app.api, "nonce", "/api/auth/nonce", { ip: "203.0.113.7" })).status).to.equal(201);
    });

    it("keeps the nonce table bounded: 3,000 requests from 1,000 networks leave at most the global cap, and expired rows are swept in bulk", async () => {
      const limits: ServerLimits = { ...DEFAULT_LIMITS, outstandingNonces: { global: 400, perClient: 3 } };
      const bounded = server(database, world.ledger, { limits });
      const statuses = new Map<number, number>();
      for (let i = 0; i < 3000; i++) {
        const ip = `10.${(i % 1000) >> 8}.${(i % 1000) & 255}.1`;
        const reply = await send(bounded.api, "nonce", "/api/auth/nonce", { ip });
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      }
      const rows = async () => (await database.db.select({ n: count() }).from(nonces))[0]!.n;
      expect(await rows()).to.equal(400);
      expect(statuses.get(201)).to.equal(400);
      expect(statuses.get(429)).to.equal(2600);
      // Per network: the 4th outstanding nonce of one network is refused, with its own message.
      await database.dispose();
      database = await freshDatabase(backend);
      const fresh = server(database, world.ledger, { limits });
      for (let i = 0; i < 3; i++) expect((await send(fresh.api, "nonce", "/api/auth/nonce", { ip: "192.0.2.99" })).status).to.equal(201);
      const fourth = await send(fresh.api, "nonce", "/api/auth/nonce", { ip: "192.0.2.99" });
      expect(fourth.status).to.equal(429);
      expect(Number(fourth.headers.get("retry-after"))).to.be.within(250, 300); // when the oldest expires (5 min)
      // Past the 5-minute expiry and the sweep interval, the next request deletes every expired row at once.
      fresh.clock.advance(DEFAULT_LIMITS.sweepIntervalMs + 5 * 60_000 + 1000);
      expect((await send(fresh.api, "nonce", "/api/auth/nonce", { ip: "192.0.2.99" })).status).to.equal(201);
      expect(await rows()).to.equal(1);
    });

    it("refuses a missing or null Origin on every state-changing route (403)", async () => {
      for (const { route, method, path } of STATE_CHANGING) {
        for (const origin of [null, "null"]) {
          const reply = await send(app.api, route, path, { method, origin, contentType: "application/json", body: "{}" });
          expect(reply.status, `${route} ${origin}`).to.equal(403);
          expect(reply.body.error?.code).to.equal("NO_ACCESS");
        }
        expect((await send(app.api, route, path, { method, origin: "https://evil.example", contentType: "application/json", body: "{}" })).status).to.equal(
          403,
        );
      }
    });

    it("refuses text/plain, form and undeclared bodies on every state-changing route (415)", async () => {
      const json = JSON.stringify({ reportId: world.reportId });
      for (const { route, method, path } of STATE_CHANGING) {
        for (const contentType of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
          const reply = await send(app.api, route, path, { method, contentType, body: json });
          expect(reply.status, `${route} ${contentType}`).to.equal(415);
          expect(reply.body.error?.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
        }
        expect((await send(app.api, route, path, { method, contentType: null, body: json })).status, `${route} no content-type`).to.equal(415);
      }
      // A bodiless POST (the web app's nonce and logout) needs no Content-Type; JSON with a charset is JSON.
      expect((await send(app.api, "nonce", "/api/auth/nonce")).status).to.equal(201);
      expect((await send(app.api, "nonce", "/api/auth/nonce", { contentType: "application/json; charset=utf-8", body: "{}" })).status).to.equal(201);
    });

    it("refuses a patient's 6th open appointment request (429); an answered or cancelled one frees a place", async () => {
      const patient = new Browser(app);
      await patient.signInAs("patient2");
      const HOUR = 3_600_000;
      const base = Math.ceil(app.clock.now().getTime() / HOUR) * HOUR + 24 * HOUR;
      const ask = (i: number, doctor = "doctor1") =>
        patient.call<{ appointment: { id: string } }>("appointmentsCreate", "POST", "/api/appointments", {
          doctor: addressOf(doctor),
          slotStart: new Date(base + i * HOUR).toISOString(),
          slotEnd: new Date(base + i * HOUR + 1_800_000).toISOString(),
        });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await ask(i, i % 2 ? "doctor2" : "doctor1");
        expect(reply.status).to.equal(201);
        ids.push(reply.body.appointment.id);
      }
      const sixth = await ask(5);
      expect(sixth.status).to.equal(429);
      expect(errorCode(sixth)).to.equal("QUOTA_EXCEEDED");
      expect((sixth.body as unknown as { error: { message: string } }).error.message).to.contain("5 appointment requests waiting for an answer");
      expect((await patient.call("appointmentsUpdate", "PATCH", "/api/appointments", { id: ids[0], action: "cancel" })).status).to.equal(200);
      expect((await ask(5)).status).to.equal(201);
      // Concurrent requests cannot overshoot the quota.
      const racing = await Promise.all([6, 7, 8].map((i) => ask(i)));
      expect(racing.filter((r) => r.status === 201)).to.have.length(0);
    });

    it("limits a flood of report openings: repeats within a minute are coalesced into one entry, and the account is refused beyond its rate", async () => {
      const patient = new Browser(app);
      await patient.signInAs("patient1");
      const statuses: number[] = [];
      let refusal: Awaited<ReturnType<typeof patient.call>> | undefined;
      for (let i = 0; i < 100; i++) {
        const reply = await patient.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: world.reportId });
        statuses.push(reply.status);
        if (reply.status === 429) refusal ??= reply;
      }
      const perAccount = DEFAULT_LIMITS.buckets.reportOpenedAccount.burst;
      expect(statuses[0]).to.equal(201);
      expect(statuses.slice(1, perAccount).every((s) => s === 200)).to.equal(true);
      expect(statuses.slice(perAccount).every((s) => s === 429)).to.equal(true);
      expect((refusal!.body as { error: { message: string } }).error.message).to.match(
        /^Too many report openings by this account; try again in \d+ seconds?\.$/,
      );
      expect(Number(refusal!.headers.get("retry-after"))).to.be.at.least(1);
      const logged = await database.db.select({ n: count() }).from(activityLog).where(eq(activityLog.kind, "report_opened"));
      expect(logged[0]!.n).to.equal(1);
      app.clock.advance(DEFAULT_LIMITS.reportOpenedCoalesceMs + 1000);
      const later = await patient.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: world.reportId });
      expect(later.status).to.equal(201);
    });

    it("limits sign-in attempts per network and sign-ins per account", async () => {
      const garbage = JSON.stringify({ message: "not a sign-in message", signature: "0x00" });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push((await send(app.api, "login", "/api/auth/login", { contentType: "application/json", body: garbage, ip: "203.0.113.50" })).status);
      expect(statuses.filter((s) => s === 400)).to.have.length(DEFAULT_LIMITS.buckets.loginClient.burst);
      expect(statuses.slice(DEFAULT_LIMITS.buckets.loginClient.burst).every((s) => s === 429)).to.equal(true);
      // One account, each sign-in from another network: the account's own bucket refuses the 11th.
      const account = accountOf("doctor1");
      const replies: number[] = [];
      for (let i = 0; i < DEFAULT_LIMITS.buckets.loginAccount.burst + 1; i++) {
        const browser = new Browser(app);
        const ip = `198.18.0.${i + 1}`;
        const issued = await send(app.api, "nonce", "/api/auth/nonce", { ip });
        const message = (await browser.prepareSignIn(account)).replace(/Nonce: \w+/, `Nonce: ${String(issued.body.nonce)}`);
        const login = await send(app.api, "login", "/api/auth/login", {
          contentType: "application/json",
          body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
          ip,
        });
        replies.push(login.status);
      }
      expect(replies.slice(0, -1).every((s) => s === 200)).to.equal(true);
      expect(replies.at(-1)).to.equal(429);
    });

    it("limits list requests passed on to the indexer per network: a flood is refused with 429 before it reaches the indexer", async () => {
      // What stands behind /api/indexer: an HTTP service answering every list with an empty page, counting what reaches it.
      let reached = 0;
      const upstream = createServer((_request, response) => {
        reached += 1;
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [], nextCursor: null, total: 0 }));
      });
      await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
      try {
        // A slow refill (one a minute): a flood on a busy machine does not earn tokens back while it runs.
        const rule = { name: "indexer-ip", burst: 10, perMinute: 1 };
        const limits: ServerLimits = { ...DEFAULT_LIMITS, buckets: { ...DEFAULT_LIMITS.buckets, indexerClient: rule } };
        const { port } = upstream.address() as AddressInfo;
        const lists = createApi({ ctx: { ...app.ctx, limits }, sessionSecret: randomBytes(32).toString("hex"), indexerUrl: `http://127.0.0.1:${port}` });
        const statuses: number[] = [];
        let refusal: Awaited<ReturnType<typeof send>> | undefined;
        for (let i = 0; i < 2 * rule.burst; i++) {
          const reply = await send(lists, "indexer", `/api/indexer/v1/reports?patient=${addressOf("patient1")}`, {
            method: "GET",
            origin: null,
            ip: "203.0.113.80",
          });
          statuses.push(reply.status);
          if (reply.status === 429) refusal ??= reply;
        }
        expect(statuses.slice(0, rule.burst).every((s) => s === 200)).to.equal(true);
        expect(statuses.slice(rule.burst).every((s) => s === 429)).to.equal(true);
        expect(reached).to.equal(rule.burst);
        expect(refusal!.body.error?.code).to.equal("RATE_LIMITED");
        expect(refusal!.body.error?.message).to.match(/^Too many list requests from this network; try again in \d+ seconds?\.$/);
        const retryAfter = Number(refusal!.headers.get("retry-after"));
        expect(retryAfter).to.be.within(1, 60);
        // Another network is served meanwhile; the flooding one again once its bucket has refilled.
        expect((await send(lists, "indexer", "/api/indexer/v1/staff", { method: "GET", origin: null, ip: "198.51.100.80" })).status).to.equal(200);
        app.clock.advance(retryAfter * 1000);
        expect((await send(lists, "indexer", "/api/indexer/v1/staff", { method: "GET", origin: null, ip: "203.0.113.80" })).status).to.equal(200);
        expect(reached).to.equal(rule.burst + 2);
        // Only the list routes pass, still within the limit: anything else is not forwarded.
        expect((await send(lists, "indexer", "/api/indexer/graphql", { method: "GET", origin: null, ip: "198.51.100.81" })).status).to.equal(404);
        expect(reached).to.equal(rule.burst + 2);
      } finally {
        await new Promise((resolve) => upstream.close(resolve));
      }
    });

    it("sends the security headers on every API response, errors included", async () => {
      for (const reply of [
        await send(app.api, "nonce", "/api/auth/nonce"),
        await send(app.api, "session", "/api/auth/session", { method: "GET" }),
        await send(app.api, "nonce", "/api/auth/nonce", { origin: null }),
      ]) {
        expect(reply.headers.get("x-content-type-options")).to.equal("nosniff");
        expect(reply.headers.get("x-frame-options")).to.equal("DENY");
        expect(reply.headers.get("referrer-policy")).to.equal("no-referrer");
        expect(reply.headers.get("content-security-policy")).to.contain("default-src 'none'").and.to.contain("frame-ancestors 'none'");
        expect(reply.headers.get("permissions-policy")).to.contain("camera=(self)").and.to.contain("microphone=()");
      }
    });
  });
}
