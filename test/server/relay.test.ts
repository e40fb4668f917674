/**
 * POST /api/relay and GET /api/relay/status against the real handlers, a real database (PGlite,
 * and PostgreSQL when DATABASE_URL is set) and a real chain (the in-process Hardhat EVM), with the
 * relayer's key behind the production RelayerSigner interface: a patient holding 0 ETH has a
 * grant sent; every cheap refusal (forged signature, wrong chain or contract, expired, replay,
 * not a patient) costs the relayer nothing; quotas answer 429; a relayer without funds answers
 * RELAYER_OUT_OF_FUNDS; parallel actions of several patients all land (managed nonces); an
 * unconfirmed transaction is reported as pending, never as done.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { bytesToHex, createTestClient, type Address, type Hex } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { describeRevert } from "#core/contract/errors.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import type { LedgerAction } from "#core/contract/actions.ts";
import { postSignedAction, relayClientSender } from "#core/relay/client.ts";
import { signPatientAction, type SignedAction } from "#core/relay/signedAction.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "#server/limits/config.ts";
import type { ServerContext } from "#server/context.ts";
import { relayerWriter, balanceOf, sentBy, setBalance } from "../support/relay.ts";
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

const grantTo = (reader: Address, reportId: Hex): LedgerAction => ({
  kind: "grant",
  grant: { reader, reportIds: [reportId], wrappedKeys: [bytesToHex(randomBytes(80))], expiresAt: 0 },
});
const revokeAllOf = (reader: Address): LedgerAction => ({ kind: "revoke", reader, reportId: null });

for (const backend of BACKENDS) {
  describe(`relayer: POST /api/relay and GET /api/relay/status (${backend})`, function () {
    this.timeout(120_000);
    let world: Clinic;
    let db: TestDatabase;
    let relayer: LedgerWriter;
    let relayerAddress: Address;

    before(async () => {
      announceBackend(backend);
      world = await clinic();
      db = await freshDatabase(backend);
      relayer = relayerWriter(world.ledger);
      relayerAddress = relayer.walletClient.account.address;
      // The patients hold nothing: everything they do is paid by the hospital.
      for (const handle of ["patient1", "patient2", "patient3"]) await setBalance(world.ledger, addressOf(handle), 0n);
    });
    after(async () => {
      await db?.dispose();
      await world?.ledger.close();
    });

    function relayServer(overrides: Partial<ServerContext> = {}, limits: Partial<ServerLimits["buckets"]> = {}): Server {
      return server(db, world.ledger, {
        relayer: { writer: relayer, waitMs: 10_000 },
        limits: { ...DEFAULT_LIMITS, buckets: { ...DEFAULT_LIMITS.buckets, ...limits } },
        ...overrides,
      });
    }
    const patient = (handle: string) => world.ledger.as(handle);
    const post = (s: Server, body: unknown, ip = "198.51.100.7"): Promise<ApiReply> =>
      new Browser(s).call("relay", "POST", "/api/relay", body, { "x-forwarded-for": ip });
    /** Runs `work` and checks the relayer neither paid nor sent anything meanwhile. */
    async function costsNothing(work: () => Promise<void>): Promise<void> {
      const [balance, sent] = [await balanceOf(world.ledger, relayerAddress), await sentBy(world.ledger, relayerAddress)];
      await work();
      expect(await balanceOf(world.ledger, relayerAddress), "relayer balance").to.equal(balance);
      expect(await sentBy(world.ledger, relayerAddress), "relayer transactions").to.equal(sent);
    }

    it("sends a grant signed by a patient holding 0 ETH: the doctor can read, the patient still holds 0", async () => {
      const s = relayServer();
      const doctor2 = addressOf("doctor2");
      const request = await signPatientAction(patient("patient1"), grantTo(doctor2, world.reportId));
      const before = await balanceOf(world.ledger, relayerAddress);
      const reply = await post(s, JSON.parse(JSON.stringify(request)));
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.status).to.equal("confirmed");
      expect(reply.body.hash).to.match(/^0x[0-9a-f]{64}$/);
      const receipt = await world.ledger.reader().publicClient.getTransactionReceipt({ hash: reply.body.hash as Hex });
      expect(receipt.from.toLowerCase()).to.equal(relayerAddress.toLowerCase());
      expect(receipt.status).to.equal("success");
      expect(await readLedger(world.ledger.reader(), "canRead", [world.reportId, doctor2])).to.equal(true);
      expect(await balanceOf(world.ledger, addressOf("patient1"))).to.equal(0n);
      expect(await balanceOf(world.ledger, relayerAddress)).to.be.below(before);
    });

    it("refuses a forged or altered request before spending any gas", async () => {
      const s = relayServer();
      const genuine = await signPatientAction(patient("patient1"), revokeAllOf(addressOf("doctor3")));
      await costsNothing(async () => {
        // Signed by someone else for patient1's account.
        const byOther = await signPatientAction(patient("patient2"), revokeAllOf(addressOf("doctor3")));
        const forged = await post(s, { ...byOther, account: addressOf("patient1"), nonce: genuine.nonce });
        expect([forged.status, errorCode(forged)]).to.deep.equal([401, "BAD_SIGNATURE"]);
        // The action changed after signing.
        const altered = await post(s, { ...genuine, action: revokeAllOf(addressOf("doctor2")) });
        expect([altered.status, errorCode(altered)]).to.deep.equal([401, "BAD_SIGNATURE"]);
        // Not a signature at all.
        const garbage = await post(s, { ...genuine, signature: "0x1234" });
        expect([garbage.status, errorCode(garbage)]).to.deep.equal([401, "BAD_SIGNATURE"]);
      });
    });

    it("refuses a request for another chain or contract, an expired one and a malformed one, at no cost", async () => {
      const s = relayServer();
      const request = await signPatientAction(patient("patient1"), revokeAllOf(addressOf("doctor3")));
      await costsNothing(async () => {
        const chain = await post(s, { ...request, chainId: 1 });
        expect([chain.status, errorCode(chain)]).to.deep.equal([400, "WRONG_CHAIN"]);
        const contract = await post(s, { ...request, contract: addressOf("stranger") });
        expect([contract.status, errorCode(contract)]).to.deep.equal([400, "WRONG_CHAIN"]);
        const expired = await post(s, { ...request, deadline: "1" });
        expect([expired.status, errorCode(expired)]).to.deep.equal([401, "MESSAGE_EXPIRED"]);
        // Only the typed actions: no extra fields, no other kind, no calldata.
        const extra = await post(s, { ...request, data: "0xa9059cbb" });
        expect([extra.status, errorCode(extra)]).to.deep.equal([400, "INVALID_INPUT"]);
        const kind = await post(s, { ...request, action: { kind: "call", to: addressOf("stranger"), data: "0x" } });
        expect([kind.status, errorCode(kind)]).to.deep.equal([400, "INVALID_INPUT"]);
        const version = await post(s, { ...request, action: { kind: "encryptionKey", key: `0x${"11".repeat(32)}`, version: 2 ** 32 } });
        expect([version.status, errorCode(version)]).to.deep.equal([400, "INVALID_INPUT"]);
        const reportIds: Hex[] = Array.from({ length: 201 }, () => world.reportId);
        const wrappedKeys: Hex[] = reportIds.map(() => "0x01");
        const many = await post(s, { ...request, action: { kind: "grant", grant: { reader: addressOf("doctor3"), reportIds, wrappedKeys, expiresAt: 0 } } });
        expect([many.status, errorCode(many)]).to.deep.equal([400, "INVALID_INPUT"]);
        const huge = await new Browser(s).call("relay", "POST", "/api/relay", { ...request, pad: "x".repeat(200 * 1024) });
        expect([huge.status, errorCode(huge)]).to.deep.equal([413, "BODY_TOO_LARGE"]);
        const noOrigin = await new Browser(s).call("relay", "POST", "/api/relay", request, { origin: "https://evil.example" });
        expect([noOrigin.status, errorCode(noOrigin)]).to.deep.equal([403, "NO_ACCESS"]);
      });
    });

    it("sends a request once: a replay, and the same request twice at once, are refused", async () => {
      const s = relayServer();
      const request = await signPatientAction(patient("patient2"), revokeAllOf(addressOf("doctor3")));
      const sent = await sentBy(world.ledger, relayerAddress);
      const [a, b] = await Promise.all([post(s, request), post(s, request)]);
      const statuses = [a.status, b.status].sort();
      expect(statuses[0], `${a.text} ${b.text}`).to.equal(200);
      // The second is caught by the claim (409) or, if the first was already mined, by the nonce (401).
      expect([409, 401]).to.include(statuses[1]);
      expect(await sentBy(world.ledger, relayerAddress), "one transaction").to.equal(sent + 1);
      await costsNothing(async () => {
        const replay = await post(s, request);
        expect([replay.status, errorCode(replay)]).to.deep.equal([401, "NONCE_REUSED"]);
      });
    });

    it("serves patients only: a doctor's signed action is refused before simulating", async () => {
      const s = relayServer();
      await costsNothing(async () => {
        const request = await signPatientAction(patient("doctor1"), revokeAllOf(addressOf("doctor2")));
        const reply = await post(s, request);
        expect([reply.status, errorCode(reply)]).to.deep.equal([403, "NO_ACCESS"]);
      });
    });

    it("a revert is found by the simulation, costs nothing, and is answered 422 with the contract's reason in plain words", async () => {
      const s = relayServer();
      await costsNothing(async () => {
        // doctor2 already holds this grant (first test): AlreadyGranted.
        const request = await signPatientAction(patient("patient1"), grantTo(addressOf("doctor2"), world.reportId));
        const reply = await post(s, request);
        // The patient's request is at fault, not a server upstream: 422, not 502.
        expect([reply.status, errorCode(reply)]).to.deep.equal([422, "CONTRACT_REVERT"]);
        const [message, hint] = describeRevert("AlreadyGranted");
        expect((reply.body as { error: { message: string; hint: string } }).error).to.deep.include({ message, hint });
        expect(message).to.contain("already has access");
      });
      // The claim was freed: the patient can sign something else at the same nonce.
      const next = await post(s, await signPatientAction(patient("patient1"), revokeAllOf(addressOf("doctor2"))));
      expect(next.status, next.text).to.equal(200);
      expect(await readLedger(world.ledger.reader(), "canRead", [world.reportId, addressOf("doctor2")])).to.equal(false);
    });

    it("quotas: per patient and per network, 429 with Retry-After; a forger cannot use up a patient's quota", async () => {
      const s = relayServer({}, { relayAccount: { name: "relay-account-test", burst: 2, perMinute: 2 / 1440 } });
      const target = addressOf("doctor3");
      // Forged requests naming patient3 do not touch patient3's quota.
      const byOther = await signPatientAction(patient("patient2"), revokeAllOf(target));
      for (let i = 0; i < 3; i++) expect(errorCode(await post(s, { ...byOther, account: addressOf("patient3") }))).to.equal("BAD_SIGNATURE");
      for (let i = 0; i < 2; i++) {
        const ok = await post(s, await signPatientAction(patient("patient3"), revokeAllOf(target)));
        expect(ok.status, ok.text).to.equal(200);
      }
      await costsNothing(async () => {
        const third = await post(s, await signPatientAction(patient("patient3"), revokeAllOf(target)));
        expect([third.status, errorCode(third)]).to.deep.equal([429, "RATE_LIMITED"]);
        expect(Number(third.headers.get("retry-after"))).to.be.greaterThan(0);
        expect((third.body as { error: { message: string } }).error.message).to.contain("many changes");
      });

      const perIp = relayServer({}, { relayClient: { name: "relay-ip-test", burst: 1, perMinute: 1 / 1440 } });
      const request = await signPatientAction(patient("patient2"), revokeAllOf(target));
      await costsNothing(async () => {
        expect(errorCode(await post(perIp, { ...request, chainId: 1 }, "203.0.113.9"))).to.equal("WRONG_CHAIN");
        const limited = await post(perIp, request, "203.0.113.9");
        expect([limited.status, errorCode(limited)]).to.deep.equal([429, "RATE_LIMITED"]);
      });
      expect((await post(perIp, request, "203.0.113.10")).status, "another network").to.equal(200);
    });

    it("a relayer holding 0 ETH answers RELAYER_OUT_OF_FUNDS in plain words; funded again, the same request goes through", async () => {
      const s = relayServer();
      const funds = await balanceOf(world.ledger, relayerAddress);
      await setBalance(world.ledger, relayerAddress, 0n);
      const request = await signPatientAction(patient("patient1"), revokeAllOf(addressOf("doctor3")));
      const logged: string[] = [];
      const error = console.error;
      const sent = await sentBy(world.ledger, relayerAddress);
      console.error = (...args: unknown[]) => void logged.push(args.join(" "));
      let reply: ApiReply;
      try {
        reply = await post(s, request);
      } finally {
        console.error = error;
      }
      expect(await sentBy(world.ledger, relayerAddress), "nothing sent").to.equal(sent);
      expect([reply.status, errorCode(reply)]).to.deep.equal([503, "RELAYER_OUT_OF_FUNDS"]);
      const body = reply.body as { error: { message: string; hint: string } };
      expect(body.error.message).to.equal("The hospital's relayer is out of funds, so it cannot send your change. Nothing was sent.");
      expect(body.error.hint).to.contain("Tell the hospital, or try again later");
      expect(logged.join("\n")).to.contain(`relayer ${relayerAddress} is out of funds: it holds 0 ETH`);

      // The status shows it to the administrator.
      const admin = new Browser(s);
      await admin.signInAs("admin");
      const status = await admin.call("relayStatus", "GET", "/api/relay/status");
      expect(status.status, status.text).to.equal(200);
      expect(status.body).to.include({ address: relayerAddress, balanceWei: "0", actionsLeft: "0", lowFunds: true });

      await setBalance(world.ledger, relayerAddress, funds);
      const again = await post(s, request);
      expect(again.status, again.text).to.equal(200);
      const healthy = await admin.call("relayStatus", "GET", "/api/relay/status");
      expect(healthy.body.lowFunds).to.equal(false);
    });

    it("the status is the administrator's only; a server without a relayer says so", async () => {
      const s = relayServer();
      const anonymous = await new Browser(s).call("relayStatus", "GET", "/api/relay/status");
      expect(anonymous.status).to.equal(401);
      const patientBrowser = new Browser(s);
      await patientBrowser.signInAs("patient1");
      const refused = await patientBrowser.call("relayStatus", "GET", "/api/relay/status");
      expect([refused.status, errorCode(refused)]).to.deep.equal([403, "NO_ACCESS"]);

      const none = server(db, world.ledger);
      const reply = await post(none, await signPatientAction(patient("patient1"), revokeAllOf(addressOf("doctor3"))));
      expect([reply.status, errorCode(reply)]).to.deep.equal([503, "RELAYER_UNAVAILABLE"]);
    });

    it("parallel actions of several patients from one relayer key all land (managed nonces)", async () => {
      const s = relayServer();
      const sent = await sentBy(world.ledger, relayerAddress);
      const handles = ["patient1", "patient2", "patient3"];
      const requests: SignedAction[] = [];
      for (const handle of handles) requests.push(await signPatientAction(patient(handle), revokeAllOf(addressOf("doctor1"))));
      const replies = await Promise.all(requests.map((r, i) => post(s, r, `192.0.2.${i + 1}`)));
      expect(
        replies.map((r) => r.status),
        replies.map((r) => r.text).join("\n"),
      ).to.deep.equal([200, 200, 200]);
      expect(new Set(replies.map((r) => r.body.hash)).size).to.equal(3);
      expect(await sentBy(world.ledger, relayerAddress)).to.equal(sent + 3);
    });

    it("an unconfirmed transaction is answered as pending (202) with its hash, never as done", async () => {
      // The wait is the server's setting (30 s by default): here 300 ms, with the node not mining.
      const quick = relayServer({ relayer: { writer: relayer, waitMs: 300 } });
      const node = createTestClient({ mode: "hardhat", transport: world.ledger.transport });
      await node.setAutomine(false);
      let reply: ApiReply;
      try {
        reply = await post(quick, await signPatientAction(patient("patient2"), revokeAllOf(addressOf("doctor2"))));
      } finally {
        await node.mine({ blocks: 1 });
        await node.setAutomine(true);
      }
      expect(reply.status, reply.text).to.equal(202);
      expect(reply.body.status).to.equal("pending");
      const receipt = await world.ledger.reader().publicClient.waitForTransactionReceipt({ hash: reply.body.hash as Hex });
      expect(receipt.status).to.equal("success");
    });

    it("a relayed transaction the node dropped does not lock the patient's nonce: signed again, it goes through", async () => {
      const quick = relayServer({ relayer: { writer: relayer, waitMs: 300 } });
      const node = createTestClient({ mode: "hardhat", transport: world.ledger.transport });
      const action = revokeAllOf(addressOf("doctor3"));
      await node.setAutomine(false);
      let first: ApiReply;
      try {
        first = await post(quick, await signPatientAction(patient("patient3"), action));
        expect(first.status, first.text).to.equal(202);
        // While it is pending, the same change signed again is refused: it would be paid twice.
        const twice = await post(quick, await signPatientAction(patient("patient3"), action));
        expect([twice.status, errorCode(twice)]).to.deep.equal([409, "CONFLICT"]);
        await node.dropTransaction({ hash: first.body.hash as Hex });
      } finally {
        await node.setAutomine(true);
      }
      const again = await post(quick, await signPatientAction(patient("patient3"), action));
      expect(again.status, again.text).to.equal(200);
      const receipt = await world.ledger.reader().publicClient.getTransactionReceipt({ hash: again.body.hash as Hex });
      expect(receipt.status).to.equal("success");
    });

    it("the core client signs, posts and awaits: the CLI or the web app relay the same way", async () => {
      const s = relayServer();
      const steps: string[] = [];
      // The endpoint answers through the real handler (no HTTP server needed for the core client).
      const viaHandler: typeof fetch = async (input, init) => s.api.relay(new Request(new URL(String(input), "http://localhost:3000"), init));
      const send = relayClientSender(patient("patient1"), { fetch: viaHandler, origin: "http://localhost:3000", onStep: (step) => steps.push(step) });
      const result = await send(grantTo(addressOf("doctor3"), world.reportId));
      expect(result.receipt.status).to.equal("success");
      expect(steps).to.deep.equal(["signing", "relaying", "confirming"]);
      expect(await readLedger(world.ledger.reader(), "canRead", [world.reportId, addressOf("doctor3")])).to.equal(true);
      // A refusal comes back as the server's MedLedgerError.
      const stale = await signPatientAction(patient("patient1"), revokeAllOf(addressOf("doctor3")), { nonce: 0n });
      try {
        await postSignedAction(stale, { fetch: viaHandler, origin: "http://localhost:3000" });
        expect.fail("a stale nonce must be refused");
      } catch (error) {
        expect((error as { code?: string }).code).to.equal("NONCE_REUSED");
      }
      expect(await balanceOf(world.ledger, addressOf("patient1"))).to.equal(0n);
    });
  });
}
