/**
 * Proven openings (core/reports/openings.ts, server/activity/openingProof.ts): a reader who never
 * signed in proves they hold the encryption key published for their account, and the opening
 * lands in the report's history. Real handlers, a real database, a real contract with real
 * published keys, a real IPFS node; each attack named is performed.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { expect } from "chai";
import type { Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { OPENING_CHALLENGE_PATH, OPENING_PATH, openingTag, recordOpening, type OpeningVia, type ProvenOpening } from "#core/reports/openings.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { DEFAULT_LIMITS } from "#server/limits/config.ts";
import { embeddedIpfs, type IpfsFixture } from "../support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "../support/ledgers.ts";
import { announceBackend, BACKENDS, Browser, freshDatabase, server, type Server, type TestDatabase } from "../support/server.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "../support/story.ts";

const ORIGIN = "http://localhost:3000";

interface Reply {
  readonly status: number;
  readonly body: { logged?: boolean; error?: { code: string; message: string; hint: string } };
}

/** fetch answered by the real handlers of `s`, from client network `ip`, as a non-browser client sends it. */
function serverFetch(s: Server, ip = "203.0.113.5"): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", ip);
    const request = new Request(url, { ...init, headers });
    if (url.pathname === OPENING_CHALLENGE_PATH) return s.api.openingChallenge(request);
    if (url.pathname === OPENING_PATH) return s.api.provenOpening(request);
    throw new Error(`no route for ${url.pathname}`);
  }) as typeof fetch;
}

for (const dbBackend of BACKENDS) {
  describe(`Proven report openings, without a sign-in (${dbBackend})`, function () {
    this.timeout(180_000);
    let ipfs: IpfsFixture;
    let ledger: LedgerFixture;
    let db: TestDatabase;
    let identities: Map<string, EncryptionIdentity>;
    let reportId: Hex;

    const id = (handle: string) => identities.get(handle)!;
    const open = (s: Server, identity: EncryptionIdentity, via: OpeningVia = "cli", report: Hex = reportId) =>
      recordOpening({ serverUrl: ORIGIN, deployment: ledger.deployment, identity, reportId: report, via, fetch: serverFetch(s) });
    /** What the report's patient sees in its history (signed in), newest first. */
    const history = async (s: Server) => {
      const patient = new Browser(s, ORIGIN);
      await patient.signInAs("patient1");
      const reply = await patient.call<{ openings: { actor: string; role: string; via: string | null }[] }>(
        "reportOpenings",
        "GET",
        `/api/activity/report-openings?reportId=${reportId}`,
      );
      expect(reply.status, reply.text).to.equal(200);
      return reply.body.openings;
    };
    /** A fresh challenge and a correctly made proof body (for tampering with). */
    const proofBody = async (s: Server, identity: EncryptionIdentity, fields: { via?: OpeningVia; report?: Hex } = {}): Promise<ProvenOpening> => {
      const challenge = await post(s, OPENING_CHALLENGE_PATH, {});
      const { nonce, serverKey } = challenge.body as unknown as { nonce: string; serverKey: Hex };
      const via = fields.via ?? "app";
      const report = fields.report ?? reportId;
      const tag = openingTag(identity.secretKey, {
        deployment: ledger.deployment,
        account: identity.address,
        readerKey: identity.publicKey,
        reportId: report,
        via,
        nonce,
        serverKey: Uint8Array.from(Buffer.from(serverKey.slice(2), "hex")),
      });
      return { account: identity.address, reportId: report, via, nonce, tag };
    };
    const post = async (s: Server, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
      const response = await serverFetch(s)(new URL(path, ORIGIN), {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Reply["body"] };
    };

    before(async () => {
      announceBackend(dbBackend);
      ipfs = await embeddedIpfs();
      ledger = await inProcessLedger();
      db = await freshDatabase(dbBackend);
      identities = await setUpClinic(ledger, ipfs.store);
      ({ reportId } = await uploadReport(ledger.as("doctor1"), ipfs.store, {
        file: await reportPdf("opened without signing in"),
        patient: addressOf(ledger, "patient1"),
      }));
    });
    after(async () => {
      await db?.dispose();
      await ledger?.close();
      await ipfs?.close();
    });

    it("logs a reader's proven opening without a session, with how it was opened; the patient's history shows it", async () => {
      const s = server(db, ledger);
      expect(await open(s, id("patient1"), "cli")).to.include({ logged: true });
      expect(await open(s, id("doctor1"), "app"), "the issuing doctor may read it").to.include({ logged: true });
      // The same reader again within a minute: one entry stands (coalesced), not an error.
      expect(await open(s, id("patient1"), "cli")).to.include({ logged: false });
      const seen = await history(s);
      expect(seen.map((o) => [o.actor, o.via])).to.deep.equal([
        [addressOf(ledger, "doctor1").toLowerCase(), "app"],
        [addressOf(ledger, "patient1").toLowerCase(), "cli"],
      ]);
      expect(seen[0]!.role).to.equal("doctor");
    });

    it("refuses a forged opening: a wrong key, another account's name, a tampered field, a replayed nonce — nothing is logged", async () => {
      const s = server(db, ledger);
      const before = (await history(s)).length;
      // Wrong key: patient1's address, a key that is not the one on chain.
      const secretKey = x25519.utils.randomSecretKey();
      const impostor: EncryptionIdentity = { address: id("patient1").address, secretKey, publicKey: x25519.getPublicKey(secretKey) };
      await expectCode(open(s, impostor), "BAD_SIGNATURE");
      // doctor2 (who has a key of their own) claims an opening in patient1's name.
      const inTheirName = await proofBody(s, id("doctor2"));
      const forged = await post(s, OPENING_PATH, { ...inTheirName, account: id("patient1").address });
      expect([forged.status, forged.body.error?.code]).to.deep.equal([401, "BAD_SIGNATURE"]);
      // Tampered fields of a correct proof (each its own, with its own nonce): how it was opened, the report, the tag.
      const otherReport = `0x${"ab".repeat(32)}` as Hex;
      const tamperings: ((b: ProvenOpening) => ProvenOpening)[] = [
        (b) => ({ ...b, via: "cli" }),
        (b) => ({ ...b, reportId: otherReport }),
        (b) => ({ ...b, tag: `0x${(BigInt(b.tag) ^ 1n).toString(16).padStart(64, "0")}` as Hex }),
      ];
      for (const tamper of tamperings) {
        const tampered = tamper(await proofBody(s, id("patient1"), { via: "app" }));
        const reply = await post(s, OPENING_PATH, tampered);
        expect([reply.status, reply.body.error?.code], JSON.stringify(tampered)).to.deep.equal([401, "BAD_SIGNATURE"]);
      }
      const valid = await proofBody(s, id("patient1"), { via: "app" });
      // The nonce goes with the tag: a correct tag under a fresh nonce does not verify either.
      const freshNonce = (await proofBody(s, id("patient1"))).nonce;
      expect((await post(s, OPENING_PATH, { ...valid, nonce: freshNonce })).body.error?.code).to.equal("BAD_SIGNATURE");
      // Replay: the correct proof once (logged or coalesced), then again (refused).
      const first = await post(s, OPENING_PATH, valid);
      expect(first.status, JSON.stringify(first.body)).to.be.oneOf([200, 201]);
      const replayed = await post(s, OPENING_PATH, valid);
      expect([replayed.status, replayed.body.error?.code]).to.deep.equal([401, "NONCE_REUSED"]);
      // A made-up nonce the server never issued.
      expect((await post(s, OPENING_PATH, { ...valid, nonce: "madeUpNonce123" })).body.error?.code).to.equal("NONCE_UNKNOWN");
      const after = await history(s);
      expect(after.length - before, "only the genuine opening (app) may have been added").to.be.at.most(1);
      expect(after.every((o) => o.actor === id("patient1").address.toLowerCase() || o.actor === id("doctor1").address.toLowerCase())).to.equal(true);
    });

    it("refuses a proven opening by an account that may not read the report (a valid key, no access)", async () => {
      const s = server(db, ledger);
      for (const handle of ["doctor2", "stranger"]) await expectCode(open(s, id(handle)), "NO_ACCESS");
      const seen = await history(s);
      expect(seen.some((o) => o.actor === id("doctor2").address.toLowerCase() || o.actor === id("stranger").address.toLowerCase())).to.equal(false);
    });

    it("takes requests from this site only, within the body cap and the schema, and rate-limits per client network", async () => {
      const s = server(db, ledger);
      const body = await proofBody(s, id("patient1"));
      expect((await post(s, OPENING_PATH, body, { origin: "https://evil.example" })).status).to.equal(403);
      expect((await post(s, OPENING_CHALLENGE_PATH, {}, { origin: "null" })).status).to.equal(403);
      expect((await post(s, OPENING_PATH, { ...body, padding: "x".repeat(2_000) })).status).to.equal(413);
      const extra = await post(s, OPENING_PATH, { ...body, roles: ["admin"] });
      expect([extra.status, extra.body.error?.code]).to.deep.equal([400, "INVALID_INPUT"]);

      const tight = server(db, ledger, {
        limits: { ...DEFAULT_LIMITS, buckets: { ...DEFAULT_LIMITS.buckets, reportOpenedClient: { name: "opened-ip-test", burst: 2, perMinute: 1 } } },
      });
      expect((await post(tight, OPENING_CHALLENGE_PATH, {})).status).to.equal(201);
      expect((await post(tight, OPENING_CHALLENGE_PATH, {})).status).to.equal(201);
      const limited = await post(tight, OPENING_CHALLENGE_PATH, {});
      expect([limited.status, limited.body.error?.code]).to.deep.equal([429, "RATE_LIMITED"]);
    });
  });
}
