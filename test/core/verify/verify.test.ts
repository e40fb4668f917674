/** Public verification: genuine, superseded, not registered, and the two kinds of digest mismatch. */
import { expect } from "chai";
import type { Hex } from "viem";
import { digestFile } from "#core/crypto/digests.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { listReports, getReportRecord } from "#core/reports/records.ts";
import { lookupBySha1, lookupBySha256, parseDigest, verifyDigests, verifyFile } from "#core/verify/verify.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

describe("Verification and amendments", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  const original = new TextEncoder().encode("%PDF-1.7 original report: blood pressure 120/80");
  const corrected = new TextEncoder().encode("%PDF-1.7 corrected report: blood pressure 125/80");
  let originalId: Hex;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await setUpClinic(ledger, ipfs.store);
    ({ reportId: originalId } = await uploadReport(ledger.as("doctor1"), ipfs.store, { file: original, patient: addressOf(ledger, "patient1") }));
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("a registered, unamended file is genuine, with doctor, patient and time", async () => {
    const result = await verifyFile(ledger.reader(), original);
    expect(result.status).to.equal("genuine");
    expect(result.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
    expect(result.record?.patient).to.equal(addressOf(ledger, "patient1"));
    expect(result.record?.registeredAt).to.be.greaterThan(1_700_000_000);
  });

  it("an amendment supersedes: the old file verifies as superseded, the new one as genuine", async () => {
    const { reportId } = await uploadReport(ledger.as("doctor1"), ipfs.store, { file: corrected, patient: addressOf(ledger, "patient1"), supersedes: originalId });
    const old = await verifyFile(ledger.reader(), original);
    expect(old.status).to.equal("superseded");
    expect(old.record?.supersededBy).to.equal(reportId);
    expect((await verifyFile(ledger.reader(), corrected)).status).to.equal("genuine");
    const record = await getReportRecord(ledger.reader(), reportId);
    expect(record.supersedes).to.equal(originalId);
    const list = await listReports(ledger.reader(), { patient: addressOf(ledger, "patient1") });
    expect(list.map((r) => [r.reportId, r.supersededBy])).to.deep.equal([[reportId, null], [originalId, reportId]]);
    // A superseded report cannot be amended twice.
    await expectCode(uploadReport(ledger.as("doctor1"), ipfs.store, { file: new TextEncoder().encode("third"), patient: addressOf(ledger, "patient1"), supersedes: originalId }), "INVALID_INPUT");
  });

  it("a match of one digest without the other is a mismatch, never genuine", async () => {
    const digests = await digestFile(original);
    const otherSha1 = `0x${"11".repeat(20)}` as Hex;
    const otherSha256 = `0x${"22".repeat(32)}` as Hex;
    const sha256Only = await verifyDigests(ledger.reader(), { sha256: digests.sha256, sha1: otherSha1 });
    expect(sha256Only.status).to.equal("mismatch");
    expect(sha256Only.detail).to.match(/SHA-256 matches/);
    const sha1Only = await verifyDigests(ledger.reader(), { sha256: otherSha256, sha1: digests.sha1 });
    expect(sha1Only.status).to.equal("mismatch");
    expect(sha1Only.detail).to.match(/SHA-1 matches/);
  });

  it("looks reports up by a pasted SHA-1 or SHA-256", async () => {
    const digests = await digestFile(corrected);
    expect((await lookupBySha256(ledger.reader(), digests.sha256)).status).to.equal("genuine");
    expect((await lookupBySha1(ledger.reader(), digests.sha1)).status).to.equal("genuine");
    expect((await lookupBySha1(ledger.reader(), `0x${"33".repeat(20)}`)).status).to.equal("not-registered");
    expect(parseDigest(digests.sha1.slice(2).toUpperCase())).to.deep.equal({ kind: "sha1", value: digests.sha1 });
    expect(parseDigest(` ${digests.sha256} `).kind).to.equal("sha256");
    expect(() => parseDigest("abc")).to.throw(/not a SHA-1/);
  });
});
