/** The storage layer: embedded Helia node, its Kubo-RPC endpoint through kubo-rpc-client, CID agreement. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { openHeliaStore } from "#local-stack/ipfs/heliaStore.ts";
import { startKuboRpcServer } from "#local-stack/ipfs/kuboRpcServer.ts";
import { cidFromBytes, cidToBytes } from "#core/ipfs/cid.ts";
import { embeddedIpfs, type IpfsFixture } from "../support/ipfs.ts";
import { expectCode } from "../support/story.ts";

/** Deterministic, non-repeating-per-chunk bytes (a 4-byte counter per word, salted by the seed). */
function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i + 4 <= size; i += 4) view.setUint32(i, (i * 2654435761 + seed * 97) >>> 0);
  for (let i = size - (size % 4); i < size; i++) bytes[i] = (i + seed) & 0xff;
  return bytes;
}

/** Debian's independent `ipfs_cid` (package ipfs-cid): Kubo's default import, printed as CIDv0 and CIDv1. */
function independentCid(bytes: Uint8Array, dir: string): string {
  const path = join(dir, "file.bin");
  writeFileSync(path, bytes);
  let out: string;
  try {
    out = execFileSync("ipfs_cid", [path], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 20 });
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") {
      throw new Error("Debian's `ipfs_cid` is missing: install it with `apt-get install -y ipfs-cid` (the CID-agreement test needs it).", { cause: error });
    }
    throw error;
  }
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`ipfs_cid printed no CID: ${out}`);
  return (JSON.parse(line) as { CIDv1: string }).CIDv1;
}

describe("IPFS storage", function () {
  this.timeout(120_000);
  let ipfs: IpfsFixture;
  let tmp: string;

  before(async () => {
    ipfs = await embeddedIpfs();
    tmp = mkdtempSync(join(tmpdir(), "medledger-cid-"));
  });
  after(async () => {
    await ipfs?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("stores and returns identical bytes through kubo-rpc-client and the Kubo-RPC endpoint", async () => {
    const bytes = pattern(700_000, 1);
    const cid = await ipfs.store.add(bytes);
    expect(cid).to.match(/^bafy/);
    expect(Buffer.from(await ipfs.store.cat(cid)).equals(Buffer.from(bytes))).to.equal(true);
    expect(Buffer.from(await ipfs.helia.cat(cid)).equals(Buffer.from(bytes))).to.equal(true);
  });

  it("gives the same CID as Debian's independent ipfs_cid tool, through both backends", async () => {
    for (const size of [1, 1024, 262_144, 262_145, 300 * 1024, 3 * 1024 * 1024]) {
      const bytes = pattern(size, size);
      const expected = independentCid(bytes, tmp);
      expect(await ipfs.store.add(bytes), `${size} bytes via Kubo RPC`).to.equal(expected);
      expect(await ipfs.helia.add(bytes), `${size} bytes via Helia`).to.equal(expected);
    }
  });

  it("agrees with ipfs_cid on the empty file and across the 174-link boundary of the balanced DAG", async () => {
    // 174 chunks of 256 KiB fill one root node; one byte more needs a second level.
    for (const size of [0, 174 * 262_144, 174 * 262_144 + 1]) {
      const bytes = pattern(size, 7);
      expect(await ipfs.helia.add(bytes), `${size} bytes via Helia`).to.equal(independentCid(bytes, tmp));
    }
  });

  it("round-trips CIDs through their binary on-chain form", async () => {
    const cid = await ipfs.store.add(pattern(10, 2));
    expect(cidFromBytes(cidToBytes(cid))).to.equal(cid);
    expect(() => cidToBytes("not-a-cid")).to.throw(/not a valid IPFS CID/);
  });

  it("keeps its blocks across a restart of the embedded node", async () => {
    const dir = mkdtempSync(join(tmpdir(), "medledger-helia-"));
    try {
      const bytes = pattern(600_000, 3);
      const first = await openHeliaStore(dir);
      const cid = await first.add(bytes);
      await first.close();
      const second = await openHeliaStore(dir);
      expect(Buffer.from(await second.cat(cid)).equals(Buffer.from(bytes))).to.equal(true);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails fast with UNKNOWN_CID for content the node does not have, and INVALID_INPUT for a malformed CID", async () => {
    const missing = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    await expectCode(ipfs.helia.cat(missing), "UNKNOWN_CID");
    await expectCode(ipfs.store.cat(missing), "UNKNOWN_CID");
    await expectCode(ipfs.store.cat("nope"), "INVALID_INPUT");
  });

  it("refuses objects over the size limit on read and uploads over the endpoint's limit", async () => {
    const cid = await ipfs.store.add(pattern(5000, 4));
    await expectCode(ipfs.store.cat(cid, { maxBytes: 1000 }), "FILE_TOO_LARGE");
    const server = await startKuboRpcServer({ store: ipfs.helia, port: 0, maxUploadBytes: 10_000 });
    try {
      try {
        await createKuboStore(server.url).add(pattern(20_000, 5));
        expect.fail("should refuse");
      } catch (error) {
        expect((error as { code?: string }).code).to.equal("FILE_TOO_LARGE");
        expect((error as Error).message).to.match(/10000-byte limit/);
      }
      // The endpoint stays usable after refusing an upload.
      const small = pattern(5_000, 6);
      expect(await createKuboStore(server.url).add(small)).to.equal(await ipfs.helia.add(small));
    } finally {
      await server.close();
    }
  });

  it("answers version like Kubo and refuses every browser origin (it is an admin API: browsers use the server's gateway)", async () => {
    const version = await fetch(`${ipfs.apiUrl}/api/v0/version`, { method: "POST" });
    expect(((await version.json()) as { Version: string }).Version).to.be.a("string");
    for (const origin of ["http://localhost:3000", "https://evil.example"]) {
      const reply = await fetch(`${ipfs.apiUrl}/api/v0/version`, { method: "POST", headers: { Origin: origin } });
      expect(reply.status, origin).to.equal(403);
      expect(reply.headers.get("access-control-allow-origin"), origin).to.equal(null);
      // No CORS preflight is answered either: a browser cannot even send kubo-rpc-client's multipart upload.
      const preflight = await fetch(`${ipfs.apiUrl}/api/v0/add`, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
      });
      expect(preflight.status, origin).to.equal(403);
      expect(preflight.headers.get("access-control-allow-origin"), origin).to.equal(null);
    }
  });

  it("lists pins, unpins and collects garbage like Kubo: an unpinned file is gone after repo/gc", async () => {
    const bytes = pattern(700_000, 12);
    const cid = await ipfs.store.add(bytes);
    expect(await ipfs.store.isPinned(cid)).to.equal(true);
    expect(await ipfs.store.unpin!(cid)).to.equal(true);
    expect(await ipfs.store.isPinned(cid)).to.equal(false);
    expect((await fetch(`${ipfs.apiUrl}/api/v0/repo/gc`, { method: "POST" })).status).to.equal(200);
    await expectCode(ipfs.store.cat(cid), "UNKNOWN_CID");
  });

  it("refuses an add with other import settings instead of returning a CID the client does not expect", async () => {
    const form = new FormData();
    form.append("file", new Blob([pattern(100, 8) as Uint8Array<ArrayBuffer>]));
    for (const query of ["cid-version=1", "rawLeaves=true", "chunker=size-1048576"]) {
      const reply = await fetch(`${ipfs.apiUrl}/api/v0/add?${query}`, { method: "POST", body: form });
      expect(reply.status, query).to.equal(400);
      const body = (await reply.json()) as { Message: string; Type: string };
      expect(body.Type).to.equal("error");
      expect(body.Message).to.match(/imports with/);
    }
  });

  it("answers bad requests with 4xx (not 500), a missing block with Kubo's 500, and streams cat", async () => {
    const post = (path: string) => fetch(`${ipfs.apiUrl}${path}`, { method: "POST" });
    expect((await post("/api/v0/cat")).status).to.equal(400);
    expect((await post("/api/v0/cat?arg=not-a-cid")).status).to.equal(400);
    expect((await post("/api/v0/cat?arg=bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi&offset=-1")).status).to.equal(400);
    expect((await post("/api/v0/shutdown")).status).to.equal(404);
    expect((await fetch(`${ipfs.apiUrl}/api/v0/cat`, { method: "GET" })).status).to.equal(405);
    const missing = await post("/api/v0/cat?arg=bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
    expect(missing.status).to.equal(500);
    expect(((await missing.json()) as { Type: string }).Type).to.equal("error");
    // A 12 MiB file arrives in chunks (no Content-Length: it is not assembled first), byte for byte, and by range.
    const bytes = pattern(12 * 1024 * 1024, 11);
    const cid = await ipfs.store.add(bytes);
    const reply = await post(`/api/v0/cat?arg=${cid}`);
    expect(reply.status).to.equal(200);
    expect(reply.headers.get("content-length")).to.equal(null);
    expect(reply.headers.get("transfer-encoding")).to.equal("chunked");
    let chunks = 0;
    const parts: Uint8Array[] = [];
    for await (const part of reply.body as unknown as AsyncIterable<Uint8Array>) {
      chunks++;
      parts.push(part);
    }
    expect(chunks).to.be.greaterThan(1);
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).to.equal(true);
    const range = Buffer.from(await (await post(`/api/v0/cat?arg=${cid}&offset=1000000&length=300000`)).arrayBuffer());
    expect(range.equals(Buffer.from(bytes.subarray(1_000_000, 1_300_000)))).to.equal(true);
    expect(Buffer.from(await ipfs.store.cat(cid)).equals(Buffer.from(bytes))).to.equal(true);
  });

  it("pins what it adds, so a garbage collection would keep it", async () => {
    const cid = await ipfs.store.add(pattern(300_000, 9));
    expect(await ipfs.helia.isPinned(cid)).to.equal(true);
    expect(await ipfs.helia.isPinned("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")).to.equal(false);
  });

  it("names the URL when the endpoint is unreachable", async () => {
    const store = createKuboStore("http://127.0.0.1:9");
    try {
      await store.cat("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
      expect.fail("should fail");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("IPFS_UNREACHABLE");
      expect((error as Error).message).to.contain("http://127.0.0.1:9");
    }
  });
});
