/**
 * A registration reorganised out of the chain after the CLI said "registered": with a finality
 * depth (MEDLEDGER_FINALITY_BLOCKS), the upload's retry record is kept until its block is final;
 * `medledger report pending` sees the registration gone and registers the same prepared upload
 * again (same CID, nothing uploaded again), then drops the record once final. The reorganisation
 * is a real one: anvil's `anvil_reorg` replaces the chain's last blocks with blocks without it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { toHex } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { anvilLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { reportPdf, setUpClinic } from "#test/support/story.ts";
import { address, cliOn, json, type CliResult } from "../support/cli.ts";

interface UploadJson {
  readonly reportId: string;
  readonly cid: string;
  readonly blockNumber: string;
  readonly final: boolean;
  readonly finalityBlocks: number;
}

interface PendingJson {
  readonly ok: boolean;
  readonly finalityBlocks: number;
  readonly uploads: readonly { reportId: string; cid: string; status: string; confirmations?: number; blockNumber?: string }[];
}

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: a registration reorganised out after success is registered again by the pending retry", function () {
  this.timeout(300_000);
  const FINALITY = { MEDLEDGER_FINALITY_BLOCKS: "4" };
  let fixture: LedgerFixture;
  let ipfs: IpfsFixture;
  let dir: string;
  const patient = address("patient1");
  const doctor = address("doctor1");
  const node = () => fixture.reader().publicClient as unknown as { request(args: { method: string; params: unknown[] }): Promise<unknown> };

  // anvil keeping its history (the local stack's node prunes it, and a reorganisation needs it).
  before(async () => {
    fixture = await anvilLedger();
    ipfs = await embeddedIpfs();
    dir = mkdtempSync(join(tmpdir(), "medledger-reorg-"));
    await setUpClinic(fixture, ipfs.store);
  });
  after(async () => {
    await ipfs?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const cli = {
    get dir() {
      return dir;
    },
    run: cliOn(() => ({ ledger: fixture, ipfs, dir })),
  };

  async function registered(issuedPath: string): Promise<boolean> {
    const { sha256, sha1 } = await digestFile(new Uint8Array(readFileSync(issuedPath)));
    const [status] = await readLedger(fixture.reader(), "verify", [sha256, sha1, doctor]);
    return status !== 0;
  }
  // The retry records (each with its kept ciphertext beside it, `.cipher`).
  const pendingFiles = () =>
    existsSync(join(cli.dir, "state", "pending")) ? readdirSync(join(cli.dir, "state", "pending")).filter((f) => f.endsWith(".json")) : [];

  it("keeps the retry record until final, re-registers after the reorganisation, then forgets it", async () => {
    const file = join(cli.dir, "reorg.pdf");
    writeFileSync(file, await reportPdf("reorganised out"));
    const issued = file.replace(/\.pdf$/, ".issued.pdf");

    const upload = ok(await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--json"], FINALITY));
    const first = json<UploadJson>(upload);
    expect(first.final).to.equal(false);
    expect(first.finalityBlocks).to.equal(4);
    expect(pendingFiles()).to.have.length(1);
    const human = ok(await cli.run(["--as", "doctor1", "report", "pending", "--check"], FINALITY));
    expect(human.stdout).to.contain("registered, not final yet (1 of 4 blocks)");

    // The block holding the registration and the one after it are replaced (anvil_reorg of depth 2).
    const chain = fixture.reader().publicClient;
    expect(await chain.getBlockNumber()).to.equal(BigInt(first.blockNumber));
    const holding = await chain.getBlock({ blockNumber: BigInt(first.blockNumber) });
    await node().request({ method: "anvil_mine", params: [toHex(1)] });
    await node().request({ method: "anvil_reorg", params: [2, []] });
    const replaced = await chain.getBlock({ blockNumber: BigInt(first.blockNumber) });
    expect(replaced.hash).to.not.equal(holding.hash);
    expect(replaced.transactions).to.deep.equal([]);
    expect(await registered(issued), "the reorganisation removed the registration").to.equal(false);
    const verify = await cli.run(["verify", issued]);
    expect(verify.code).to.equal(1);

    const check = json<PendingJson>(ok(await cli.run(["--as", "doctor1", "report", "pending", "--check", "--json"], FINALITY)));
    expect(check.uploads.map((u) => u.status)).to.deep.equal(["lost"]);
    expect(await registered(issued), "--check sends nothing").to.equal(false);

    const retry = ok(await cli.run(["--as", "doctor1", "report", "pending", "--json"], FINALITY));
    const again = json<PendingJson>(retry).uploads;
    expect(again.map((u) => [u.reportId, u.cid, u.status])).to.deep.equal([[first.reportId, first.cid, "registered-again"]]);
    expect(await registered(issued)).to.equal(true);
    expect(ok(await cli.run(["verify", issued])).stdout).to.contain("GENUINE");
    expect(pendingFiles(), "not final yet: still kept").to.have.length(1);

    // The patient opens it: the very ciphertext uploaded the first time.
    const read = ok(await cli.run(["--as", "patient1", "report", "read", first.reportId, "--out", join(cli.dir, "read.pdf"), "--json"]));
    expect(readFileSync(join(cli.dir, "read.pdf")).equals(readFileSync(issued)), read.stdout).to.equal(true);

    await node().request({ method: "anvil_mine", params: [toHex(4)] });
    const settled = json<PendingJson>(ok(await cli.run(["--as", "doctor1", "report", "pending", "--json"], FINALITY)));
    expect(settled.uploads.map((u) => u.status)).to.deep.equal(["final"]);
    expect(pendingFiles()).to.deep.equal([]);
    expect(ok(await cli.run(["--as", "doctor1", "report", "pending"], FINALITY)).stdout).to.contain("No pending uploads");
  });

  it("on a chain with no finality depth (the local default) the record goes at once, as before", async () => {
    const file = join(cli.dir, "local.pdf");
    writeFileSync(file, await reportPdf("local chain"));
    const kept = pendingFiles();
    const upload = json<UploadJson>(ok(await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--json"])));
    expect(upload.final).to.equal(true);
    expect(pendingFiles()).to.deep.equal(kept);
  });
});
