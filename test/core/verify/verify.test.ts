/**
 * Public verification never overstates: genuine only for a FILE matching exactly one valid claim;
 * superseded; DISPUTED for several claimants; fraudulent claims ignored; mismatches; "on record"
 * without the file and "partial" for a SHA-1 alone.
 */
import { expect } from "chai";
import type { Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { assignDoctor } from "#core/patients/patients.ts";
import { claimIdOf } from "#core/reports/claimId.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { listReports, getReportRecord } from "#core/reports/records.ts";
import { parseDigest } from "#core/validation.ts";
import {
  checkVerifyInput,
  describeVerdict,
  issuerLabel,
  lookupBySha1,
  lookupBySha256,
  verifyDigests,
  verifyReport,
  type VerifyInput,
} from "#core/verify/verify.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "#test/support/story.ts";

describe("Verification and amendments", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let source: Uint8Array;
  let original: Uint8Array;
  let corrected: Uint8Array;
  let originalId: Hex;
  let correctedId: Hex;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await setUpClinic(ledger, ipfs.store);
    source = await reportPdf("original report: blood pressure 120/80");
    const uploaded = await uploadReport(ledger.as("doctor1"), ipfs.store, { file: source, patient: addressOf(ledger, "patient1") });
    originalId = uploaded.reportId;
    original = uploaded.prepared.issuedFile!;
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("the issued file of a registered, unamended report is genuine, with doctor, patient and time; the file as given is not", async () => {
    const result = await verifyReport(ledger.reader(), { kind: "file", file: original });
    expect(result.status).to.equal("genuine");
    expect(result.evidence).to.equal("file");
    expect(result.record?.reportId).to.equal(originalId);
    expect(result.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
    expect(result.record?.patient).to.equal(addressOf(ledger, "patient1"));
    expect(result.record?.registeredAt).to.be.greaterThan(1_700_000_000);
    expect(result.claims).to.have.length(1);
    expect(result.issuer?.profile.name).to.equal("Dr. Ada Lovelace");
    expect(describeVerdict(result).explanation).to.contain("Dr. Ada Lovelace, Cardiology");
    expect(originalId).to.equal(claimIdOf((await digestFile(original)).sha256, addressOf(ledger, "doctor1")));
    expect((await verifyReport(ledger.reader(), { kind: "file", file: source })).status).to.equal("not-registered");
  });

  it("an amendment supersedes: the old file verifies as superseded, the new one as genuine; only the issuer amends", async () => {
    const uploaded = await uploadReport(ledger.as("doctor1"), ipfs.store, {
      file: await reportPdf("corrected report: blood pressure 125/80"),
      patient: addressOf(ledger, "patient1"),
      supersedes: originalId,
    });
    correctedId = uploaded.reportId;
    corrected = uploaded.prepared.issuedFile!;
    const old = await verifyReport(ledger.reader(), { kind: "file", file: original });
    expect(old.status).to.equal("superseded");
    expect(old.record?.supersededBy).to.equal(correctedId);
    expect((await verifyReport(ledger.reader(), { kind: "file", file: corrected })).status).to.equal("genuine");
    const record = await getReportRecord(ledger.reader(), correctedId);
    expect(record.supersedes).to.equal(originalId);
    const list = await listReports(ledger.reader(), { patient: addressOf(ledger, "patient1") });
    expect(list.map((r) => [r.reportId, r.supersededBy])).to.deep.equal([
      [correctedId, null],
      [originalId, correctedId],
    ]);
    // A superseded report cannot be amended twice.
    await expectCode(
      uploadReport(ledger.as("doctor1"), ipfs.store, { file: await reportPdf("third"), patient: addressOf(ledger, "patient1"), supersedes: originalId }),
      "INVALID_INPUT",
    );
    // Another doctor (even one assigned to the patient) cannot amend it: refused before anything is stored.
    await assignDoctor(ledger.as("receptionist1"), addressOf(ledger, "patient1"), addressOf(ledger, "doctor2"));
    try {
      await uploadReport(ledger.as("doctor2"), ipfs.store, {
        file: await reportPdf("not mine"),
        patient: addressOf(ledger, "patient1"),
        supersedes: correctedId,
      });
      expect.fail("another doctor amended the report");
    } catch (error) {
      expect((error as { code?: string }).code).to.equal("NO_ACCESS");
      expect((error as Error).message).to.contain("only the doctor who issued a report can amend it");
    }
  });

  it("a match of one digest without the other is a mismatch, never genuine", async () => {
    const digests = await digestFile(corrected);
    const otherSha1 = `0x${"11".repeat(20)}` as Hex;
    const otherSha256 = `0x${"22".repeat(32)}` as Hex;
    const sha256Only = await verifyDigests(ledger.reader(), { sha256: digests.sha256, sha1: otherSha1 }, "file");
    expect(sha256Only.status).to.equal("mismatch");
    expect(sha256Only.detail).to.match(/SHA-256 matches/);
    const sha1Only = await verifyDigests(ledger.reader(), { sha256: otherSha256, sha1: digests.sha1 }, "file");
    expect(sha1Only.status).to.equal("mismatch");
    expect(sha1Only.detail).to.match(/SHA-1 matches/);
  });

  it("without the file, says what is on record and never 'genuine'; a SHA-1 alone is a partial match", async () => {
    const digests = await digestFile(corrected);
    const link = await verifyDigests(ledger.reader(), digests, "digests");
    expect(link.status).to.equal("on-record");
    expect(link.record?.reportId).to.equal(correctedId);
    expect(describeVerdict({ ...link, issuer: null }).advice).to.contain("check the file itself");
    expect((await lookupBySha256(ledger.reader(), digests.sha256)).status).to.equal("on-record");
    const partial = await lookupBySha1(ledger.reader(), digests.sha1);
    expect(partial.status).to.equal("partial");
    expect(partial.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
    expect((await lookupBySha1(ledger.reader(), `0x${"33".repeat(20)}`)).status).to.equal("not-registered");
    expect(parseDigest(digests.sha1.slice(2).toUpperCase())).to.deep.equal({ kind: "sha1", value: digests.sha1 });
    expect(parseDigest(` ${digests.sha256} `).kind).to.equal("sha256");
    expect(() => parseDigest("abc")).to.throw(/not a SHA-1/);
  });

  it("two claimants on the same file: DISPUTED, none genuine, until the administrator marks the false claim fraudulent", async () => {
    // doctor2 registers doctor1's issued file as his own (it keeps its serial, so the digests are the same).
    const copy = await uploadReport(ledger.as("doctor2"), ipfs.store, { file: corrected, patient: addressOf(ledger, "patient1") });
    expect(copy.prepared.sha256).to.equal((await digestFile(corrected)).sha256);
    const disputed = await verifyReport(ledger.reader(), { kind: "file", file: corrected });
    expect(disputed.status).to.equal("disputed");
    expect(disputed.record).to.equal(undefined);
    expect(disputed.claims.map((c) => c.doctor)).to.have.members([addressOf(ledger, "doctor1"), addressOf(ledger, "doctor2")]);
    expect(describeVerdict(disputed).advice).to.contain("administrator");
    const digests = await digestFile(corrected);
    expect((await verifyReport(ledger.reader(), { kind: "link", sha256: digests.sha256, sha1: digests.sha1 })).status).to.equal("disputed");
    expect((await verifyReport(ledger.reader(), { kind: "digest", digest: digests.sha256 })).status).to.equal("disputed");

    await writeLedger(ledger.as("admin"), "markClaimFraudulent", [copy.reportId, "copied doctor1's report"]);
    const settled = await verifyReport(ledger.reader(), { kind: "file", file: corrected });
    expect(settled.status).to.equal("genuine");
    expect(settled.record?.reportId).to.equal(correctedId);
    expect(settled.claims.find((c) => c.reportId === copy.reportId)?.status).to.equal("fraudulent");

    await writeLedger(ledger.as("admin"), "markClaimFraudulent", [correctedId, "test: both false"]);
    const none = await verifyReport(ledger.reader(), { kind: "file", file: corrected });
    expect(none.status).to.equal("fraudulent");
    expect(describeVerdict(none).explanation).to.contain("marked fraudulent by the administrator");
  });
});

describe("verifyReport: the one verification entry point", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let file: Uint8Array;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await setUpClinic(ledger, ipfs.store);
    const uploaded = await uploadReport(ledger.as("doctor1"), ipfs.store, {
      file: await reportPdf("the one entry point: sodium 140 mmol/l"),
      patient: addressOf(ledger, "patient1"),
    });
    file = uploaded.prepared.issuedFile!;
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

  it("verifies every kind of file input alike, with the progress of each and the issuing doctor; digests alone are only on record", async () => {
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
    const looked: [VerifyInput, string][] = [
      [{ kind: "link", sha1: digests.sha1, sha256: digests.sha256 }, "on-record"],
      [{ kind: "link", sha256: digests.sha256 }, "on-record"],
      [{ kind: "digest", digest: digests.sha1.slice(2).toUpperCase() }, "partial"],
      [{ kind: "digest", digest: ` ${digests.sha256} `, expected: "sha256" }, "on-record"],
    ];
    for (const [input, status] of looked) {
      const { report, seen } = await steps(input);
      expect(report.status, JSON.stringify(input)).to.equal(status);
      expect(seen).to.deep.equal(["checking"]);
      expect(report.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
      expect(report.issuer?.profile.name).to.equal("Dr. Ada Lovelace");
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
    const member = {
      account: addressOf(ledger, "doctor1"),
      role: "doctor",
      active: false,
      since: 1_700_000_000,
      profile: { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "" },
      profileVerified: true,
    } as const;
    expect(issuerLabel(member)).to.equal("Dr. Ada Lovelace, Cardiology (no longer active)");
    expect(issuerLabel({ ...member, profileVerified: false })).to.equal("A staff member whose profile this node cannot confirm");
  });
});
