/**
 * POST /api/registration-codes and GET /api/registration-codes/<short> against the real handlers,
 * a real database (PGlite, and PostgreSQL when DATABASE_URL is set) and a real chain (the
 * in-process Hardhat EVM), with registration codes signed by real wallets: a code handed in comes
 * back by its short code (typed loosely) and decodes in core as a pasted code; the server keeps
 * nothing but the code; what is not a code for this chain, an expired code, an oversized body and
 * a foreign Origin are refused; short codes expire after a day; hand-ins and look-ups are rate
 * limited per network; and a server that swaps the stored code is caught by the reception's check.
 */
import { expect } from "chai";
import { eq } from "drizzle-orm";
import { unlockIdentity } from "#core/identity/encryptionKey.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { createRegistrationRequest, decodeRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { checkShortCode, formatShortCode, normalizeShortCode, shortCodeOf } from "#core/patients/shortCode.ts";
import { registrationCodes } from "#server/db/schema.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "#server/limits/config.ts";
import {
  addressOf,
  announceBackend,
  BACKENDS,
  Browser,
  clinic,
  errorCode,
  freshDatabase,
  server,
  type ApiReply,
  type Clinic,
  type Server,
  type TestDatabase,
} from "../support/server.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

for (const backend of BACKENDS) {
  describe(`server: registration short codes (${backend})`, function () {
    this.timeout(120_000);
    let world: Clinic;
    let db: TestDatabase;
    /** Registration codes of two people who are not patients yet, signed in their wallets. */
    let strangerCode: string;
    let patient4Code: string;

    const codeOf = async (handle: string): Promise<string> => {
      const wallet = world.ledger.as(handle);
      const identity = await unlockIdentity(wallet.walletClient, world.ledger.deployment, wallet);
      return encodeRegistrationRequest(await createRegistrationRequest(wallet, wallet.walletClient, identity));
    };
    /** The request inside a code, changed by `edit`, encoded again (what a forger could post). */
    const edited = (code: string, edit: (request: Record<string, unknown>) => void): string => {
      const request = JSON.parse(atob(code.replace(/^medledger-registration:/, ""))) as Record<string, unknown>;
      edit(request);
      return `medledger-registration:${btoa(JSON.stringify(request))}`;
    };

    before(async () => {
      announceBackend(backend);
      world = await clinic();
      db = await freshDatabase(backend);
      strangerCode = await codeOf("stranger");
      patient4Code = await codeOf("patient4");
    });
    after(async () => {
      await db?.dispose();
      await world?.ledger.close();
    });
    beforeEach(async () => {
      await db.db.delete(registrationCodes);
    });

    function codeServer(buckets: Partial<ServerLimits["buckets"]> = {}): Server {
      return server(db, world.ledger, { limits: { ...DEFAULT_LIMITS, buckets: { ...DEFAULT_LIMITS.buckets, ...buckets } } });
    }
    const handIn = (
      s: Server,
      body: unknown,
      ip = "198.51.100.7",
      headers: Record<string, string> = {},
    ): Promise<ApiReply<{ short: string; expiresAt: string }>> =>
      new Browser(s).call("registrationCodeCreate", "POST", "/api/registration-codes", body, { "x-forwarded-for": ip, ...headers });
    const lookUp = (s: Server, short: string, ip = "198.51.100.7"): Promise<ApiReply<{ short: string; code: string; expiresAt: string }>> =>
      new Browser(s).call("registrationCodeLookup", "GET", `/api/registration-codes/${encodeURIComponent(short)}`, undefined, { "x-forwarded-for": ip });

    it("keeps a code under its short code, gives it back however the short code is typed, and the code decodes in core as if pasted", async () => {
      const s = codeServer();
      const handed = await handIn(s, { code: strangerCode });
      expect(handed.status, handed.text).to.equal(201);
      expect(handed.body.short)
        .to.equal(shortCodeOf(strangerCode))
        .and.match(/^[0-9A-HJKMNP-TV-Z]{8}$/);
      expect(Date.parse(handed.body.expiresAt) - s.clock.now().getTime()).to.be.within(DAY_MS - 60_000, DAY_MS);
      // Handed in again (the patient reloads the page): the same short code, the same expiry.
      const again = await handIn(s, { code: strangerCode });
      expect(again.body).to.deep.equal(handed.body);

      // The receptionist types it in lower case with the dash, O for 0 and I or L for 1.
      const typed = formatShortCode(handed.body.short).toLowerCase().replaceAll("0", "o").replaceAll("1", "l");
      expect(normalizeShortCode(typed)).to.equal(handed.body.short);
      const found = await lookUp(s, typed);
      expect(found.status, found.text).to.equal(200);
      expect(found.body.code).to.equal(strangerCode);
      checkShortCode(handed.body.short, found.body.code);
      expect(decodeRegistrationRequest(found.body.code, world.ledger.reader()).account).to.equal(addressOf("stranger"));

      // The server keeps the code and its times, nothing else (no client network, no account column).
      const rows = await db.db.select().from(registrationCodes);
      expect(rows).to.have.length(1);
      expect(Object.keys(rows[0]!).sort()).to.deep.equal(["code", "createdAt", "expiresAt", "short"]);
      expect(rows[0]!.code).to.equal(strangerCode);
    });

    it("refuses what is not a registration code for this chain, an expired code, an oversized body and a foreign Origin", async () => {
      const s = codeServer();
      const refused = async (reply: Promise<ApiReply>, status: number, code: string) => {
        const r = await reply;
        expect(r.status, r.text).to.equal(status);
        expect(errorCode(r)).to.equal(code);
      };
      await refused(handIn(s, { code: "hello" }), 400, "INVALID_INPUT");
      await refused(handIn(s, { code: strangerCode, extra: 1 }), 400, "INVALID_INPUT");
      await refused(handIn(s, { code: edited(strangerCode, (r) => void delete r.signature) }), 400, "INVALID_INPUT");
      await refused(handIn(s, { code: edited(strangerCode, (r) => void (r.chainId = 1)) }), 400, "WRONG_CHAIN");
      await refused(handIn(s, { code: edited(strangerCode, (r) => void (r.deadline = Math.floor(Date.now() / 1000) - 60)) }), 400, "INVALID_INPUT");
      await refused(handIn(s, { code: `${strangerCode}${" ".repeat(5_000)}` }), 413, "BODY_TOO_LARGE");
      await refused(handIn(s, { code: strangerCode }, "198.51.100.7", { origin: "https://evil.example" }), 403, "NO_ACCESS");
      await refused(lookUp(s, "1234-56"), 400, "INVALID_INPUT");
      await refused(lookUp(s, shortCodeOf(strangerCode)), 404, "NOT_FOUND");
      expect(await db.db.select().from(registrationCodes)).to.have.length(0);
    });

    it("forgets a short code after a day, and never keeps it past the code's own deadline", async () => {
      const s = codeServer();
      const handed = await handIn(s, { code: strangerCode });
      expect((await lookUp(s, handed.body.short)).status).to.equal(200);
      s.clock.advance(DAY_MS + 1000);
      const gone = await lookUp(s, handed.body.short);
      expect(gone.status).to.equal(404);
      expect(errorCode(gone)).to.equal("NOT_FOUND");
      // Handed in again the next day: good for another day.
      const renewed = await handIn(s, { code: strangerCode });
      expect(renewed.status, renewed.text).to.equal(201);
      expect((await lookUp(s, renewed.body.short)).status).to.equal(200);
      // A code whose signature ends in an hour is kept an hour, not a day (the stored row expires with it).
      const deadline = Math.floor(s.clock.now().getTime() / 1000) + 3600;
      const soon = await handIn(s, { code: edited(patient4Code, (r) => void (r.deadline = deadline)) });
      expect(soon.status, soon.text).to.equal(201);
      expect(Date.parse(soon.body.expiresAt)).to.equal(deadline * 1000);
    });

    it("limits hand-ins and look-ups per network (429), while another network is still served", async () => {
      const s = codeServer({
        registrationCodeClient: { name: "registration-code-ip", burst: 2, perMinute: 0.001 },
        registrationLookupClient: { name: "registration-lookup-ip", burst: 3, perMinute: 0.001 },
      });
      const ip = "203.0.113.9";
      for (let i = 0; i < 2; i++) expect((await handIn(s, { code: strangerCode }, ip)).status).to.equal(201);
      const flood = await handIn(s, { code: patient4Code }, ip);
      expect(flood.status).to.equal(429);
      expect(errorCode(flood)).to.equal("RATE_LIMITED");
      expect(flood.headers.get("retry-after")).to.match(/^\d+$/);
      expect((await handIn(s, { code: patient4Code }, "203.0.113.200")).status, "another network").to.equal(201);

      // Guessing short codes: three tries, then 429 — even for a short code that exists.
      for (const guess of ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC"]) expect((await lookUp(s, guess, ip)).status).to.equal(404);
      const guessing = await lookUp(s, shortCodeOf(strangerCode), ip);
      expect(guessing.status).to.equal(429);
      expect((await lookUp(s, shortCodeOf(strangerCode), "203.0.113.201")).status, "another network").to.equal(200);
    });

    it("a server that swaps the stored code for another person's is caught: the reception's check refuses the code", async () => {
      const s = codeServer();
      const handed = await handIn(s, { code: strangerCode });
      // The attack: whoever controls the server's database puts patient4's (validly signed) code
      // under the stranger's short code, so the reception would register patient4's key instead.
      await db.db.update(registrationCodes).set({ code: patient4Code }).where(eq(registrationCodes.short, handed.body.short));
      const answer = await lookUp(s, handed.body.short);
      expect(answer.status).to.equal(200);
      expect(answer.body.code, "the server answers with the swapped code").to.equal(patient4Code);
      let caught: unknown;
      try {
        checkShortCode(handed.body.short, answer.body.code);
      } catch (error) {
        caught = error;
      }
      expect(isMedLedgerError(caught, "SHORT_CODE_MISMATCH"), String(caught)).to.equal(true);
      expect((caught as Error).message)
        .to.contain(formatShortCode(handed.body.short))
        .and.contain("does not belong to it");
    });
  });
}
