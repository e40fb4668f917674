/**
 * The IPFS gateway (server/ipfs/gateway.ts) through the real API handlers, a real database and a
 * real contract, in front of two independent Kubo-RPC nodes: the embedded Helia node and js-ipfs
 * 0.66 (harness/js-ipfs.ts). The same cases run against each. The browser's store
 * (core/ipfs/gatewayStore.ts) carries the session cookie and this site's Origin, as a browser does.
 */
import { expect } from "chai";
import { bytesToHex } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { createGatewayStore, type FetchLike } from "#core/ipfs/gatewayStore.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { createRemotePinning, REMOTE_PIN_NAME } from "#core/ipfs/remotePinning.ts";
import type { ContentStore, StreamingContentStore } from "#core/ipfs/types.ts";
import { readReport, readReportSummary } from "#core/reports/read.ts";
import { rekeyReport } from "#core/reports/rekey.ts";
import { prepareReport, submitReport } from "#core/reports/upload.ts";
import { startJsIpfs, type JsIpfsNode } from "#harness/js-ipfs.ts";
import { startPinningService, type PinningServiceProcess } from "#harness/pinningService.ts";
import type { Api } from "#server/http/api.ts";
import { DEFAULT_LIMITS, type ServerLimits } from "#server/limits/config.ts";
import { embeddedIpfs, type IpfsFixture } from "../support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "../support/ledgers.ts";
import { announceBackend, BACKENDS, Browser, freshDatabase, server, type Server, type TestDatabase } from "../support/server.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "../support/story.ts";

const ORIGIN = "http://localhost:3000";

/** A Kubo-RPC node the gateway runs in front of, with the admin calls a test needs to lose a file. */
interface IpfsBackend {
  readonly name: string;
  readonly apiUrl: string;
  readonly store: StreamingContentStore;
  /** Unpins `cid` and collects garbage on the node itself: the file is gone. */
  destroy(cid: string): Promise<void>;
  close(): Promise<void>;
}

async function embeddedBackend(): Promise<IpfsBackend> {
  const ipfs: IpfsFixture = await embeddedIpfs();
  return backendOver("embedded Helia node", ipfs.apiUrl, () => ipfs.close());
}

async function jsIpfsBackend(): Promise<IpfsBackend> {
  const node: JsIpfsNode = await startJsIpfs((line) => console.log(`      ${line}`));
  return backendOver("js-ipfs 0.66", node.apiUrl, () => node.stop());
}

function backendOver(name: string, apiUrl: string, close: () => Promise<void>): IpfsBackend {
  const store = createKuboStore(apiUrl);
  return {
    name,
    apiUrl,
    store,
    async destroy(cid) {
      await store.unpin!(cid);
      const gc = await fetch(`${apiUrl}/api/v0/repo/gc`, { method: "POST" });
      expect(gc.status, "repo/gc").to.equal(200);
      await gc.text();
      expect(await store.isPinned(cid)).to.equal(false);
    },
    close,
  };
}

const BACKEND_FACTORIES: readonly { readonly name: string; readonly start: () => Promise<IpfsBackend> }[] = [
  { name: "embedded Helia node", start: embeddedBackend },
  { name: "js-ipfs 0.66", start: jsIpfsBackend },
];

/** The gateway routes of the API a path names (what Next.js's route files do). */
function routeOf(api: Api, method: string, path: string): Api[keyof Api] {
  if (method === "POST" && /^\/api\/ipfs\/?$/.test(path)) return api.ipfsAdd;
  if (method === "POST" && /^\/api\/ipfs\/[^/]+\/unpin$/.test(path)) return api.ipfsUnpin;
  if (method === "GET" && /^\/api\/ipfs\/[^/]+\/pin$/.test(path)) return api.ipfsPin;
  if (method === "GET" && /^\/api\/ipfs\/[^/]+$/.test(path)) return api.ipfsCat;
  throw new Error(`no gateway route for ${method} ${path}`);
}

/** fetch as the browser `browser` (its cookie; this site's Origin on POST), answered by the real handlers. */
function browserFetch(browser: Browser, extra: Record<string, string> = {}): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(input, browser.origin);
    const method = init.method ?? "GET";
    const headers = new Headers(init.headers);
    const cookie = browser.cookieValue();
    if (cookie) headers.set("cookie", cookie);
    if (method !== "GET") headers.set("origin", browser.origin);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    const request = new Request(url, { method, headers, ...(init.body ? { body: init.body, duplex: "half" } : {}) } as RequestInit);
    return routeOf(browser.server.api, method, url.pathname)(request);
  };
}

function ciphertextLike(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  bytes[0] = 0x02; // the report cipher's version byte
  return bytes;
}

async function upload(browser: Browser, body: BodyInit, options: { contentType?: string | null; origin?: string | null; query?: string; ip?: string } = {}) {
  const headers = new Headers();
  const cookie = browser.cookieValue();
  if (cookie) headers.set("cookie", cookie);
  if (options.origin !== null) headers.set("origin", options.origin ?? browser.origin);
  if (options.contentType !== null) headers.set("content-type", options.contentType ?? "application/octet-stream");
  if (options.ip) headers.set("x-forwarded-for", options.ip);
  const response = await browser.server.api.ipfsAdd(new Request(`${browser.origin}/api/ipfs${options.query ?? ""}`, { method: "POST", headers, body }));
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as { cid?: string; error?: { code: string; message: string } }, headers: response.headers };
}

for (const factory of BACKEND_FACTORIES) {
  for (const dbBackend of BACKENDS) {
    describe(`IPFS gateway in front of the ${factory.name} (${dbBackend})`, function () {
      this.timeout(180_000);
      let backend: IpfsBackend;
      let ledger: LedgerFixture;
      let db: TestDatabase;
      let identities: Map<string, EncryptionIdentity>;

      const serve = (limits: Partial<ServerLimits> = {}): Server => server(db, ledger, { ipfs: backend.store, limits: { ...DEFAULT_LIMITS, ...limits } });
      const signedIn = async (handle: string, s: Server = serve()): Promise<Browser> => {
        const browser = new Browser(s, ORIGIN);
        await browser.signInAs(handle);
        return browser;
      };
      const gatewayAs = (browser: Browser): ContentStore => createGatewayStore({ baseUrl: ORIGIN, fetch: browserFetch(browser) });

      before(async () => {
        announceBackend(dbBackend);
        backend = await factory.start();
        ledger = await inProcessLedger();
        db = await freshDatabase(dbBackend);
        identities = await setUpClinic(ledger, backend.store);
      });
      after(async () => {
        await db?.dispose();
        await ledger?.close();
        await backend?.close();
      });

      it("stores a signed-in doctor's ciphertext on the node (the same CID as the node gives, pinned) and serves it back read-only, streamed", async () => {
        const doctor = await signedIn("doctor1");
        const bytes = ciphertextLike(700_000, 1);
        const reply = await upload(doctor, new Blob([bytes as Uint8Array<ArrayBuffer>]));
        expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
        const cid = reply.body.cid!;
        expect(cid).to.match(/^bafybei/);
        expect(await backend.store.isPinned(cid)).to.equal(true);
        expect(await backend.store.add(bytes)).to.equal(cid);

        const read = await doctor.server.api.ipfsCat(new Request(`${ORIGIN}/api/ipfs/${cid}`));
        expect(read.status).to.equal(200);
        expect(read.headers.get("content-type")).to.equal("application/octet-stream");
        expect(read.headers.get("cache-control")).to.contain("immutable");
        expect(read.headers.get("x-content-type-options")).to.equal("nosniff");
        expect(new Uint8Array(await read.arrayBuffer())).to.deep.equal(bytes);
        // The browser's store: the same bytes, and the pin check.
        const store = gatewayAs(doctor);
        expect(await store.cat(cid)).to.deep.equal(bytes);
        expect(await store.isPinned(cid)).to.equal(true);
        await expectCode(store.cat(cid, { maxBytes: 1000 }), "FILE_TOO_LARGE");
        // A prefix only (a list opens just a report's head): the first bytes, nothing more sent.
        const head = await doctor.server.api.ipfsCat(new Request(`${ORIGIN}/api/ipfs/${cid}?length=4125`));
        expect(head.status).to.equal(200);
        expect(new Uint8Array(await head.arrayBuffer())).to.deep.equal(bytes.subarray(0, 4125));
        expect(head.headers.get("etag")).to.not.equal(read.headers.get("etag"));
        expect(await store.cat(cid, { length: 4125 })).to.deep.equal(bytes.subarray(0, 4125));
        expect((await doctor.server.api.ipfsCat(new Request(`${ORIGIN}/api/ipfs/${cid}?length=-1`))).status).to.equal(400);
      });

      it("refuses uploads without a session, for a patient, cross-site, without the byte Content-Type, over the size limit, and of plaintext documents", async () => {
        const bytes = new Blob([ciphertextLike(2_000, 2) as Uint8Array<ArrayBuffer>]);
        const anonymous = new Browser(serve(), ORIGIN);
        const none = await upload(anonymous, bytes);
        expect([none.status, none.body.error?.code]).to.deep.equal([401, "NOT_SIGNED_IN"]);

        const patient = await signedIn("patient1");
        const refused = await upload(patient, bytes);
        expect([refused.status, refused.body.error?.code]).to.deep.equal([403, "NO_ACCESS"]);
        expect(refused.body.error?.message).to.match(/only doctors/);
        // A patient's re-key names a report: an unknown one is refused too.
        const unknown = await upload(patient, bytes, { query: `?report=${bytesToHex(new Uint8Array(32).fill(9))}` });
        expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, "UNKNOWN_REPORT"]);
        const stranger = await signedIn("stranger");
        expect((await upload(stranger, bytes)).status).to.equal(403);

        const doctor = await signedIn("doctor1");
        expect((await upload(doctor, bytes, { origin: "https://evil.example" })).status).to.equal(403);
        expect((await upload(doctor, bytes, { origin: null })).status).to.equal(403);
        for (const type of ["text/plain", "application/json", "multipart/form-data; boundary=x", null]) {
          const reply = await upload(doctor, bytes, { contentType: type });
          expect([reply.status, reply.body.error?.code], String(type)).to.deep.equal([415, "UNSUPPORTED_MEDIA_TYPE"]);
        }
        // Over the size cap, streamed without Content-Length: refused once the cap is passed.
        const small = serve({ ipfs: { ...DEFAULT_LIMITS.ipfs, uploadBytes: 64 * 1024 } });
        const capped = await signedIn("doctor1", small);
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 10 * 64 * 1024) return controller.close();
            sent += 16 * 1024;
            controller.enqueue(ciphertextLike(16 * 1024, 3));
          },
        });
        const headers = new Headers({ cookie: capped.cookieValue()!, origin: ORIGIN, "content-type": "application/octet-stream" });
        const big = await small.api.ipfsAdd(new Request(`${ORIGIN}/api/ipfs`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit));
        expect(big.status).to.equal(413);
        expect(sent, "the rest of the body was never read").to.be.lessThan(10 * 64 * 1024);
        // A PDF as such is plaintext: refused, nothing stored.
        const pdf = await reportPdf("plaintext");
        const plain = await upload(doctor, new Blob([pdf as Uint8Array<ArrayBuffer>]));
        expect([plain.status, plain.body.error?.code]).to.deep.equal([415, "UNSUPPORTED_MEDIA_TYPE"]);
      });

      it("keeps each account within its daily quota, in the database (bytes and uploads), and lets the receptionist store profiles", async () => {
        const tight = serve({ ipfs: { ...DEFAULT_LIMITS.ipfs, dailyBytesPerAccount: 10_000, dailyUploadsPerAccount: 3 } });
        const receptionist = await signedIn("receptionist1", tight);
        expect((await upload(receptionist, new Blob([ciphertextLike(6_000, 4) as Uint8Array<ArrayBuffer>]))).status).to.equal(201);
        const over = await upload(receptionist, new Blob([ciphertextLike(6_000, 5) as Uint8Array<ArrayBuffer>]));
        expect([over.status, over.body.error?.code]).to.deep.equal([429, "QUOTA_EXCEEDED"]);
        expect(over.body.error?.message).to.match(/today's upload limit/);
        // Smaller files still fit the bytes, up to the count.
        expect((await upload(receptionist, new Blob([ciphertextLike(1_000, 6) as Uint8Array<ArrayBuffer>]))).status).to.equal(201);
        expect((await upload(receptionist, new Blob([ciphertextLike(1_000, 7) as Uint8Array<ArrayBuffer>]))).status).to.equal(201);
        expect((await upload(receptionist, new Blob([ciphertextLike(100, 8) as Uint8Array<ArrayBuffer>]))).body.error?.code).to.equal("QUOTA_EXCEEDED");
        // Another account has its own quota; the next UTC day starts afresh.
        const doctor = await signedIn("doctor2", tight);
        expect((await upload(doctor, new Blob([ciphertextLike(6_000, 9) as Uint8Array<ArrayBuffer>]))).status).to.equal(201);
        tight.clock.advance(24 * 60 * 60 * 1000);
        const tomorrow = await signedIn("receptionist1", tight);
        expect((await upload(tomorrow, new Blob([ciphertextLike(100, 11) as Uint8Array<ArrayBuffer>]))).status).to.equal(201);
      });

      it("rate-limits reads per client network (429 + Retry-After), validates the CID, and serves pinned CIDs only", async () => {
        const s = serve({ buckets: { ...DEFAULT_LIMITS.buckets, ipfsReadClient: { name: "ipfs-read-ip", burst: 3, perMinute: 1 } } });
        const cid = await backend.store.add(ciphertextLike(3_000, 12));
        const get = (path: string, ip = "203.0.113.7") => s.api.ipfsCat(new Request(`${ORIGIN}${path}`, { headers: { "x-forwarded-for": ip } }));
        for (let i = 0; i < 3; i++) expect((await get(`/api/ipfs/${cid}`)).status).to.equal(200);
        const limited = await get(`/api/ipfs/${cid}`);
        expect(limited.status).to.equal(429);
        expect(Number(limited.headers.get("retry-after"))).to.be.greaterThan(0);
        expect((await get(`/api/ipfs/${cid}`, "198.51.100.9")).status, "another network has its own bucket").to.equal(200);

        const open = serve();
        const read = (path: string) => open.api.ipfsCat(new Request(`${ORIGIN}${path}`));
        for (const bad of ["not-a-cid", "..%2F..%2Fapi%2Fv0%2Fpin%2Frm%3Farg%3D" + cid, "%2Fapi%2Fv0%2Fshutdown", `${cid}%2F..%2F..%2Frepo%2Fgc`]) {
          const reply = await read(`/api/ipfs/${bad}`);
          expect(reply.status, bad).to.equal(400);
          expect(((await reply.json()) as { error: { code: string } }).error.code).to.equal("INVALID_INPUT");
        }
        expect(await backend.store.isPinned(cid), "nothing reached the node's admin API").to.equal(true);
        // A valid CID the node does not pin: 404 at once (the server is no open gateway to the network).
        const unknown = await read(`/api/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`);
        expect([unknown.status, ((await unknown.json()) as { error: { code: string } }).error.code]).to.deep.equal([404, "UNKNOWN_CID"]);
        const pin = await open.api.ipfsPin(new Request(`${ORIGIN}/api/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy/pin`));
        expect(await pin.json()).to.deep.equal({ cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", pinned: false });
        // Objects over the read cap are refused.
        const capped = serve({ ipfs: { ...DEFAULT_LIMITS.ipfs, readBytes: 1_000 } });
        const over = await capped.api.ipfsCat(new Request(`${ORIGIN}/api/ipfs/${cid}`));
        if (over.status === 200) {
          // The node's first chunk was within the cap: the transfer is cut when it is passed, never handed out as complete.
          await expectCode(over.arrayBuffer(), "FILE_TOO_LARGE");
        } else {
          expect([over.status, ((await over.json()) as { error: { code: string } }).error.code]).to.deep.equal([413, "FILE_TOO_LARGE"]);
        }
      });

      it("a doctor's report goes through the gateway only: registered once pinned, opened by the patient", async () => {
        const doctor = await signedIn("doctor1");
        const store = gatewayAs(doctor);
        const patient = addressOf(ledger, "patient1");
        const prepared = await prepareReport(ledger.as("doctor1"), store, { file: await reportPdf("via gateway"), patient });
        const { reportId, record } = await submitReport(ledger.as("doctor1"), store, prepared);
        expect(await backend.store.isPinned(record.cid)).to.equal(true);
        const reader = gatewayAs(await signedIn("patient1"));
        // Opened means decrypted and checked against the digests on chain.
        const opened = await readReport(ledger.reader(), reader, reportId, identities.get("patient1")!);
        expect(opened.bytes).to.deep.equal(prepared.issuedFile);
        // A list's title comes from the head alone, through the gateway too (none given here: null).
        expect(await readReportSummary(ledger.reader(), reader, record, identities.get("patient1")!)).to.equal(null);
        // The patient may store a re-key ciphertext of their own report (and only of theirs).
        const patientBrowser = await signedIn("patient1");
        const rekeyed = await upload(patientBrowser, new Blob([ciphertextLike(5_000, 13) as Uint8Array<ArrayBuffer>]), { query: `?report=${reportId}` });
        expect(rekeyed.status, JSON.stringify(rekeyed.body)).to.equal(201);
      });

      it("a patient's re-key stores the new ciphertext and has the node drop the superseded one — only that one, only for the report's parties", async () => {
        const doctor = await signedIn("doctor1");
        const prepared = await prepareReport(ledger.as("doctor1"), gatewayAs(doctor), {
          file: await reportPdf("to be re-keyed"),
          patient: addressOf(ledger, "patient1"),
        });
        const { reportId } = await submitReport(ledger.as("doctor1"), gatewayAs(doctor), prepared);
        const patientBrowser = await signedIn("patient1");
        const patientStore = gatewayAs(patientBrowser);
        const rekeyed = await rekeyReport(ledger.as("patient1"), patientStore, reportId, identities.get("patient1")!);
        expect(rekeyed.previousCid).to.equal(prepared.cid);
        expect(rekeyed.unpinned, "the old ciphertext was unpinned through the gateway").to.equal(true);
        expect(await backend.store.isPinned(prepared.cid)).to.equal(false);
        expect(await backend.store.isPinned(rekeyed.cid)).to.equal(true);
        expect((await readReport(ledger.reader(), patientStore, reportId, identities.get("patient1")!)).bytes).to.deep.equal(prepared.issuedFile);

        const unpin = (browser: Browser, cid: string, report: string = reportId) =>
          browser.server.api.ipfsUnpin(
            new Request(`${ORIGIN}/api/ipfs/${cid}/unpin?report=${report}`, {
              method: "POST",
              headers: { cookie: browser.cookieValue() ?? "", origin: ORIGIN },
            }),
          );
        // The current ciphertext is never unpinned, whoever asks; a stranger cannot unpin even an old one.
        const current = await unpin(patientBrowser, rekeyed.cid);
        expect([current.status, ((await current.json()) as { error: { code: string } }).error.code]).to.deep.equal([409, "CONFLICT"]);
        const stranger = await unpin(await signedIn("stranger"), prepared.cid);
        expect([stranger.status, ((await stranger.json()) as { error: { code: string } }).error.code]).to.deep.equal([403, "NO_ACCESS"]);
        // An unrelated CID the node pins (another report's ciphertext) is not "an earlier copy" of this one.
        const unrelated = await backend.store.add(ciphertextLike(4_000, 14));
        expect((await unpin(patientBrowser, unrelated)).status).to.equal(409);
        expect(await backend.store.isPinned(unrelated)).to.equal(true);
        expect(await backend.store.isPinned(rekeyed.cid)).to.equal(true);
        // Asked again for the old one: idempotent.
        const again = await unpin(patientBrowser, prepared.cid);
        expect(await again.json()).to.deep.equal({ cid: prepared.cid, unpinned: false });
      });

      it("refuses to register a CID the node no longer keeps, before any transaction; a retry with the kept ciphertext stores it again, registers it, and it opens", async () => {
        const doctorLedger = ledger.as("doctor1");
        const doctor = await signedIn("doctor1");
        const store = gatewayAs(doctor);
        const patient = addressOf(ledger, "patient1");
        const prepared = await prepareReport(doctorLedger, store, { file: await reportPdf("vanishes before the retry"), patient });
        // The IPFS data is lost before the registration (unpinned and garbage-collected on the node itself).
        await backend.destroy(prepared.cid);
        await expectCode(store.cat(prepared.cid), "UNKNOWN_CID");

        // A retry that no longer has the ciphertext: refused, nothing sent.
        const nonce = await doctorLedger.publicClient.getTransactionCount({ address: doctorLedger.walletClient.account.address });
        const { ciphertext, ...withoutCiphertext } = prepared;
        expect(ciphertext).to.be.instanceOf(Uint8Array);
        await expectCode(submitReport(doctorLedger, store, withoutCiphertext), "NOT_PINNED");
        expect(await doctorLedger.publicClient.getTransactionCount({ address: doctorLedger.walletClient.account.address })).to.equal(nonce);
        const [status] = await readLedger(doctorLedger, "verify", [prepared.sha256, prepared.sha1, prepared.doctor]);
        expect(status, "not registered").to.equal(0);

        // The retry with the kept ciphertext: stored again (the same CID), then registered, then openable.
        const steps: string[] = [];
        const result = await submitReport(doctorLedger, store, prepared, { onProgress: ({ step }) => steps.push(step) });
        expect(steps).to.deep.equal(["uploading", "signing", "confirming", "done"]);
        expect(result.record.cid).to.equal(prepared.cid);
        expect(await backend.store.isPinned(prepared.cid)).to.equal(true);
        const opened = await readReport(ledger.reader(), gatewayAs(await signedIn("patient1")), result.reportId, identities.get("patient1")!);
        expect(opened.bytes).to.deep.equal(prepared.issuedFile);
      });
    });
  }
}

describe("IPFS gateway backends agree", function () {
  this.timeout(180_000);
  let nodes: IpfsBackend[] = [];
  before(async () => {
    nodes = [];
    for (const factory of BACKEND_FACTORIES) nodes.push(await factory.start());
  });
  after(async () => {
    for (const node of nodes) await node.close();
  });

  it("gives the same CIDv1 for the same bytes on the embedded node and on js-ipfs (one chunk, several chunks, several DAG levels)", async () => {
    for (const size of [1, 1_000, 262_144, 262_145, 3 * 1024 * 1024, 175 * 262_144 + 1]) {
      const bytes = ciphertextLike(size, size % 251);
      const cids = await Promise.all(nodes.map((node) => node.store.add(bytes)));
      expect(new Set(cids).size, `${size} bytes: ${cids.join(" ")}`).to.equal(1);
      expect(cids[0]).to.match(/^bafybei/);
      for (const node of nodes) expect(await node.store.cat(cids[0]!), node.name).to.deep.equal(bytes);
    }
  });
});

describe("IPFS gateway with a remote pinning service (IPFS Pinning Service API; ipfs-shipyard's reference implementation as a real server)", function () {
  this.timeout(180_000);
  let backend: IpfsBackend;
  let ledger: LedgerFixture;
  let db: TestDatabase;
  let service: PinningServiceProcess;
  let identities: Map<string, EncryptionIdentity>;
  /** The node's addresses as Kubo's `id` gives them (loopback left out): the origins the service is given. */
  let nodeAddresses: string[];

  const serve = (options: { timeoutMs?: number; token?: string } = {}): Server =>
    server(db, ledger, {
      ipfs: backend.store,
      remotePinning: createRemotePinning({ url: service.url, token: options.token ?? service.token, timeoutMs: options.timeoutMs ?? 60_000, pollMs: 50 }),
    });
  const signedIn = async (handle: string, s: Server): Promise<Browser> => {
    const browser = new Browser(s, ORIGIN);
    await browser.signInAs(handle);
    return browser;
  };
  const gatewayAs = (browser: Browser): ContentStore => createGatewayStore({ baseUrl: ORIGIN, fetch: browserFetch(browser) });
  const sentBy = (handle: string) => ledger.as(handle).publicClient.getTransactionCount({ address: ledger.as(handle).walletClient.account.address });

  before(async () => {
    backend = await embeddedBackend();
    ledger = await inProcessLedger();
    db = await freshDatabase("pglite");
    service = await startPinningService();
    identities = await setUpClinic(ledger, backend.store);
    const id = (await (await fetch(`${backend.apiUrl}/api/v0/id`, { method: "POST" })).json()) as { Addresses: string[] };
    nodeAddresses = id.Addresses.filter((address) => !/^\/(ip4\/127\.|ip6\/::1\/)/.test(address));
  });
  after(async () => {
    await service?.stop();
    await db?.dispose();
    await ledger?.close();
    await backend?.close();
  });

  it("asks the service to pin each upload (the node's addresses as origins); a report is registered only once the service reports it pinned, and waits for it", async () => {
    const s = serve();
    const doctor = await signedIn("doctor1", s);
    const reply = await upload(doctor, new Blob([ciphertextLike(3_000, 21) as Uint8Array<ArrayBuffer>]));
    expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
    const [request, ...others] = await service.requestsFor(reply.body.cid!);
    expect(others).to.deep.equal([]);
    expect(request!.status, "a new request is queued").to.equal("queued");
    expect(request!.pin.name).to.equal(REMOTE_PIN_NAME);
    expect(request!.pin.origins ?? []).to.deep.equal(nodeAddresses);
    // Reads come from the node and do not wait for the service.
    expect(new Uint8Array(await (await s.api.ipfsCat(new Request(`${ORIGIN}/api/ipfs/${reply.body.cid}`))).arrayBuffer())).to.have.length(3_000);

    // A report whose ciphertext the service has queued only: the registration waits; once the
    // service pins it, it is registered and opens.
    const store = gatewayAs(doctor);
    const prepared = await prepareReport(ledger.as("doctor1"), store, { file: await reportPdf("kept twice"), patient: addressOf(ledger, "patient1") });
    expect((await service.requestsFor(prepared.cid)).map((r) => r.status)).to.deep.equal(["queued"]);
    const submitting = submitReport(ledger.as("doctor1"), store, prepared);
    await service.settle(prepared.cid, "pinned");
    const { reportId } = await submitting;
    expect((await service.requestsFor(prepared.cid)).map((r) => r.status)).to.deep.equal(["pinned"]);
    const opened = await readReport(ledger.reader(), gatewayAs(await signedIn("patient1", s)), reportId, identities.get("patient1")!);
    expect(opened.bytes).to.deep.equal(prepared.issuedFile);
  });

  it("refuses to register while the service has not pinned within the time limit, or failed (NOT_PINNED, no transaction); the retry asks the service again", async () => {
    const impatient = serve({ timeoutMs: 300 });
    const doctor = await signedIn("doctor1", impatient);
    const store = gatewayAs(doctor);
    const prepared = await prepareReport(ledger.as("doctor1"), store, { file: await reportPdf("queued for ever"), patient: addressOf(ledger, "patient1") });
    const before = await sentBy("doctor1");
    await expectCode(submitReport(ledger.as("doctor1"), store, prepared), "NOT_PINNED");
    const pin = await impatient.api.ipfsPin(new Request(`${ORIGIN}/api/ipfs/${prepared.cid}/pin`));
    expect(pin.status).to.equal(502);
    const queued = (await pin.json()) as { error: { code: string; message: string; hint: string } };
    expect(queued.error.message).to.match(/has not confirmed it keeps the encrypted file yet .* is queued/);
    expect(queued.error.hint).to.match(/Retry in a few minutes/);
    expect(await backend.store.isPinned(prepared.cid), "the node itself keeps it").to.equal(true);

    // The service gives up on it: a clear refusal, and its failed request is withdrawn.
    await service.settle(prepared.cid, "failed");
    const failed = await impatient.api.ipfsPin(new Request(`${ORIGIN}/api/ipfs/${prepared.cid}/pin`));
    const body = (await failed.json()) as { error: { code: string; message: string; hint: string } };
    expect([failed.status, body.error.code]).to.deep.equal([502, "NOT_PINNED"]);
    expect(body.error.message).to.match(/could not keep the encrypted file/);
    expect(body.error.hint).to.match(/the service is asked again/);
    expect(await service.requestsFor(prepared.cid)).to.deep.equal([]);
    expect(await sentBy("doctor1"), "nothing was sent").to.equal(before);
    const [status] = await readLedger(ledger.as("doctor1"), "verify", [prepared.sha256, prepared.sha1, prepared.doctor]);
    expect(status, "not registered").to.equal(0);

    // The retry asks the service again; once a working service pins it, the report is registered.
    const worker = service.pinEverything();
    try {
      const { record } = await submitReport(ledger.as("doctor1"), gatewayAs(await signedIn("doctor1", serve())), prepared);
      expect(record.cid).to.equal(prepared.cid);
      expect((await service.requestsFor(prepared.cid)).map((r) => r.status)).to.deep.equal(["pinned"]);
    } finally {
      await worker.stop();
    }
  });

  it("a wrong access token is an error naming the token, and nothing is registered", async () => {
    const wrong = serve({ token: "not-the-token" });
    const doctor = await signedIn("doctor1", wrong);
    const store = gatewayAs(doctor);
    const prepared = await prepareReport(ledger.as("doctor1"), store, { file: await reportPdf("wrong token"), patient: addressOf(ledger, "patient1") });
    expect(await service.requestsFor(prepared.cid), "the service refused the request").to.deep.equal([]);
    const pin = await wrong.api.ipfsPin(new Request(`${ORIGIN}/api/ipfs/${prepared.cid}/pin`));
    const body = (await pin.json()) as { error: { code: string; hint: string } };
    expect([pin.status, body.error.code]).to.deep.equal([502, "IPFS_UNREACHABLE"]);
    expect(body.error.hint).to.match(/MEDLEDGER_PINNING_SERVICE_TOKEN/);
    await expectCode(submitReport(ledger.as("doctor1"), store, prepared), "IPFS_UNREACHABLE");
  });

  it("a re-key's unpin of the superseded ciphertext also removes its remote pin; the new one is pinned on both", async () => {
    const worker = service.pinEverything();
    try {
      const s = serve();
      const doctor = await signedIn("doctor1", s);
      const prepared = await prepareReport(ledger.as("doctor1"), gatewayAs(doctor), {
        file: await reportPdf("re-keyed, old copy dropped"),
        patient: addressOf(ledger, "patient1"),
      });
      const { reportId } = await submitReport(ledger.as("doctor1"), gatewayAs(doctor), prepared);
      const rekeyed = await rekeyReport(ledger.as("patient1"), gatewayAs(await signedIn("patient1", s)), reportId, identities.get("patient1")!);
      expect(rekeyed.unpinned).to.equal(true);
      expect(await backend.store.isPinned(prepared.cid)).to.equal(false);
      expect(await service.requestsFor(prepared.cid), "the old ciphertext's remote pin is gone").to.deep.equal([]);
      expect((await service.requestsFor(rekeyed.cid)).map((r) => r.status)).to.deep.equal(["pinned"]);
      expect(await backend.store.isPinned(rekeyed.cid)).to.equal(true);
    } finally {
      await worker.stop();
    }
  });
});
