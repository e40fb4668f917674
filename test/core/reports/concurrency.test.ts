/**
 * One doctor uploading many reports at once from one process: every send gets its own nonce, the
 * upload waits for the confirmations asked, and a retry after a lost confirmation checks the
 * chain (pending, dropped from the mempool) before sending again.
 */
import { expect } from "chai";
import type { Hash } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { ensureKeyPublished, unlockIdentity } from "#core/identity/encryptionKey.ts";
import { assignDoctor } from "#core/patients/patients.ts";
import { addStaff } from "#core/staff/staff.ts";
import { isNonceError } from "#core/contract/nonces.ts";
import { sentTransactionOf } from "#core/contract/sent.ts";
import { checkRegistration, prepareReport, submitReport, uploadReport, type UploadStep } from "#core/reports/upload.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { anvilLedger, inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "#test/support/story.ts";

type Node = { request(args: { method: string; params: unknown[] }): Promise<unknown> };

describe("Concurrent uploads of one doctor, confirmations and honest retries", function () {
  this.timeout(180_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let node: Node;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await setUpClinic(ledger, ipfs.store);
    node = ledger.reader().publicClient as unknown as Node;
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("30 concurrent uploadReport calls of one doctor in one process all succeed", async () => {
    const patient = addressOf(ledger, "patient1");
    const doctor = ledger.as("doctor1");
    const files = await Promise.all(Array.from({ length: 30 }, (_, i) => reportPdf(`parallel ${i}`)));
    const settled = await Promise.allSettled(files.map((file) => uploadReport(doctor, ipfs.store, { file, patient })));
    const failures = settled.filter((s) => s.status === "rejected").map((s) => String((s as PromiseRejectedResult).reason));
    expect(failures, failures.join("\n")).to.deep.equal([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof uploadReport>>>).value);
    expect(new Set(results.map((r) => r.reportId)).size).to.equal(30);
    for (const { prepared } of results) {
      const [status] = await readLedger(ledger.reader(), "verify", [prepared.sha256, prepared.sha1, prepared.doctor]);
      expect(status).to.not.equal(0);
    }
  });

  it("reports 'confirming' as soon as the transaction is sent, and waits for the confirmations asked", async () => {
    const prepared = await prepareReport(ledger.as("doctor1"), ipfs.store, { file: await reportPdf("confirmations"), patient: addressOf(ledger, "patient1") });
    const steps: UploadStep[] = [];
    let sentAt: bigint | undefined;
    let mining = true;
    const miner = (async () => {
      while (mining) {
        await new Promise((r) => setTimeout(r, 50));
        if (steps.includes("confirming")) await node.request({ method: "evm_mine", params: [] });
      }
    })();
    try {
      const result = await submitReport(ledger.as("doctor1"), ipfs.store, prepared, {
        confirmations: 3,
        onProgress: ({ step }) => steps.push(step),
        onSent: async () => {
          sentAt = await ledger.reader().publicClient.getBlockNumber();
        },
      });
      expect(steps).to.deep.equal(["signing", "confirming", "done"]);
      const head = await ledger.reader().publicClient.getBlockNumber();
      expect(head - BigInt(result.record.blockNumber) + 1n >= 3n, `head ${head}, mined in ${result.record.blockNumber}`).to.equal(true);
      expect(sentAt === undefined, "onSent was called").to.equal(false);
    } finally {
      mining = false;
      await miner;
    }
  });

  it("a retry of a sent but unconfirmed registration says it is pending, and resends it once dropped from the mempool", async () => {
    const doctor = ledger.as("doctor1");
    const prepared = await prepareReport(doctor, ipfs.store, { file: await reportPdf("dropped"), patient: addressOf(ledger, "patient1") });
    await node.request({ method: "evm_setAutomine", params: [false] });
    let hash: Hash | undefined;
    try {
      try {
        await submitReport(doctor, ipfs.store, prepared, { timeoutMs: 300 });
        expect.fail("no block is mined: the wait must time out");
      } catch (error) {
        expect((error as { code?: string }).code).to.equal("RPC_UNREACHABLE");
        hash = sentTransactionOf(error);
      }
      expect(hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(await checkRegistration(doctor, prepared, hash)).to.deep.equal({ status: "pending", transactionHash: hash });
      await expectCode(submitReport(doctor, ipfs.store, prepared, { previousTransactionHash: hash }), "TRANSACTION_PENDING");
      expect(await node.request({ method: "hardhat_dropTransaction", params: [hash] })).to.equal(true);
      expect((await checkRegistration(doctor, prepared, hash)).status).to.equal("not-registered");
    } finally {
      await node.request({ method: "evm_setAutomine", params: [true] });
    }
    const again = await submitReport(doctor, ipfs.store, prepared, { previousTransactionHash: hash });
    // The same registration, signed again with the same (freed) nonce: possibly the very same transaction.
    expect(again.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(again.record.reportId).to.equal(prepared.reportId);
    expect((await checkRegistration(doctor, prepared)).status).to.equal("registered");
  });

  it("recognises the nodes' nonce refusals", () => {
    expect(isNonceError(new Error("Nonce provided for the transaction (3) is lower than the current nonce of the account (4)"))).to.equal(true);
    expect(isNonceError(new Error("nonce too low"))).to.equal(true);
    expect(isNonceError(new Error("execution reverted: ReportExists"))).to.equal(false);
  });
});

describe("Three doctors uploading at once on anvil, each several reports in parallel", function () {
  this.timeout(180_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;

  before(async () => {
    ledger = await anvilLedger();
    ipfs = await embeddedIpfs();
    await setUpClinic(ledger, ipfs.store);
    await addStaff(ledger.as("admin"), addressOf(ledger, "doctor3"), "doctor", { name: "Dr. Meredith Grey", department: "Surgery", contact: "" });
    const doctor3 = ledger.as("doctor3");
    await ensureKeyPublished(doctor3, await unlockIdentity(doctor3.walletClient, ledger.deployment, doctor3));
    for (const handle of ["doctor2", "doctor3"]) await assignDoctor(ledger.as("receptionist1"), addressOf(ledger, "patient1"), addressOf(ledger, handle));
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("15 uploads (3 doctors × 5) all succeed first try, each claim by its own doctor", async () => {
    const patient = addressOf(ledger, "patient1");
    const jobs = ["doctor1", "doctor2", "doctor3"].flatMap((handle) => Array.from({ length: 5 }, (_, i) => ({ handle, title: `${handle} report ${i}` })));
    const settled = await Promise.allSettled(
      jobs.map(async ({ handle, title }) => uploadReport(ledger.as(handle), ipfs.store, { file: await reportPdf(title), patient })),
    );
    const failures = settled.filter((s) => s.status === "rejected").map((s) => String((s as PromiseRejectedResult).reason));
    expect(failures, failures.join("\n")).to.deep.equal([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof uploadReport>>>).value);
    expect(new Set(results.map((r) => r.reportId)).size).to.equal(15);
    results.forEach((result, i) => expect(result.record.doctor).to.equal(addressOf(ledger, jobs[i]!.handle)));
  });
});
