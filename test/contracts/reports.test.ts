/** Reports: registration (single and batch), amendment chains, getReport, verify, and access grants. */
import { expect } from "chai";
import {
  as,
  ethers,
  keyOf,
  networkHelpers,
  reportInput,
  ROLES,
  staffedLedger,
  Status,
  wrappedKeyOf,
  ZERO20,
  ZERO32,
  type ReportInput,
} from "./fixture.ts";

describe("MedLedger: reports", () => {
  describe("registerReport", () => {
    it("records the report and emits it with CID and wrapped keys", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const input = reportInput("r1", cast.pat1.address);
      const tx = await as(ledger, cast.doc1).registerReport(input);
      await expect(tx)
        .to.emit(ledger, "ReportRegistered")
        .withArgs(input.sha1Digest, cast.pat1.address, cast.doc1.address, input.sha256Digest, ZERO32, input.cid, input.patientKey, input.doctorKey);
      await expect(tx).to.not.emit(ledger, "ReportSuperseded");
      const block = await ethers.provider.getBlock(tx.blockNumber!);
      const report = await ledger.getReport(input.sha256Digest);
      expect(report.reportId).to.equal(input.sha256Digest);
      expect(report.sha1Digest).to.equal(input.sha1Digest);
      expect(report.patient).to.equal(cast.pat1.address);
      expect(report.doctor).to.equal(cast.doc1.address);
      expect(report.registeredAt).to.equal(BigInt(block!.timestamp));
      expect(report.blockNumber).to.equal(BigInt(tx.blockNumber!));
      expect(report.supersededBy).to.equal(ZERO32);
    });

    it("refuses zero digests, an empty CID, missing wrapped keys and a registered id", async () => {
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
      await expect(doc.registerReport(ok)).to.be.revertedWithCustomError(ledger, "ReportExists").withArgs(ok.sha256Digest);
      // Same SHA-256 from another doctor, with another SHA-1: still the same id.
      await expect(as(ledger, cast.doc2).registerReport({ ...ok, sha1Digest: ethers.dataSlice(ethers.id("x"), 0, 20) }))
        .to.be.revertedWithCustomError(ledger, "ReportExists")
        .withArgs(ok.sha256Digest);
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
      expect((await ledger.getReport(earlier.sha256Digest)).doctor).to.equal(cast.doc2.address);
      expect(await ledger.canRead(earlier.sha256Digest, cast.doc2.address)).to.equal(true);
    });
  });

  describe("registerReports", () => {
    it("registers a batch, one event each", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const inputs = [reportInput("b1", cast.pat1.address), reportInput("b2", cast.pat2.address), reportInput("b3", cast.pat1.address)];
      const tx = await as(ledger, cast.doc1).registerReports(inputs);
      for (const input of inputs) {
        await expect(tx)
          .to.emit(ledger, "ReportRegistered")
          .withArgs(input.sha1Digest, input.patient, cast.doc1.address, input.sha256Digest, ZERO32, input.cid, input.patientKey, input.doctorKey);
        expect((await ledger.getReport(input.sha256Digest)).patient).to.equal(input.patient);
      }
    });

    it("is all or nothing: one bad input reverts the batch", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const good = reportInput("g", cast.pat1.address);
      const duplicate = [good, reportInput("h", cast.pat1.address), good];
      await expect(as(ledger, cast.doc1).registerReports(duplicate))
        .to.be.revertedWithCustomError(ledger, "ReportExists")
        .withArgs(good.sha256Digest);
      await expect(as(ledger, cast.doc2).registerReports([good, reportInput("p2", cast.pat2.address)]))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address);
      const [status] = await ledger.verify(good.sha256Digest, good.sha1Digest);
      expect(status).to.equal(Status.NotRegistered);
    });

    it("accepts an empty batch as a no-op", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      await expect(as(ledger, cast.doc1).registerReports([])).to.not.emit(ledger, "ReportRegistered");
    });

    it("can amend a report registered earlier in the same batch", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const first = reportInput("first", cast.pat1.address);
      const second = reportInput("second", cast.pat1.address, first.sha256Digest);
      await expect(as(ledger, cast.doc1).registerReports([first, second]))
        .to.emit(ledger, "ReportSuperseded")
        .withArgs(first.sha256Digest, second.sha256Digest);
    });
  });

  describe("amendments", () => {
    it("a report supersedes an earlier one of the same patient, by any doctor of the patient", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const original = reportInput("orig", cast.pat1.address);
      await as(ledger, cast.doc1).registerReport(original);
      const amendment = reportInput("amend", cast.pat1.address, original.sha256Digest);
      const tx = await as(ledger, cast.doc2).registerReport(amendment);
      await expect(tx).to.emit(ledger, "ReportSuperseded").withArgs(original.sha256Digest, amendment.sha256Digest);
      await expect(tx)
        .to.emit(ledger, "ReportRegistered")
        .withArgs(
          amendment.sha1Digest,
          cast.pat1.address,
          cast.doc2.address,
          amendment.sha256Digest,
          original.sha256Digest,
          amendment.cid,
          amendment.patientKey,
          amendment.doctorKey,
        );
      expect((await ledger.getReport(original.sha256Digest)).supersededBy).to.equal(amendment.sha256Digest);
      expect((await ledger.getReport(amendment.sha256Digest)).supersededBy).to.equal(ZERO32);
      // A chain: the amendment itself can be amended.
      const third = reportInput("third", cast.pat1.address, amendment.sha256Digest);
      await as(ledger, cast.doc1).registerReport(third);
      expect((await ledger.getReport(amendment.sha256Digest)).supersededBy).to.equal(third.sha256Digest);
    });

    it("refuses an unknown, an already superseded, or another patient's report", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const doc = as(ledger, cast.doc1);
      const unknown = ethers.id("nothing");
      await expect(doc.registerReport(reportInput("x", cast.pat1.address, unknown)))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(unknown);
      const original = reportInput("orig", cast.pat1.address);
      await doc.registerReport(original);
      await expect(doc.registerReport(reportInput("for pat2", cast.pat2.address, original.sha256Digest)))
        .to.be.revertedWithCustomError(ledger, "PatientMismatch")
        .withArgs(original.sha256Digest, cast.pat2.address);
      const amendment = reportInput("amend", cast.pat1.address, original.sha256Digest);
      await doc.registerReport(amendment);
      await expect(doc.registerReport(reportInput("again", cast.pat1.address, original.sha256Digest)))
        .to.be.revertedWithCustomError(ledger, "AlreadySuperseded")
        .withArgs(original.sha256Digest, amendment.sha256Digest);
      // A report cannot amend itself (it does not exist yet when checked).
      const self = reportInput("self", cast.pat1.address);
      await expect(doc.registerReport({ ...self, supersedes: self.sha256Digest }))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(self.sha256Digest);
    });
  });

  describe("getReport and verify", () => {
    it("getReport refuses an unknown id", async () => {
      const { ledger } = await networkHelpers.loadFixture(staffedLedger);
      const id = ethers.id("unknown");
      await expect(ledger.getReport(id)).to.be.revertedWithCustomError(ledger, "UnknownReport").withArgs(id);
    });

    it("verify answers NotRegistered, Current, Superseded and DigestMismatch", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const original = reportInput("orig", cast.pat1.address);
      const [none, empty] = await ledger.verify(original.sha256Digest, original.sha1Digest);
      expect(none).to.equal(Status.NotRegistered);
      expect(empty.reportId).to.equal(ZERO32);
      expect(empty.patient).to.equal(ethers.ZeroAddress);

      await as(ledger, cast.doc1).registerReport(original);
      const [current, record] = await ledger.verify(original.sha256Digest, original.sha1Digest);
      expect(current).to.equal(Status.Current);
      expect(record.reportId).to.equal(original.sha256Digest);
      expect(record.doctor).to.equal(cast.doc1.address);

      const [mismatch, same] = await ledger.verify(original.sha256Digest, ethers.dataSlice(ethers.id("forged"), 0, 20));
      expect(mismatch).to.equal(Status.DigestMismatch);
      expect(same.sha1Digest).to.equal(original.sha1Digest);

      const amendment = reportInput("amend", cast.pat1.address, original.sha256Digest);
      await as(ledger, cast.doc1).registerReport(amendment);
      const [superseded, old] = await ledger.verify(original.sha256Digest, original.sha1Digest);
      expect(superseded).to.equal(Status.Superseded);
      expect(old.supersededBy).to.equal(amendment.sha256Digest);
      const [mismatchOld] = await ledger.verify(original.sha256Digest, ZERO20);
      expect(mismatchOld).to.equal(Status.DigestMismatch);
      const [currentNew] = await ledger.verify(amendment.sha256Digest, amendment.sha1Digest);
      expect(currentNew).to.equal(Status.Current);
    });
  });

  describe("access grants", () => {
    async function withReport() {
      const deployed = await staffedLedger();
      const report = reportInput("shared", deployed.cast.pat1.address);
      await as(deployed.ledger, deployed.cast.doc1).registerReport(report);
      return { ...deployed, reportId: report.sha256Digest };
    }

    it("grant, read, revoke, read again, grant again", async () => {
      const { ledger, cast, reportId } = await networkHelpers.loadFixture(withReport);
      const patient = as(ledger, cast.pat1);
      const wrapped = wrappedKeyOf("for doc2");
      expect(await ledger.canRead(reportId, cast.doc2.address)).to.equal(false);
      await expect(patient.grantAccess(reportId, cast.doc2.address, wrapped))
        .to.emit(ledger, "AccessGranted")
        .withArgs(reportId, cast.pat1.address, cast.doc2.address, wrapped);
      expect(await ledger.isGranted(reportId, cast.doc2.address)).to.equal(true);
      expect(await ledger.canRead(reportId, cast.doc2.address)).to.equal(true);
      await expect(patient.revokeAccess(reportId, cast.doc2.address))
        .to.emit(ledger, "AccessRevoked")
        .withArgs(reportId, cast.pat1.address, cast.doc2.address);
      expect(await ledger.isGranted(reportId, cast.doc2.address)).to.equal(false);
      expect(await ledger.canRead(reportId, cast.doc2.address)).to.equal(false);
      await expect(patient.grantAccess(reportId, cast.doc2.address, wrapped)).to.emit(ledger, "AccessGranted");
      expect(await ledger.canRead(reportId, cast.doc2.address)).to.equal(true);
    });

    it("canRead: the patient and the issuing doctor always, others never without a grant", async () => {
      const { ledger, cast, reportId } = await networkHelpers.loadFixture(withReport);
      expect(await ledger.canRead(reportId, cast.pat1.address)).to.equal(true);
      expect(await ledger.canRead(reportId, cast.doc1.address)).to.equal(true);
      for (const other of [cast.doc2, cast.pat2, cast.rec1, cast.admin, cast.stranger]) {
        expect(await ledger.canRead(reportId, other.address), other.address).to.equal(false);
        expect(await ledger.isGranted(reportId, other.address)).to.equal(false);
      }
      // Even after deactivation, the issuing doctor keeps reading what they wrote.
      await as(ledger, cast.admin).deactivateStaff(cast.doc1.address);
      expect(await ledger.canRead(reportId, cast.doc1.address)).to.equal(true);
      const unknown = ethers.id("none");
      await expect(ledger.canRead(unknown, cast.pat1.address)).to.be.revertedWithCustomError(ledger, "UnknownReport").withArgs(unknown);
      expect(await ledger.isGranted(unknown, cast.pat1.address)).to.equal(false);
    });

    it("only the report's patient grants and revokes", async () => {
      const { ledger, cast, reportId } = await networkHelpers.loadFixture(withReport);
      await as(ledger, cast.pat1).grantAccess(reportId, cast.doc2.address, wrappedKeyOf("k"));
      for (const other of [cast.doc1, cast.doc2, cast.pat2, cast.rec1, cast.admin, cast.stranger]) {
        await expect(as(ledger, other).grantAccess(reportId, cast.doc2.address, wrappedKeyOf("k")))
          .to.be.revertedWithCustomError(ledger, "NotReportPatient")
          .withArgs(reportId, other.address);
        await expect(as(ledger, other).revokeAccess(reportId, cast.doc2.address))
          .to.be.revertedWithCustomError(ledger, "NotReportPatient")
          .withArgs(reportId, other.address);
      }
      const unknown = ethers.id("none");
      await expect(as(ledger, cast.pat1).grantAccess(unknown, cast.doc2.address, wrappedKeyOf("k")))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(unknown);
      await expect(as(ledger, cast.pat1).revokeAccess(unknown, cast.doc2.address))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(unknown);
    });

    it("refuses a grant to self, to a keyless reader, without a wrapped key, or twice; a revoke without a grant", async () => {
      const { ledger, cast, reportId } = await networkHelpers.loadFixture(withReport);
      const patient = as(ledger, cast.pat1);
      await expect(patient.grantAccess(reportId, cast.pat1.address, wrappedKeyOf("k"))).to.be.revertedWithCustomError(ledger, "GrantToSelf");
      await expect(patient.grantAccess(reportId, cast.stranger.address, wrappedKeyOf("k")))
        .to.be.revertedWithCustomError(ledger, "NoEncryptionKey")
        .withArgs(cast.stranger.address);
      await expect(patient.grantAccess(reportId, cast.doc2.address, "0x")).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
      await expect(patient.revokeAccess(reportId, cast.doc2.address))
        .to.be.revertedWithCustomError(ledger, "NotGranted")
        .withArgs(reportId, cast.doc2.address);
      await patient.grantAccess(reportId, cast.doc2.address, wrappedKeyOf("k"));
      await expect(patient.grantAccess(reportId, cast.doc2.address, wrappedKeyOf("k2")))
        .to.be.revertedWithCustomError(ledger, "AlreadyGranted")
        .withArgs(reportId, cast.doc2.address);
      // Anyone with a published key can be a reader, not only staff.
      await as(ledger, cast.stranger).publishEncryptionKey(keyOf("stranger"));
      await expect(patient.grantAccess(reportId, cast.stranger.address, wrappedKeyOf("s"))).to.emit(ledger, "AccessGranted");
      expect(await ledger.hasRole(ROLES.patient, cast.stranger.address)).to.equal(false);
    });
  });
});
