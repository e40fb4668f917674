/**
 * Reports as issuer-bound claims: registration (single and batch), amendments by their author only,
 * getReport, verify, front-running attacks with the node's automine off, disputes and their
 * resolution by the admin, and times and block numbers past 2^32.
 */
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { as, ethers, networkHelpers, reportIdOf, reportInput, staffedLedger, Status, ZERO20, ZERO32, type MedLedger, type ReportInput } from "./fixture.ts";

/** What a verifier holding a file concludes, the way clients must do it (see ReportRegistry.verify). */
async function verdict(ledger: MedLedger, sha256Digest: string, sha1Digest: string) {
  const logs = await ledger.queryFilter(ledger.filters.ReportRegistered(sha256Digest));
  const doctors = [...new Set(logs.map((l) => l.args.doctor as string))];
  const claims = await Promise.all(
    doctors.map(async (doctor) => {
      const [status, report] = await ledger.verify(sha256Digest, sha1Digest, doctor);
      return { doctor, patient: report.patient as string, status: status as bigint };
    }),
  );
  const matching = claims.filter((c) => c.status === Status.Current || c.status === Status.Superseded);
  if (matching.length === 0) return { kind: "not genuine" as const, claims };
  if (matching.length > 1) return { kind: "disputed" as const, claims };
  return { kind: "genuine" as const, issuer: matching[0]!.doctor, patient: matching[0]!.patient, claims };
}

describe("MedLedger: reports", () => {
  describe("registerReport", () => {
    it("records the claim under (SHA-256, doctor) and emits it with CID and wrapped keys", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const input = reportInput("r1", cast.pat1.address);
      const id = reportIdOf(input.sha256Digest, cast.doc1.address);
      expect(await ledger.reportIdOf(input.sha256Digest, cast.doc1.address)).to.equal(id);
      const tx = await as(ledger, cast.doc1).registerReport(input);
      await expect(tx)
        .to.emit(ledger, "ReportRegistered")
        .withArgs(
          input.sha256Digest,
          cast.pat1.address,
          cast.doc1.address,
          id,
          input.sha1Digest,
          ZERO32,
          input.cid,
          input.patientKey,
          input.doctorKey,
          "0x",
          0,
        );
      await expect(tx).to.not.emit(ledger, "ReportSuperseded");
      const block = await ethers.provider.getBlock(tx.blockNumber!);
      const report = await ledger.getReport(id);
      expect(report.reportId).to.equal(id);
      expect(report.sha1Digest).to.equal(input.sha1Digest);
      expect(report.patient).to.equal(cast.pat1.address);
      expect(report.doctor).to.equal(cast.doc1.address);
      expect(report.registeredAt).to.equal(BigInt(block!.timestamp));
      expect(report.supersededBy).to.equal(ZERO32);
      expect(report.version).to.equal(0n);
      expect(report.fraudulent).to.equal(false);
    });

    it("refuses zero digests, an empty CID, missing wrapped keys and the caller's own second claim", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const doc = as(ledger, cast.doc1);
      const ok = reportInput("r1", cast.pat1.address);
      const bad: readonly [Partial<ReportInput>, string][] = [
        [{ sha256Digest: ZERO32 }, "InvalidDigest"],
        [{ sha1Digest: ZERO20 }, "InvalidDigest"],
        [{ cid: "0x" }, "EmptyCid"],
        [{ patientKey: "0x" }, "MissingWrappedKey"],
        [{ doctorKey: "0x" }, "MissingWrappedKey"],
      ];
      for (const [change, error] of bad) {
        await expect(doc.registerReport({ ...ok, ...change }), error).to.be.revertedWithCustomError(ledger, error);
      }
      await doc.registerReport(ok);
      const id = reportIdOf(ok.sha256Digest, cast.doc1.address);
      await expect(doc.registerReport(ok)).to.be.revertedWithCustomError(ledger, "ReportExists").withArgs(id);
      await expect(doc.registerReport({ ...ok, patient: cast.pat2.address }))
        .to.be.revertedWithCustomError(ledger, "ReportExists")
        .withArgs(id);
    });

    it("needs a current assignment of the calling doctor to the patient", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      // doc3 was never assigned to pat1; doc2 is not assigned to pat2; pat3 is not a patient.
      await expect(as(ledger, cast.doc3).registerReport(reportInput("a", cast.pat1.address)))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat1.address, cast.doc3.address);
      await expect(as(ledger, cast.doc2).registerReport(reportInput("b", cast.pat2.address)))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address);
      await expect(as(ledger, cast.doc1).registerReport(reportInput("c", cast.pat3.address)))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat3.address, cast.doc1.address);
      // After unassignment the doctor can no longer issue, but the earlier report stays.
      const earlier = reportInput("earlier", cast.pat1.address);
      await as(ledger, cast.doc2).registerReport(earlier);
      await as(ledger, cast.rec1).unassignDoctor(cast.pat1.address, cast.doc2.address);
      await expect(as(ledger, cast.doc2).registerReport(reportInput("later", cast.pat1.address)))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat1.address, cast.doc2.address);
      const id = reportIdOf(earlier.sha256Digest, cast.doc2.address);
      expect((await ledger.getReport(id)).doctor).to.equal(cast.doc2.address);
      expect(await ledger.canRead(id, cast.doc2.address)).to.equal(true);
    });

    it("refuses a report once the (patient, doctor) pair holds 2^24 - 1 reports (no wrap of the sequence number)", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      // Find the assignment slot of (pat1, doc1): care id 1, active, no reports yet.
      const coder = ethers.AbiCoder.defaultAbiCoder();
      let slot: string | undefined;
      for (let base = 0; base < 64 && slot === undefined; base += 1) {
        const inner = ethers.keccak256(coder.encode(["address", "uint256"], [cast.pat1.address, base]));
        const candidate = ethers.keccak256(coder.encode(["address", "bytes32"], [cast.doc1.address, inner]));
        if (BigInt(await ethers.provider.getStorage(address, candidate)) === (1n | (1n << 32n))) slot = candidate;
      }
      expect(slot, "assignment slot").to.not.equal(undefined);
      const full = 1n | (1n << 32n) | (((1n << 24n) - 2n) << 40n);
      await networkHelpers.setStorageAt(address, slot!, full);
      const last = reportInput("last", cast.pat1.address);
      await as(ledger, cast.doc1).registerReport(last);
      expect((await ledger.getReport(reportIdOf(last.sha256Digest, cast.doc1.address))).patient).to.equal(cast.pat1.address);
      await expect(as(ledger, cast.doc1).registerReport(reportInput("one too many", cast.pat1.address)))
        .to.be.revertedWithCustomError(ledger, "TooManyReports")
        .withArgs(cast.pat1.address, cast.doc1.address);
      // Other pairs are unaffected.
      await expect(as(ledger, cast.doc2).registerReport(reportInput("other pair", cast.pat1.address))).to.emit(ledger, "ReportRegistered");
    });
  });

  describe("registerReports", () => {
    it("registers a batch, one event each", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const inputs = [reportInput("b1", cast.pat1.address), reportInput("b2", cast.pat2.address), reportInput("b3", cast.pat1.address)];
      const tx = await as(ledger, cast.doc1).registerReports(inputs);
      for (const input of inputs) {
        const id = reportIdOf(input.sha256Digest, cast.doc1.address);
        await expect(tx)
          .to.emit(ledger, "ReportRegistered")
          .withArgs(input.sha256Digest, input.patient, cast.doc1.address, id, input.sha1Digest, ZERO32, input.cid, input.patientKey, input.doctorKey, "0x", 0);
        expect((await ledger.getReport(id)).patient).to.equal(input.patient);
      }
    });

    it("is all or nothing: one bad input reverts the batch", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const good = reportInput("g", cast.pat1.address);
      const duplicate = [good, reportInput("h", cast.pat1.address), good];
      await expect(as(ledger, cast.doc1).registerReports(duplicate))
        .to.be.revertedWithCustomError(ledger, "ReportExists")
        .withArgs(reportIdOf(good.sha256Digest, cast.doc1.address));
      await expect(as(ledger, cast.doc2).registerReports([good, reportInput("p2", cast.pat2.address)]))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address);
      for (const doctor of [cast.doc1, cast.doc2]) {
        const [status] = await ledger.verify(good.sha256Digest, good.sha1Digest, doctor.address);
        expect(status).to.equal(Status.NotRegistered);
      }
    });

    it("accepts an empty batch as a no-op", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      await expect(as(ledger, cast.doc1).registerReports([])).to.not.emit(ledger, "ReportRegistered");
    });

    it("can amend a report registered earlier in the same batch", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const first = reportInput("first", cast.pat1.address);
      const firstId = reportIdOf(first.sha256Digest, cast.doc1.address);
      const second = reportInput("second", cast.pat1.address, firstId);
      await expect(as(ledger, cast.doc1).registerReports([first, second]))
        .to.emit(ledger, "ReportSuperseded")
        .withArgs(firstId, reportIdOf(second.sha256Digest, cast.doc1.address));
    });
  });

  describe("amendments", () => {
    it("the issuer supersedes their own report, in a chain", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const doc = as(ledger, cast.doc1);
      const original = reportInput("orig", cast.pat1.address);
      const originalId = reportIdOf(original.sha256Digest, cast.doc1.address);
      await doc.registerReport(original);
      const amendment = reportInput("amend", cast.pat1.address, originalId);
      const amendmentId = reportIdOf(amendment.sha256Digest, cast.doc1.address);
      const tx = await doc.registerReport(amendment);
      await expect(tx).to.emit(ledger, "ReportSuperseded").withArgs(originalId, amendmentId);
      await expect(tx)
        .to.emit(ledger, "ReportRegistered")
        .withArgs(
          amendment.sha256Digest,
          cast.pat1.address,
          cast.doc1.address,
          amendmentId,
          amendment.sha1Digest,
          originalId,
          amendment.cid,
          amendment.patientKey,
          amendment.doctorKey,
          "0x",
          0,
        );
      expect((await ledger.getReport(originalId)).supersededBy).to.equal(amendmentId);
      expect((await ledger.getReport(amendmentId)).supersededBy).to.equal(ZERO32);
      const third = reportInput("third", cast.pat1.address, amendmentId);
      await doc.registerReport(third);
      expect((await ledger.getReport(amendmentId)).supersededBy).to.equal(reportIdOf(third.sha256Digest, cast.doc1.address));
    });

    it("attack: another doctor of the same patient cannot supersede the issuer's report, whose own correction still works", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const original = reportInput("orig", cast.pat1.address);
      const originalId = reportIdOf(original.sha256Digest, cast.doc1.address);
      await as(ledger, cast.doc1).registerReport(original);
      // doc2 is assigned to pat1 too, and tries to amend doc1's report (and so block doc1's correction).
      await expect(as(ledger, cast.doc2).registerReport(reportInput("hijack", cast.pat1.address, originalId)))
        .to.be.revertedWithCustomError(ledger, "NotReportIssuer")
        .withArgs(originalId, cast.doc2.address);
      await expect(as(ledger, cast.doc2).registerReports([reportInput("hijack batch", cast.pat1.address, originalId)]))
        .to.be.revertedWithCustomError(ledger, "NotReportIssuer")
        .withArgs(originalId, cast.doc2.address);
      expect((await ledger.getReport(originalId)).supersededBy).to.equal(ZERO32);
      const correction = reportInput("correction", cast.pat1.address, originalId);
      await expect(as(ledger, cast.doc1).registerReport(correction))
        .to.emit(ledger, "ReportSuperseded")
        .withArgs(originalId, reportIdOf(correction.sha256Digest, cast.doc1.address));
    });

    it("refuses an unknown, an already superseded, or another patient's report", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const doc = as(ledger, cast.doc1);
      const unknown = ethers.id("nothing");
      await expect(doc.registerReport(reportInput("x", cast.pat1.address, unknown)))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(unknown);
      const original = reportInput("orig", cast.pat1.address);
      const originalId = reportIdOf(original.sha256Digest, cast.doc1.address);
      await doc.registerReport(original);
      await expect(doc.registerReport(reportInput("for pat2", cast.pat2.address, originalId)))
        .to.be.revertedWithCustomError(ledger, "PatientMismatch")
        .withArgs(originalId, cast.pat2.address);
      const amendment = reportInput("amend", cast.pat1.address, originalId);
      await doc.registerReport(amendment);
      await expect(doc.registerReport(reportInput("again", cast.pat1.address, originalId)))
        .to.be.revertedWithCustomError(ledger, "AlreadySuperseded")
        .withArgs(originalId, reportIdOf(amendment.sha256Digest, cast.doc1.address));
      // A report cannot amend itself (it does not exist yet when checked).
      const self = reportInput("self", cast.pat1.address);
      const selfId = reportIdOf(self.sha256Digest, cast.doc1.address);
      await expect(doc.registerReport({ ...self, supersedes: selfId }))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(selfId);
    });
  });

  describe("getReport and verify", () => {
    it("getReport refuses an unknown id", async () => {
      const { ledger } = await networkHelpers.loadFixture(staffedLedger);
      const id = ethers.id("unknown");
      await expect(ledger.getReport(id)).to.be.revertedWithCustomError(ledger, "UnknownReport").withArgs(id);
    });

    it("verify answers NotRegistered, Current, Superseded, DigestMismatch and Fraudulent per claim", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const original = reportInput("orig", cast.pat1.address);
      const [none, empty] = await ledger.verify(original.sha256Digest, original.sha1Digest, cast.doc1.address);
      expect(none).to.equal(Status.NotRegistered);
      expect(empty.reportId).to.equal(ZERO32);
      expect(empty.patient).to.equal(ethers.ZeroAddress);

      await as(ledger, cast.doc1).registerReport(original);
      const originalId = reportIdOf(original.sha256Digest, cast.doc1.address);
      const [current, record] = await ledger.verify(original.sha256Digest, original.sha1Digest, cast.doc1.address);
      expect(current).to.equal(Status.Current);
      expect(record.reportId).to.equal(originalId);
      expect(record.doctor).to.equal(cast.doc1.address);
      // Another doctor made no claim on this file.
      const [otherDoctor] = await ledger.verify(original.sha256Digest, original.sha1Digest, cast.doc2.address);
      expect(otherDoctor).to.equal(Status.NotRegistered);

      const [mismatch, same] = await ledger.verify(original.sha256Digest, ethers.dataSlice(ethers.id("forged"), 0, 20), cast.doc1.address);
      expect(mismatch).to.equal(Status.DigestMismatch);
      expect(same.sha1Digest).to.equal(original.sha1Digest);

      const amendment = reportInput("amend", cast.pat1.address, originalId);
      await as(ledger, cast.doc1).registerReport(amendment);
      const [superseded, old] = await ledger.verify(original.sha256Digest, original.sha1Digest, cast.doc1.address);
      expect(superseded).to.equal(Status.Superseded);
      expect(old.supersededBy).to.equal(reportIdOf(amendment.sha256Digest, cast.doc1.address));
      const [mismatchOld] = await ledger.verify(original.sha256Digest, ZERO20, cast.doc1.address);
      expect(mismatchOld).to.equal(Status.DigestMismatch);
      const [currentNew] = await ledger.verify(amendment.sha256Digest, amendment.sha1Digest, cast.doc1.address);
      expect(currentNew).to.equal(Status.Current);

      await as(ledger, cast.admin).markClaimFraudulent(originalId, "test");
      const [fraudulent, marked] = await ledger.verify(original.sha256Digest, original.sha1Digest, cast.doc1.address);
      expect(fraudulent).to.equal(Status.Fraudulent);
      expect(marked.fraudulent).to.equal(true);
      const [fraudulentMismatch] = await ledger.verify(original.sha256Digest, ZERO20, cast.doc1.address);
      expect(fraudulentMismatch, "fraud is reported before any digest detail").to.equal(Status.Fraudulent);
    });
  });

  describe("front-running (automine off): a copied registration cannot squat the genuine one", () => {
    /** doc2 (the victim) registers `genuine` for pat1; doc1 (assigned to pat1 and pat2) copies it with a higher fee. */
    async function race(copy: (genuine: ReportInput, cast: Awaited<ReturnType<typeof staffedLedger>>["cast"]) => ReportInput) {
      const deployed = await staffedLedger();
      const { ledger, cast } = deployed;
      const genuine = reportInput("victim's report", cast.pat1.address);
      const provider = ethers.provider;
      await provider.send("evm_setAutomine", [false]);
      let victimTx: ContractTransactionResponse;
      let attackTx: ContractTransactionResponse;
      try {
        victimTx = await as(ledger, cast.doc2).registerReport(genuine, {
          gasLimit: 300_000,
          maxFeePerGas: ethers.parseUnits("20", "gwei"),
          maxPriorityFeePerGas: ethers.parseUnits("1", "gwei"),
        });
        // The attacker sees the pending transaction in the mempool and copies its input.
        const pending = await provider.getTransaction(victimTx.hash);
        const seen = ledger.interface.decodeFunctionData("registerReport", pending!.data)[0] as ReportInput;
        const copied = copy(
          {
            sha256Digest: seen.sha256Digest,
            sha1Digest: seen.sha1Digest,
            patient: seen.patient,
            supersedes: seen.supersedes,
            cid: seen.cid,
            patientKey: seen.patientKey,
            doctorKey: seen.doctorKey,
            custodianKey: seen.custodianKey,
            held: false,
          },
          cast,
        );
        attackTx = await as(ledger, cast.doc1).registerReport(copied, {
          gasLimit: 300_000,
          maxFeePerGas: ethers.parseUnits("200", "gwei"),
          maxPriorityFeePerGas: ethers.parseUnits("100", "gwei"),
        });
        await provider.send("evm_mine", []);
      } finally {
        await provider.send("evm_setAutomine", [true]);
      }
      const victim = (await victimTx.wait())!;
      const attack = (await attackTx.wait())!;
      expect(attack.blockNumber).to.equal(victim.blockNumber);
      expect(attack.index, "the copy was mined first").to.be.lessThan(victim.index);
      expect(attack.status).to.equal(1);
      expect(victim.status, "the genuine registration succeeded").to.equal(1);
      return { ...deployed, genuine };
    }

    it("identical copy: both claims stand, the file reads as disputed (never genuine for the copier) until the admin marks the copy", async () => {
      const { ledger, cast, genuine } = await race((g) => g);
      const victimId = reportIdOf(genuine.sha256Digest, cast.doc2.address);
      const copyId = reportIdOf(genuine.sha256Digest, cast.doc1.address);
      const [victimStatus, victimClaim] = await ledger.verify(genuine.sha256Digest, genuine.sha1Digest, cast.doc2.address);
      expect(victimStatus).to.equal(Status.Current);
      expect([victimClaim.doctor, victimClaim.patient]).to.deep.equal([cast.doc2.address, cast.pat1.address]);
      const before = await verdict(ledger, genuine.sha256Digest, genuine.sha1Digest);
      expect(before.kind).to.equal("disputed");
      expect(before.claims.map((c) => c.doctor).sort()).to.deep.equal([cast.doc1.address, cast.doc2.address].sort());

      await expect(as(ledger, cast.admin).markClaimFraudulent(copyId, "copied doc2's pending registration"))
        .to.emit(ledger, "ClaimMarkedFraudulent")
        .withArgs(copyId, cast.admin.address, "copied doc2's pending registration");
      const after = await verdict(ledger, genuine.sha256Digest, genuine.sha1Digest);
      expect(after).to.deep.include({ kind: "genuine", issuer: cast.doc2.address, patient: cast.pat1.address });
      const [copyStatus] = await ledger.verify(genuine.sha256Digest, genuine.sha1Digest, cast.doc1.address);
      expect(copyStatus).to.equal(Status.Fraudulent);
      // The trail keeps both claims.
      expect(await ledger.queryFilter(ledger.filters.ReportRegistered(genuine.sha256Digest))).to.have.length(2);
      expect((await ledger.getReport(victimId)).fraudulent).to.equal(false);
      expect((await ledger.getReport(copyId)).fraudulent).to.equal(true);
    });

    it("copy for another patient: the genuine claim names the real patient; the dispute shows both; the admin resolves", async () => {
      const { ledger, cast, genuine } = await race((g, c) => ({ ...g, patient: c.pat2.address }));
      const [victimStatus, victimClaim] = await ledger.verify(genuine.sha256Digest, genuine.sha1Digest, cast.doc2.address);
      expect(victimStatus).to.equal(Status.Current);
      expect(victimClaim.patient).to.equal(cast.pat1.address);
      const [copyStatus, copyClaim] = await ledger.verify(genuine.sha256Digest, genuine.sha1Digest, cast.doc1.address);
      expect(copyStatus).to.equal(Status.Current);
      expect(copyClaim.patient).to.equal(cast.pat2.address);
      expect((await verdict(ledger, genuine.sha256Digest, genuine.sha1Digest)).kind).to.equal("disputed");
      await as(ledger, cast.admin).markClaimFraudulent(copyClaim.reportId, "");
      expect(await verdict(ledger, genuine.sha256Digest, genuine.sha1Digest)).to.deep.include({
        kind: "genuine",
        issuer: cast.doc2.address,
        patient: cast.pat1.address,
      });
    });

    it("copy with a wrong SHA-1: the file verifies as genuine for the victim; the copy is a digest mismatch", async () => {
      const { ledger, cast, genuine } = await race((g) => ({ ...g, sha1Digest: ethers.dataSlice(ethers.id("wrong sha1"), 0, 20) }));
      const [victimStatus] = await ledger.verify(genuine.sha256Digest, genuine.sha1Digest, cast.doc2.address);
      expect(victimStatus).to.equal(Status.Current);
      const [copyStatus] = await ledger.verify(genuine.sha256Digest, genuine.sha1Digest, cast.doc1.address);
      expect(copyStatus).to.equal(Status.DigestMismatch);
      expect(await verdict(ledger, genuine.sha256Digest, genuine.sha1Digest)).to.deep.include({
        kind: "genuine",
        issuer: cast.doc2.address,
        patient: cast.pat1.address,
      });
    });
  });

  describe("markClaimFraudulent", () => {
    it("refuses an unknown claim and a second mark", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      const unknown = ethers.id("none");
      await expect(admin.markClaimFraudulent(unknown, "x")).to.be.revertedWithCustomError(ledger, "UnknownReport").withArgs(unknown);
      const input = reportInput("r", cast.pat1.address);
      await as(ledger, cast.doc1).registerReport(input);
      const id = reportIdOf(input.sha256Digest, cast.doc1.address);
      await admin.markClaimFraudulent(id, "x");
      await expect(admin.markClaimFraudulent(id, "y")).to.be.revertedWithCustomError(ledger, "AlreadyFraudulent").withArgs(id);
    });
  });

  describe("times and block numbers never wrap", () => {
    it("records the exact time past 2^32 seconds, and registers past block 2^32", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const at = 2n ** 32n + 12_345n;
      await networkHelpers.time.setNextBlockTimestamp(at);
      const input = reportInput("year 2106+", cast.pat1.address);
      await as(ledger, cast.doc1).registerReport(input);
      expect((await ledger.getReport(reportIdOf(input.sha256Digest, cast.doc1.address))).registeredAt).to.equal(at);
      // 2^32 + 1 more blocks in one call.
      await ethers.provider.send("hardhat_mine", [ethers.toQuantity(2n ** 32n + 1n)]);
      expect(BigInt(await ethers.provider.getBlockNumber())).to.be.greaterThan(2n ** 32n);
      const later = reportInput("past block 2^32", cast.pat1.address);
      const tx = await as(ledger, cast.doc1).registerReport(later);
      const block = await ethers.provider.getBlock(tx.blockNumber!);
      expect((await ledger.getReport(reportIdOf(later.sha256Digest, cast.doc1.address))).registeredAt).to.equal(BigInt(block!.timestamp));
    });
  });
});
