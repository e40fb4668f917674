/**
 * Fixtures of the server tests: a fresh database (PGlite in a temporary folder, or — when
 * DATABASE_URL is set — a throw-away database created on that PostgreSQL server), a MedLedger
 * contract on the in-process Hardhat EVM with staff, patients and one report, and a tiny
 * "browser" that keeps the session cookie and calls the real API handlers.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { bytesToHex, type Address, type Hex } from "viem";
import { createSiweMessage, type SiweMessage } from "viem/siwe";
import type { LocalAccount } from "viem/accounts";
import { writeLedger, readLedger } from "#core/contract/calls.ts";
import { keyBindingTypedData } from "#core/contract/keyBinding.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { claimIdOf } from "#core/reports/claimId.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { addStaff } from "#core/staff/staff.ts";
import { chainAccessFromLedger } from "#server/chain/access.ts";
import { DEFAULT_NONCE_TTL_MS, DEFAULT_SESSION_TTL_MS, type ServerContext } from "#server/context.ts";
import { openDatabase, type Database } from "#server/db/open.ts";
import { createApi, type Api } from "#server/http/api.ts";
import { DEFAULT_LIMITS } from "#server/limits/config.ts";
import { inProcessLedger, type LedgerFixture } from "./ledgers.ts";

/** The PostgreSQL server of the PostgreSQL variant (captured at load: tests may change the variable). */
export const POSTGRES_URL: string | undefined = process.env.DATABASE_URL || undefined;

export type TestBackend = "pglite" | "postgres";

/** PGlite always; PostgreSQL too when DATABASE_URL is set. Every suite runs once per backend. */
export const BACKENDS: readonly TestBackend[] = POSTGRES_URL ? ["pglite", "postgres"] : ["pglite"];

/** Prints which backend a suite runs on (never skipped silently). */
export function announceBackend(backend: TestBackend): void {
  console.log(
    backend === "postgres"
      ? `      [test/server] database backend: PostgreSQL (throw-away databases on the server of DATABASE_URL)`
      : `      [test/server] database backend: PGlite (embedded)${POSTGRES_URL ? "" : "; set DATABASE_URL to also run this suite on PostgreSQL"}`,
  );
}

export interface TestDatabase extends Database {
  /** Opens the same database again (as a restarted server would); PostgreSQL or on-disk PGlite. */
  reopen(): Promise<Database>;
  /** Closes and deletes the database. */
  dispose(): Promise<void>;
}

/** A throw-away database created on the server of `url` (which needs CREATEDB), and its URL. */
export async function scratchPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `medledger_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

let template: Promise<Blob> | undefined;

/**
 * A migrated, empty PGlite database as a dump, made once per test run: starting from it takes
 * about 1.5 s instead of PGlite's 2-10 s initdb (the migrations still run, finding nothing to do).
 */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const database = await openDatabase({ dataDir: "memory://", env: {} });
    const dump = await database.pglite!.dumpDataDir("none");
    await database.close();
    return dump;
  })();
  return template;
}

/**
 * A fresh, migrated, empty database on the selected backend. PGlite runs in memory unless
 * `onDisk` asks for a temporary data folder (its first start there takes several seconds).
 */
export async function freshDatabase(backend: TestBackend, options: { onDisk?: boolean } = {}): Promise<TestDatabase> {
  if (backend === "postgres") {
    const url = POSTGRES_URL;
    if (!url) throw new Error("The PostgreSQL variant needs DATABASE_URL.");
    const scratch = await scratchPostgres(url);
    const database = await openDatabase({ url: scratch.url });
    return {
      ...database,
      reopen: () => openDatabase({ url: scratch.url }),
      async dispose() {
        await database.close();
        await scratch.drop();
      },
    };
  }
  if (!options.onDisk) {
    const database = await openDatabase({ dataDir: "memory://", env: {}, loadDataDir: await pgliteTemplate() });
    return {
      ...database,
      reopen: () => Promise.reject(new Error("an in-memory database cannot be reopened")),
      dispose: () => database.close(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "medledger-pglite-"));
  const database = await openDatabase({ dataDir: dir, env: {}, loadDataDir: await pgliteTemplate() });
  return {
    ...database,
    reopen: () => openDatabase({ dataDir: dir, env: {} }),
    async dispose() {
      await database.close().catch(() => undefined); // may already be closed
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A settable clock. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

/**
 * A settable clock: real time plus what the test advanced, or (`frozen`) a time that moves only
 * when the test advances it — for limits whose buckets refill with time, so a slow machine earns
 * no tokens back in the middle of a flood.
 */
export function testClock(options: { frozen?: boolean } = {}): TestClock {
  let offset = 0;
  const start = Date.now();
  return { now: () => new Date((options.frozen ? start : Date.now()) + offset), advance: (ms) => void (offset += ms) };
}

export function addressOf(handle: string): Address {
  const person = DEMO_PEOPLE.find((p) => p.handle === handle);
  if (!person) throw new Error(`no demo person ${handle}`);
  return demoAccount(person).address;
}

export function accountOf(handle: string): LocalAccount {
  const person = DEMO_PEOPLE.find((p) => p.handle === handle);
  if (!person) throw new Error(`no demo person ${handle}`);
  return demoAccount(person);
}

/** Registers `handle` as a patient (the key binding signed by the patient, sent by receptionist1). */
async function registerPatient(ledger: LedgerFixture, handle: string): Promise<void> {
  const patient = ledger.as(handle);
  const account = patient.walletClient.account.address;
  const key = bytesToHex(randomBytes(32));
  const nonce = await readLedger(patient, "nonces", [account]);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const signature = await patient.walletClient.signTypedData({
    account: patient.walletClient.account,
    ...keyBindingTypedData(ledger.deployment, { account, key, version: 1, nonce, deadline }),
  });
  await writeLedger(ledger.as("receptionist1"), "registerPatient", [account, bytesToHex(randomBytes(36)), key, deadline, signature]);
}

export interface Clinic {
  readonly ledger: LedgerFixture;
  /** A report of patient1 by doctor1. */
  readonly reportId: Hex;
}

/**
 * MedLedger on the in-process Hardhat EVM: receptionist1, doctor1-3, patient1 (assigned to
 * doctor1), patient2 (assigned to doctor1 and doctor2), patient3 (no doctor), and one report of
 * patient1 by doctor1. admin has only the admin role; stranger has none.
 */
export async function clinic(): Promise<Clinic> {
  const ledger = await inProcessLedger();
  const admin = ledger.as("admin");
  await addStaff(admin, addressOf("receptionist1"), "receptionist", { name: "Rita Reyes", department: "Front desk", contact: "" });
  for (const handle of ["doctor1", "doctor2", "doctor3"]) {
    await addStaff(admin, addressOf(handle), "doctor", { name: handle, department: "Medicine", contact: "" });
  }
  for (const handle of ["patient1", "patient2", "patient3"]) await registerPatient(ledger, handle);
  const reception = ledger.as("receptionist1");
  await writeLedger(reception, "assignDoctor", [addressOf("patient1"), addressOf("doctor1")]);
  await writeLedger(reception, "assignDoctor", [addressOf("patient2"), addressOf("doctor1")]);
  await writeLedger(reception, "assignDoctor", [addressOf("patient2"), addressOf("doctor2")]);
  const sha256 = bytesToHex(randomBytes(32));
  const reportId = claimIdOf(sha256, addressOf("doctor1"));
  await writeLedger(ledger.as("doctor1"), "registerReport", [
    {
      sha256Digest: sha256,
      sha1Digest: bytesToHex(randomBytes(20)),
      patient: addressOf("patient1"),
      supersedes: `0x${"00".repeat(32)}`,
      cid: bytesToHex(randomBytes(36)),
      patientKey: bytesToHex(randomBytes(80)),
      doctorKey: bytesToHex(randomBytes(80)),
      custodianKey: "0x",
      held: false,
    },
  ]);
  return { ledger, reportId };
}

export interface Server {
  readonly api: Api;
  readonly ctx: ServerContext;
  readonly clock: TestClock;
}

/** The API over `db` and the clinic's contract. */
export function server(db: Database, ledger: LedgerFixture, overrides: Partial<ServerContext> = {}, clock: TestClock = testClock()): Server {
  const ctx: ServerContext = {
    db: db.db,
    chain: chainAccessFromLedger(ledger.reader()),
    // No IPFS node unless the test passes one (the gateway's tests do): IPFS requests then fail as unreachable.
    ipfs: createKuboStore("http://127.0.0.1:9"),
    now: clock.now,
    sessionTtlMs: DEFAULT_SESSION_TTL_MS,
    nonceTtlMs: DEFAULT_NONCE_TTL_MS,
    limits: DEFAULT_LIMITS,
    ...overrides,
  };
  return { api: createApi({ ctx, sessionSecret: randomBytes(32).toString("hex") }), ctx, clock };
}

export interface ApiReply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly setCookie: string[];
  readonly text: string;
  readonly headers: Headers;
}

type Route = keyof Api;

/** A browser: one origin, one cookie jar, calls the API handlers with real Request objects. */
export class Browser {
  readonly origin: string;
  readonly server: Server;
  private cookie: string | undefined;

  constructor(server: Server, origin = "http://localhost:3000") {
    this.server = server;
    this.origin = origin;
  }

  get host(): string {
    return new URL(this.origin).host;
  }

  get hasCookie(): boolean {
    return this.cookie !== undefined;
  }

  /** Copies the cookie (to replay it from "another tab" after logout). */
  cookieValue(): string | undefined {
    return this.cookie;
  }

  setCookie(value: string | undefined): void {
    this.cookie = value;
  }

  async call<T = Record<string, unknown>>(
    route: Route,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiReply<T>> {
    const h = new Headers(headers);
    if (this.cookie) h.set("cookie", this.cookie);
    if (body !== undefined) h.set("content-type", "application/json");
    if (method !== "GET" && !h.has("origin")) h.set("origin", this.origin);
    const request = new Request(new URL(path, this.origin), { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const response = await this.server.api[route](request);
    const setCookie = response.headers.getSetCookie();
    for (const c of setCookie) {
      const pair = c.split(";")[0] ?? "";
      this.cookie = /^[^=]+=$/.test(pair) || /max-age=0/i.test(c) ? undefined : pair;
    }
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
    return { status: response.status, body: (isJson ? JSON.parse(text) : {}) as T, setCookie, text, headers: response.headers };
  }

  /** Asks for a nonce and builds the EIP-4361 message the web app would (viem's createSiweMessage). */
  async prepareSignIn(account: LocalAccount, overrides: Partial<SiweMessage> = {}): Promise<string> {
    const issued = await this.call<{ nonce: string; chainId: number; domain: string }>("nonce", "POST", "/api/auth/nonce");
    if (issued.status !== 201) throw new Error(`nonce failed: ${issued.text}`);
    return createSiweMessage({
      domain: issued.body.domain,
      address: account.address,
      statement: "Sign in to MedLedger.",
      uri: this.origin,
      version: "1",
      chainId: issued.body.chainId,
      nonce: issued.body.nonce,
      issuedAt: this.server.clock.now(),
      ...overrides,
    });
  }

  async login(message: string, signature: Hex): Promise<ApiReply> {
    return this.call("login", "POST", "/api/auth/login", { message, signature });
  }

  /** Full sign-in as `handle`; throws unless it succeeds. */
  async signInAs(handle: string, overrides: Partial<SiweMessage> = {}): Promise<ApiReply> {
    const account = accountOf(handle);
    const message = await this.prepareSignIn(account, overrides);
    const reply = await this.login(message, await account.signMessage({ message }));
    if (reply.status !== 200) throw new Error(`sign-in as ${handle} failed: ${reply.text}`);
    return reply;
  }
}

/** The `{error:{code}}` of a reply. */
export function errorCode(reply: ApiReply): string | undefined {
  return (reply.body as { error?: { code?: string } }).error?.code;
}
