/**
 * The Next.js route modules themselves (web/app/api/**\/route.ts), configured only through the
 * environment as in production: a real anvil node over HTTP, MEDLEDGER_CONTRACT, the database
 * from DATABASE_URL or a PGlite data folder, SESSION_SECRET. Plus the session-secret rules.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSiweMessage } from "viem/siwe";
import { isMedLedgerError } from "#core/errors.ts";
import { sessionSecret } from "#server/http/cookie.ts";
import { closeApi } from "#server/http/runtime.ts";
import { anvilLedger, type LedgerFixture } from "../support/ledgers.ts";
import { accountOf, announceBackend, BACKENDS, POSTGRES_URL, scratchPostgres, type TestBackend } from "../support/server.ts";

type RouteModule = Record<string, (request: Request) => Promise<Response>>;
const route = async (path: string): Promise<RouteModule> => (await import(`../../web/app/api/${path}/route.ts`)) as RouteModule;

const ENV_KEYS = [
  "DATABASE_URL",
  "MEDLEDGER_RPC_URL",
  "MEDLEDGER_CHAIN_ID",
  "MEDLEDGER_CONTRACT",
  "MEDLEDGER_DEPLOY_BLOCK",
  "MEDLEDGER_DATA_DIR",
  "SESSION_SECRET",
] as const;

function routeSuite(backend: TestBackend): void {
  describe(`server: the Next.js route modules, configured by the environment [${backend}]`, function () {
    this.timeout(180_000);
    let ledger: LedgerFixture;
    let dataDir: string;
    let scratch: Awaited<ReturnType<typeof scratchPostgres>> | undefined;
    const saved: Partial<Record<string, string>> = {};

    before(async () => {
      announceBackend(backend);
      for (const key of ENV_KEYS) saved[key] = process.env[key];
      ledger = await anvilLedger();
      dataDir = mkdtempSync(join(tmpdir(), "medledger-routes-"));
      // On PostgreSQL, the server gets a throw-away database of its own; on PGlite, a data folder.
      if (backend === "postgres" && POSTGRES_URL) {
        scratch = await scratchPostgres(POSTGRES_URL);
        process.env.DATABASE_URL = scratch.url;
      } else {
        delete process.env.DATABASE_URL;
      }
    });
    after(async () => {
      await closeApi();
      await scratch?.drop();
      for (const key of ENV_KEYS) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await ledger?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("answers a configuration error as JSON, then starts once the configuration is fixed", async () => {
      await closeApi();
      process.env.MEDLEDGER_CHAIN_ID = "424242";
      delete process.env.MEDLEDGER_CONTRACT;
      const { POST } = await route("auth/nonce");
      const broken = await POST!(new Request("http://localhost:3000/api/auth/nonce", { method: "POST" }));
      expect(broken.status).to.equal(500);
      const body = (await broken.json()) as { error: { code: string; message: string } };
      expect(body.error.code).to.equal("CONFIG");
      expect(body.error.message).to.contain("chain 424242");

      process.env.MEDLEDGER_CHAIN_ID = "31337";
      process.env.MEDLEDGER_RPC_URL = ledger.rpcUrl!;
      process.env.MEDLEDGER_CONTRACT = ledger.deployment.address;
      process.env.MEDLEDGER_DEPLOY_BLOCK = String(ledger.deployment.deployBlock);
      process.env.MEDLEDGER_DATA_DIR = dataDir;
      process.env.SESSION_SECRET = "a-test-secret-that-is-long-enough-0123456789";
      const fixed = await POST!(new Request("http://localhost:3000/api/auth/nonce", { method: "POST", headers: { origin: "http://localhost:3000" } }));
      expect(fixed.status).to.equal(201);
    });

    it("signs the admin in, serves the session and the activity log, and signs out", async () => {
      const origin = "http://localhost:3000";
      const nonce = (await (await route("auth/nonce")).POST!(new Request(`${origin}/api/auth/nonce`, { method: "POST", headers: { origin } }))) as Response;
      const issued = (await nonce.json()) as { nonce: string; domain: string; chainId: number };
      expect(issued).to.include({ domain: "localhost:3000", chainId: 31337 });
      const admin = accountOf("admin");
      const message = createSiweMessage({
        domain: issued.domain,
        address: admin.address,
        uri: origin,
        version: "1",
        chainId: issued.chainId,
        nonce: issued.nonce,
        issuedAt: new Date(),
      });
      const login = await (
        await route("auth/login")
      ).POST!(
        new Request(`${origin}/api/auth/login`, {
          method: "POST",
          headers: { origin, "content-type": "application/json" },
          body: JSON.stringify({ message, signature: await admin.signMessage({ message }) }),
        }),
      );
      expect(login.status).to.equal(200);
      const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
      const signedIn = (await login.json()) as { roles: Record<string, boolean> };
      expect(signedIn.roles).to.deep.equal({ admin: true, receptionist: false, doctor: false, patient: false });

      const session = await (await route("auth/session")).GET!(new Request(`${origin}/api/auth/session`, { headers: { cookie } }));
      expect(((await session.json()) as { signedIn: boolean }).signedIn).to.equal(true);
      const activity = await (await route("activity")).GET!(new Request(`${origin}/api/activity`, { headers: { cookie } }));
      const log = (await activity.json()) as { entries: { kind: string; actor: string }[] };
      expect(log.entries.map((e) => e.kind)).to.deep.equal(["login"]);
      expect(log.entries[0]!.actor).to.equal(admin.address.toLowerCase());
      const appointments = await (await route("appointments")).GET!(new Request(`${origin}/api/appointments`, { headers: { cookie } }));
      expect(appointments.status).to.equal(403);
      const verify = await (await route("activity/verify")).GET!(new Request(`${origin}/api/activity/verify`, { headers: { cookie } }));
      expect(((await verify.json()) as { ok: boolean }).ok).to.equal(true);

      const logout = await (await route("auth/logout")).POST!(new Request(`${origin}/api/auth/logout`, { method: "POST", headers: { origin, cookie } }));
      expect(await logout.json()).to.deep.equal({ signedIn: false, ended: true });
      const after = await (await route("auth/session")).GET!(new Request(`${origin}/api/auth/session`, { headers: { cookie } }));
      expect(await after.json()).to.deep.equal({ signedIn: false, reason: "ended" });
    });
  });
}

for (const backend of BACKENDS) routeSuite(backend);

describe("server: the session secret", () => {
  it("refuses to run in production without SESSION_SECRET, and refuses short secrets", () => {
    const refused = (env: NodeJS.ProcessEnv, chainId: number) => {
      try {
        sessionSecret(env, chainId);
        return undefined;
      } catch (error) {
        return error;
      }
    };
    expect(isMedLedgerError(refused({ NODE_ENV: "production" }, 1), "CONFIG")).to.equal(true);
    expect(isMedLedgerError(refused({ SESSION_SECRET: "short" }, 31337), "CONFIG")).to.equal(true);
    expect(sessionSecret({ SESSION_SECRET: "x".repeat(40) }, 1)).to.equal("x".repeat(40));
    // The local stack gets a random per-run secret (with a loud warning).
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const a = sessionSecret({ NODE_ENV: "production" }, 31337);
      const b = sessionSecret({}, 1);
      expect(a).to.have.length.greaterThan(31);
      expect(a).to.not.equal(b);
    } finally {
      console.warn = warn;
    }
    expect(warnings).to.have.length(2);
  });
});
