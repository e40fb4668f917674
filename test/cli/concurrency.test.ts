/**
 * One doctor running many `medledger report upload` processes at once against a real local stack
 * (anvil): they share the signer's lock file and nonces, so all succeed first try. And an upload
 * whose node stops answering after accepting the transaction says what is true: "registered after
 * all" when the chain has it, otherwise "sent, not yet confirmed" (exit 2, a connection error);
 * the rerun finds it registered without uploading again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import type { Hex } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { listReports } from "#core/reports/records.ts";
import { reportPdf, setUpClinic } from "#test/support/story.ts";
import type { LedgerFixture } from "#test/support/ledgers.ts";
import { address, json, stackFixture, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

type ProxyMode = "forward" | "hang-receipts" | "gone-after-send";

/** A JSON-RPC proxy in front of the node that, by mode, never answers receipt queries, or drops every connection once a transaction went through. */
async function startProxy(target: string, mode: ProxyMode): Promise<{ url: string; sent: () => boolean; close(): Promise<void> }> {
  let sent = false;
  const hung: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const calls = [JSON.parse(body) as { method: string } | { method: string }[]].flat();
      const methods = calls.map((c) => c.method);
      if (mode === "gone-after-send" && sent) {
        req.socket.destroy();
        return;
      }
      if (mode === "hang-receipts" && methods.includes("eth_getTransactionReceipt")) {
        hung.push(res);
        return;
      }
      void fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (answer) => {
        const text = await answer.text();
        if (methods.includes("eth_sendRawTransaction")) sent = true;
        res.writeHead(answer.status, { "content-type": "application/json" }).end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: parallel uploads of one doctor, and retries that tell the truth", function () {
  this.timeout(300_000);
  let cli: CliStack;
  let fixture: LedgerFixture;
  const patient = address("patient1");
  const doctor = address("doctor1");

  before(async () => {
    cli = await startCliStack();
    fixture = stackFixture(cli);
    await setUpClinic(fixture, createKuboStore(cli.stack.ipfsApiUrl));
  });
  after(async () => {
    await cli?.stop();
  });

  async function writeReport(name: string): Promise<string> {
    const path = join(cli.dir, `${name}.pdf`);
    writeFileSync(path, await reportPdf(name));
    return path;
  }

  async function isRegistered(issuedPath: string): Promise<boolean> {
    const { sha256, sha1 } = await digestFile(new Uint8Array(readFileSync(issuedPath)));
    const [status] = await readLedger(fixture.reader(), "verify", [sha256, sha1, doctor]);
    return status !== 0;
  }

  it("10 parallel `report upload` processes of one doctor all succeed first try, and the chain has 10 claims", async () => {
    const before = (await listReports(fixture.reader(), { doctor })).length;
    const files = await Promise.all(Array.from({ length: 10 }, (_, i) => writeReport(`parallel-${i}`)));
    const results = await Promise.all(files.map((file) => cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient])));
    const firstTry = results.filter((r) => r.code === 0).length;
    console.log(`      parallelUploads10SameDoctorFirstTry = ${firstTry}/10`);
    for (const result of results) ok(result);
    const ids = results.map((r) => json<{ reportId: Hex }>(r).reportId);
    expect(new Set(ids).size).to.equal(10);
    expect((await listReports(fixture.reader(), { doctor })).length - before).to.equal(10);
    for (const file of files) expect(await isRegistered(file.replace(/\.pdf$/, ".issued.pdf"))).to.equal(true);
    // The signer's lock is released.
    expect(existsSync(join(cli.dir, "state", "locks", `${cli.stack.deployment.chainId}-${doctor.toLowerCase()}.lock`))).to.equal(false);
  });

  it("a node that goes away after accepting the transaction: exit 2 'sent, not yet confirmed'; the rerun says it is registered, without uploading again", async () => {
    const file = await writeReport("gone-after-send");
    const proxy = await startProxy(cli.stack.rpcUrl, "gone-after-send");
    let first: CliResult;
    try {
      first = await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--wait", "3"], { MEDLEDGER_RPC_URL: proxy.url });
    } finally {
      await proxy.close();
    }
    expect(proxy.sent()).to.equal(true);
    expect(first.code, first.stderr).to.equal(2);
    expect(first.stdout).to.contain("Waiting for the confirmation…");
    expect(first.stderr).to.match(/Sent, not yet confirmed: transaction 0x[0-9a-f]{64} is pending\./);
    expect(first.stderr, first.stderr)
      .to.contain(proxy.url)
      .and.match(/did not confirm the transaction in time|cannot be reached/);
    expect(first.stderr).not.to.contain("not registered yet");
    const issued = file.replace(/\.pdf$/, ".issued.pdf");
    expect(await isRegistered(issued), "anvil mined it").to.equal(true);

    const rerun = ok(await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient]));
    expect(rerun.stdout).to.contain("Found the upload of an earlier attempt").and.contain("was already registered (an earlier attempt went through)");
    expect(rerun.stdout + rerun.stderr).not.to.contain("Uploading the ciphertext");
  });

  it("a node that never answers the receipt query: the upload checks the claim and says it was registered after all", async () => {
    const file = await writeReport("hang-receipts");
    const proxy = await startProxy(cli.stack.rpcUrl, "hang-receipts");
    let result: CliResult;
    try {
      result = await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient, "--wait", "3"], { MEDLEDGER_RPC_URL: proxy.url });
    } finally {
      await proxy.close();
    }
    ok(result);
    expect(json(result)).to.include({ ok: true, registeredAfterAll: true });
    expect(result.stderr).to.contain("it was registered after all");
    expect(await isRegistered(file.replace(/\.pdf$/, ".issued.pdf"))).to.equal(true);
  });

  it("a registration still in the mempool is reported as pending, not resent; once dropped, the rerun sends the same prepared data again", async () => {
    const node = fixture.reader().publicClient as unknown as { request(args: { method: string; params: unknown[] }): Promise<unknown> };
    const file = await writeReport("dropped");
    await node.request({ method: "evm_setAutomine", params: [false] });
    let hash: Hex;
    try {
      const first = await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--wait", "2"]);
      expect(first.code, first.stderr).to.equal(2);
      const sent = /Sent, not yet confirmed: transaction (0x[0-9a-f]{64}) is pending\./.exec(first.stderr);
      expect(sent, first.stderr).to.not.equal(null);
      hash = sent![1] as Hex;
      const pending = JSON.parse(
        readFileSync(join(cli.dir, "state", "pending", `${(await digestFile(new Uint8Array(readFileSync(file)))).sha256}.json`), "utf8"),
      ) as {
        transactionHash?: string;
      };
      expect(pending.transactionHash).to.equal(hash);

      const stillPending = await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient]);
      expect(stillPending.code, stillPending.stderr).to.equal(1);
      expect(stillPending.stderr).to.contain(`Sent, not yet confirmed: transaction ${hash} is pending.`);
      expect(stillPending.stdout).not.to.contain("Signing and sending");

      await node.request({ method: "anvil_dropTransaction", params: [hash] });
    } finally {
      await node.request({ method: "evm_setAutomine", params: [true] });
    }
    const rerun = ok(await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient]));
    expect(rerun.stdout)
      .to.contain("Found the upload of an earlier attempt")
      .and.contain("Signing and sending")
      .and.match(/Registered report 0x[0-9a-f]{64}\./);
    expect(rerun.stdout).not.to.contain("Uploading the ciphertext");
    expect(await isRegistered(file.replace(/\.pdf$/, ".issued.pdf"))).to.equal(true);
  });
});
