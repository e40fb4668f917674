/** Public verification: genuine, superseded, not registered, and the two kinds of digest mismatch. */
import { expect } from "chai";
import type { Hex } from "viem";
import { digestFile } from "#core/crypto/digests.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { listReports, getReportRecord } from "#core/reports/records.ts";
import { parseDigest } from "#core/validation.ts";
import { checkVerifyInput, issuerLabel, lookupBySha1, lookupBySha256, verifyDigests, verifyReport, type VerifyInput } from "#core/verify/verify.ts";
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
    const result = await verifyReport(ledger.reader(), { kind: "file", file: original });
    expect(result.status).to.equal("genuine");
    expect(result.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
    expect(result.record?.patient).to.equal(addressOf(ledger, "patient1"));
    expect(result.record?.registeredAt).to.be.greaterThan(1_700_000_000);
  });

  it("an amendment supersedes: the old file verifies as superseded, the new one as genuine", async () => {
    const { reportId } = await uploadReport(ledger.as("doctor1"), ipfs.store, { file: corrected, patient: addressOf(ledger, "patient1"), supersedes: originalId });
    const old = await verifyReport(ledger.reader(), { kind: "file", file: original });
    expect(old.status).to.equal("superseded");
    expect(old.record?.supersededBy).to.equal(reportId);
    expect((await verifyReport(ledger.reader(), { kind: "file", file: corrected })).status).to.equal("genuine");
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

describe("verifyReport: the one verification entry point", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  const file = new TextEncoder().encode("%PDF-1.7 the one entry point: sodium 140 mmol/l");

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await setUpClinic(ledger, ipfs.store);
    await uploadReport(ledger.as("doctor1"), ipfs.store, { file, patient: addressOf(ledger, "patient1") });
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  const steps = async (input: VerifyInput) => {
    const seen: string[] = [];
    const report = await verifyReport(ledger.reader(), input, { onProgress: (step) => seen.push(step) });
    return { report, seen };
  };

  it("verifies every kind of input alike, with the progress of each and the issuing doctor", async () => {
    const digests = await digestFile(file);
    const stream = () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(file), c.close()) });
    const blob = { size: file.byteLength, stream };
    const hashed: VerifyInput[] = [
      { kind: "file", file },
      { kind: "file", file: blob, name: "scan.pdf" },
      { kind: "file", file: stream() },
      { kind: "digests", digests, size: file.byteLength },
      { kind: "digests", digests: async () => digests },
    ];
    for (const input of hashed) {
      const { report, seen } = await steps(input);
      expect(report.status, input.kind).to.equal("genuine");
      expect(report.digests).to.deep.equal(digests);
      expect(seen).to.deep.equal(["hashing", "checking"]);
      expect(report.issuer?.profile.name).to.equal("Dr. Ada Lovelace");
    }
    const looked: VerifyInput[] = [
      { kind: "link", sha1: digests.sha1, sha256: digests.sha256 },
      { kind: "link", sha256: digests.sha256 },
      { kind: "digest", digest: digests.sha1.slice(2).toUpperCase() },
      { kind: "digest", digest: ` ${digests.sha256} `, expected: "sha256" },
    ];
    for (const input of looked) {
      const { report, seen } = await steps(input);
      expect(report.status, JSON.stringify(input)).to.equal("genuine");
      expect(seen).to.deep.equal(["checking"]);
      expect(report.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
    }
    const unknown = await verifyReport(ledger.reader(), { kind: "digest", digest: "44".repeat(32) });
    expect(unknown).to.include({ status: "not-registered", issuer: null });
  });

  it("refuses an empty file (bytes, Blob, stream, sized digests) and malformed or wrong-kind digests", async () => {
    const empty = new Uint8Array(0);
    await expectCode(verifyReport(ledger.reader(), { kind: "file", file: empty }), "EMPTY_FILE");
    await expectCode(verifyReport(ledger.reader(), { kind: "file", file: { size: 0, stream: () => new ReadableStream() }, name: "x.pdf" }), "EMPTY_FILE");
    await expectCode(verifyReport(ledger.reader(), { kind: "file", file: new ReadableStream<Uint8Array>({ start: (c) => c.close() }) }), "EMPTY_FILE");
    await expectCode(verifyReport(ledger.reader(), { kind: "digests", size: 0, digests: () => Promise.reject(new Error("not hashed")) }), "EMPTY_FILE");
    await expectCode(verifyReport(ledger.reader(), { kind: "digest", digest: "abc" }), "INVALID_INPUT");
    await expectCode(verifyReport(ledger.reader(), { kind: "digest", digest: "ab".repeat(32), expected: "sha1" }), "INVALID_INPUT");
    await expectCode(verifyReport(ledger.reader(), { kind: "link", sha1: "ab".repeat(32), sha256: "ab".repeat(20) }), "INVALID_INPUT");
    await expectCode(verifyReport(ledger.reader(), { kind: "link" }), "INVALID_INPUT");
    try {
      checkVerifyInput({ kind: "digest", digest: "zz" });
      expect.fail("accepted a malformed digest");
    } catch (error) {
      expect((error as Error).message).to.equal("That is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) digest.");
    }
    expect(() => checkVerifyInput({ kind: "digest", digest: "ab".repeat(32), expected: "sha1" })).to.throw(/A SHA-1 digest has 40 hex digits/);
  });

  it("names the issuer as both clients show it", function () {
    expect(issuerLabel(null)).to.equal("A doctor no longer on the staff list");
    const member = { account: addressOf(ledger, "doctor1"), role: "doctor", active: false, since: 1_700_000_000, profile: { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "" } } as const;
    expect(issuerLabel(member)).to.equal("Dr. Ada Lovelace, Cardiology (no longer active)");
  });
});
