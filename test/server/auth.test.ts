/**
 * Sign-in with Ethereum through the real API handlers, against the real contract on the
 * in-process Hardhat EVM: sessions, logout, expiry, every refusal, and roles read from the
 * contract at request time.
 */
import { expect } from "chai";
import { eq } from "drizzle-orm";
import { setStaffActive, addStaff } from "#core/staff/staff.ts";
import { sessions } from "#server/db/schema.ts";
import { listActivity } from "#server/activity/log.ts";
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
  type Clinic,
  type Server,
  type TestDatabase,
} from "../support/server.ts";

for (const backend of BACKENDS) {
  describe(`server: sign-in with Ethereum [${backend}]`, function () {
    this.timeout(120_000);
    let world: Clinic;
    let database: TestDatabase;
    let app: Server;

    before(async () => {
      announceBackend(backend);
      world = await clinic();
      database = await freshDatabase(backend);
      app = server(database, world.ledger);
    });
    after(async () => {
      await database?.dispose();
      await world?.ledger.close();
    });

    it("signs in with a signed EIP-4361 message, sets an httpOnly cookie, and reads roles from the contract", async () => {
      const browser = new Browser(app);
      const reply = await browser.signInAs("doctor1");
      expect(reply.body).to.include({ signedIn: true, address: addressOf("doctor1"), chainId: 31337 });
      expect(reply.body.roles).to.deep.equal({ admin: false, receptionist: false, doctor: true, patient: false });
      const cookie = reply.setCookie.join("\n");
      expect(cookie).to.match(/^medledger_session=Fe26\.2\*/);
      expect(cookie)
        .to.match(/HttpOnly/)
        .and.to.match(/SameSite=Lax/i)
        .and.not.to.match(/Secure/);
      const session = await browser.call("session", "GET", "/api/auth/session");
      expect(session.status).to.equal(200);
      expect(session.body).to.include({ signedIn: true, address: addressOf("doctor1") });
      const [entry] = await listActivity(database.db, { user: addressOf("doctor1") });
      expect(entry).to.include({ kind: "login", actor: addressOf("doctor1").toLowerCase(), role: "doctor" });
    });

    it("marks the cookie Secure when served over https", async () => {
      const browser = new Browser(app, "https://medledger.example");
      const reply = await browser.signInAs("patient1");
      expect(reply.setCookie.join("\n")).to.match(/; Secure/);
    });

    it("refuses a replayed sign-in message (the nonce is single-use)", async () => {
      const browser = new Browser(app);
      const account = accountOf("patient1");
      const message = await browser.prepareSignIn(account);
      const signature = await account.signMessage({ message });
      expect((await browser.login(message, signature)).status).to.equal(200);
      const replay = await new Browser(app).login(message, signature);
      expect(replay.status).to.equal(401);
      expect(replay.body).to.deep.equal({
        error: {
          code: "NONCE_REUSED",
          message: "This sign-in message was already used once and cannot be used again.",
          hint: "Sign in again: each sign-in needs a fresh message.",
        },
      });
    });

    it("refuses a nonce the server never issued", async () => {
      const browser = new Browser(app);
      const account = accountOf("patient1");
      const message = (await browser.prepareSignIn(account)).replace(/Nonce: \w+/, "Nonce: madeUpNonce123");
      const reply = await browser.login(message, await account.signMessage({ message }));
      expect(reply.status).to.equal(401);
      expect(errorCode(reply)).to.equal("NONCE_UNKNOWN");
    });

    it("refuses a message made for a foreign domain", async () => {
      const browser = new Browser(app);
      const account = accountOf("patient1");
      const message = await browser.prepareSignIn(account, { domain: "evil.example" });
      const reply = await browser.login(message, await account.signMessage({ message }));
      expect(reply.status).to.equal(400);
      expect(errorCode(reply)).to.equal("DOMAIN_MISMATCH");
      expect((reply.body as { error: { message: string } }).error.message).to.contain("evil.example");
    });

    it("refuses a message for another chain", async () => {
      const browser = new Browser(app);
      const account = accountOf("patient1");
      const message = await browser.prepareSignIn(account, { chainId: 1 });
      const reply = await browser.login(message, await account.signMessage({ message }));
      expect(reply.status).to.equal(400);
      expect(errorCode(reply)).to.equal("WRONG_CHAIN");
    });

    it("refuses an expired message", async () => {
      const browser = new Browser(app);
      const account = accountOf("patient1");
      const message = await browser.prepareSignIn(account, { expirationTime: new Date(app.clock.now().getTime() - 1000) });
      const reply = await browser.login(message, await account.signMessage({ message }));
      expect(reply.status).to.equal(401);
      expect(errorCode(reply)).to.equal("MESSAGE_EXPIRED");
    });

    it("refuses a signature by another account than the message names", async () => {
      const browser = new Browser(app);
      const message = await browser.prepareSignIn(accountOf("admin"));
      const reply = await browser.login(message, await accountOf("stranger").signMessage({ message }));
      expect(reply.status).to.equal(401);
      expect(errorCode(reply)).to.equal("BAD_SIGNATURE");
      expect(browser.hasCookie).to.equal(false);
    });

    it("refuses garbage and cross-site sign-ins", async () => {
      const browser = new Browser(app);
      const garbage = await browser.login("hello", "0x1234");
      expect(garbage.status).to.equal(400);
      expect(errorCode(garbage)).to.equal("INVALID_INPUT");
      const crossSite = await browser.call("nonce", "POST", "/api/auth/nonce", undefined, { origin: "https://evil.example" });
      expect(crossSite.status).to.equal(403);
      expect(errorCode(crossSite)).to.equal("NO_ACCESS");
    });

    it("logout ends the session on the server: a copied cookie no longer works", async () => {
      const browser = new Browser(app);
      await browser.signInAs("patient2");
      const copied = browser.cookieValue();
      const out = await browser.call("logout", "POST", "/api/auth/logout");
      expect(out.body).to.deep.equal({ signedIn: false, ended: true });
      expect(browser.hasCookie).to.equal(false);
      const thief = new Browser(app);
      thief.setCookie(copied);
      const reply = await thief.call("appointmentsList", "GET", "/api/appointments");
      expect(reply.status).to.equal(401);
      expect(errorCode(reply)).to.equal("NOT_SIGNED_IN");
      const [row] = await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.address, addressOf("patient2").toLowerCase()));
      expect(row?.endReason).to.equal("logout");
      expect(row?.endedAt).to.be.instanceOf(Date);
      const kinds = (await listActivity(database.db, { user: addressOf("patient2") })).map((e) => e.kind);
      expect(kinds).to.deep.equal(["logout", "login"]);
    });

    it("expires a session after 8 hours and records session_expired once, on next access", async () => {
      const own = server(database, world.ledger);
      const browser = new Browser(own);
      const reply = await browser.signInAs("patient3");
      const expiresAt = Date.parse(reply.body.expiresAt as string);
      expect(expiresAt - own.clock.now().getTime()).to.be.within(8 * 3600_000 - 60_000, 8 * 3600_000);
      own.clock.advance(8 * 3600_000 + 1000);
      const copied = browser.cookieValue();
      const session = await browser.call("session", "GET", "/api/auth/session");
      expect(session.body).to.deep.equal({ signedIn: false, reason: "expired" });
      const again = new Browser(own);
      again.setCookie(copied);
      const refused = await again.call("appointmentsList", "GET", "/api/appointments");
      expect(refused.status).to.equal(401);
      expect(errorCode(refused)).to.equal("SESSION_EXPIRED");
      const kinds = (await listActivity(database.db, { user: addressOf("patient3") })).map((e) => e.kind);
      expect(kinds).to.deep.equal(["session_expired", "login"]);
    });

    it("honours a shorter expirationTime of the sign-in message", async () => {
      const own = server(database, world.ledger);
      const browser = new Browser(own);
      const until = new Date(own.clock.now().getTime() + 30 * 60_000);
      const reply = await browser.signInAs("patient1", { expirationTime: until });
      expect(Date.parse(reply.body.expiresAt as string)).to.equal(until.getTime());
      own.clock.advance(31 * 60_000);
      expect((await browser.call("session", "GET", "/api/auth/session")).body).to.deep.equal({ signedIn: false, reason: "expired" });
    });

    it("reads roles from the contract on every request, never from the client", async () => {
      const browser = new Browser(app);
      const account = accountOf("stranger");
      const message = await browser.prepareSignIn(account);
      const signature = await account.signMessage({ message });
      // A client claiming roles is ignored.
      const reply = await browser.call("login", "POST", "/api/auth/login", { message, signature, roles: { admin: true } });
      expect(reply.status).to.equal(200);
      expect(reply.body.roles).to.deep.equal({ admin: false, receptionist: false, doctor: false, patient: false });
      expect((await browser.call("activity", "GET", "/api/activity")).status).to.equal(403);
      // The admin makes the stranger a receptionist on chain: the same session sees it at once.
      await addStaff(world.ledger.as("admin"), addressOf("stranger"), "receptionist", { name: "Temp", department: "Front desk", contact: "" });
      const after = await browser.call("session", "GET", "/api/auth/session");
      expect((after.body.roles as Record<string, boolean>).receptionist).to.equal(true);
      expect((await browser.call("appointmentsList", "GET", "/api/appointments")).status).to.equal(200);
      // Deactivated on chain: refused again without signing out.
      await setStaffActive(world.ledger.as("admin"), addressOf("stranger"), false);
      const refused = await browser.call("appointmentsList", "GET", "/api/appointments");
      expect(refused.status).to.equal(403);
      expect(errorCode(refused)).to.equal("NO_ACCESS");
    });
  });
}
