/**
 * Sharing: single and batch grants, expiry, revoke and revoke-all, patient-signed (relayed)
 * sharing actions, "revoke and re-key", and re-wrapped keys after a key rotation.
 */
import { expect } from "chai";
import {
  as,
  cidOf,
  ethers,
  FAR,
  GrantStatus,
  keyOf,
  networkHelpers,
  reportIdOf,
  reportInput,
  signAction,
  staffedLedger,
  wrappedKeyOf,
  ZERO32,
  type MedLedger,
} from "./fixture.ts";

/** staffedLedger + 3 reports of pat1 by doc1 (r0..r2), 1 by doc2 (r3), 1 of pat2 by doc1 (other); doc3 and stranger with keys. */
async function sharingWorld() {
  const deployed = await staffedLedger();
  const { ledger, cast } = deployed;
  const inputs = [0, 1, 2].map((i) => reportInput(`r${i}`, cast.pat1.address));
  await as(ledger, cast.doc1).registerReports(inputs);
  const byDoc2 = reportInput("r3", cast.pat1.address);
  await as(ledger, cast.doc2).registerReport(byDoc2);
  const other = reportInput("other", cast.pat2.address);
  await as(ledger, cast.doc1).registerReport(other);
  await as(ledger, cast.doc3).publishEncryptionKey(keyOf("doc3"));
  await as(ledger, cast.stranger).publishEncryptionKey(keyOf("stranger"));
  const ids = [...inputs.map((i) => reportIdOf(i.sha256Digest, cast.doc1.address)), reportIdOf(byDoc2.sha256Digest, cast.doc2.address)];
  return { ...deployed, ids, otherId: reportIdOf(other.sha256Digest, cast.doc1.address) };
}

const grant = (reader: string, reportIds: string[], expiresAt: bigint | number = 0) => ({
  reader,
  reportIds,
  wrappedKeys: reportIds.map((id) => wrappedKeyOf(`${reader}:${id}`)),
  expiresAt,
});

async function status(ledger: MedLedger, id: string, reader: string): Promise<bigint> {
  const [s] = await ledger.grantOf(id, reader);
  return s as bigint;
}

describe("MedLedger: sharing", () => {
  describe("grantAccess and revokeAccess", () => {
    it("grant, read, revoke, read again, grant again", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const patient = as(ledger, cast.pat1);
      const id = ids[0]!;
      const wrapped = wrappedKeyOf("for doc3");
      expect(await ledger.canRead(id, cast.doc3.address)).to.equal(false);
      await expect(patient.grantAccess(id, cast.doc3.address, wrapped))
        .to.emit(ledger, "AccessGranted")
        .withArgs(id, cast.pat1.address, cast.doc3.address, wrapped);
      expect(await status(ledger, id, cast.doc3.address)).to.equal(GrantStatus.Active);
      expect(await ledger.canRead(id, cast.doc3.address)).to.equal(true);
      expect(await ledger.canRead(ids[1]!, cast.doc3.address), "only that report").to.equal(false);
      await expect(patient.revokeAccess(id, cast.doc3.address)).to.emit(ledger, "AccessRevoked").withArgs(id, cast.pat1.address, cast.doc3.address);
      expect(await status(ledger, id, cast.doc3.address)).to.equal(GrantStatus.None);
      expect(await ledger.canRead(id, cast.doc3.address)).to.equal(false);
      await expect(patient.grantAccess(id, cast.doc3.address, wrapped)).to.emit(ledger, "AccessGranted");
      expect(await ledger.canRead(id, cast.doc3.address)).to.equal(true);
    });

    it("canRead: the patient and the issuing doctor always, others never without a grant", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const id = ids[0]!;
      expect(await ledger.canRead(id, cast.pat1.address)).to.equal(true);
      expect(await ledger.canRead(id, cast.doc1.address)).to.equal(true);
      for (const other of [cast.doc2, cast.pat2, cast.rec1, cast.admin, cast.stranger]) {
        expect(await ledger.canRead(id, other.address), other.address).to.equal(false);
      }
      await as(ledger, cast.admin).deactivateStaff(cast.doc1.address);
      expect(await ledger.canRead(id, cast.doc1.address)).to.equal(true);
      const unknown = ethers.id("none");
      await expect(ledger.canRead(unknown, cast.pat1.address)).to.be.revertedWithCustomError(ledger, "UnknownReport").withArgs(unknown);
      const [none, expiry] = await ledger.grantOf(unknown, cast.pat1.address);
      expect([none, expiry]).to.deep.equal([GrantStatus.None, 0n]);
    });

    it("only the report's patient grants and revokes", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const id = ids[0]!;
      await as(ledger, cast.pat1).grantAccess(id, cast.doc3.address, wrappedKeyOf("k"));
      for (const other of [cast.doc1, cast.doc2, cast.pat2, cast.rec1, cast.admin, cast.stranger]) {
        await expect(as(ledger, other).grantAccess(id, cast.doc3.address, wrappedKeyOf("k")))
          .to.be.revertedWithCustomError(ledger, "NotReportPatient")
          .withArgs(id, other.address);
        await expect(as(ledger, other).grantAccessBatch(grant(cast.doc3.address, [id])))
          .to.be.revertedWithCustomError(ledger, "NotReportPatient")
          .withArgs(id, other.address);
        await expect(as(ledger, other).revokeAccess(id, cast.doc3.address))
          .to.be.revertedWithCustomError(ledger, "NotReportPatient")
          .withArgs(id, other.address);
      }
      const unknown = ethers.id("none");
      await expect(as(ledger, cast.pat1).grantAccess(unknown, cast.doc3.address, wrappedKeyOf("k")))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(unknown);
      await expect(as(ledger, cast.pat1).revokeAccess(unknown, cast.doc3.address)).to.be.revertedWithCustomError(ledger, "UnknownReport").withArgs(unknown);
    });

    it("refuses a grant to self, without a wrapped key, or twice; a revoke without a grant", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const patient = as(ledger, cast.pat1);
      const id = ids[0]!;
      await expect(patient.grantAccess(id, cast.pat1.address, wrappedKeyOf("k"))).to.be.revertedWithCustomError(ledger, "GrantToSelf");
      await expect(patient.grantAccess(id, cast.doc3.address, "0x")).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
      await expect(patient.revokeAccess(id, cast.doc3.address)).to.be.revertedWithCustomError(ledger, "NotGranted").withArgs(id, cast.doc3.address);
      await patient.grantAccess(id, cast.doc3.address, wrappedKeyOf("k"));
      await expect(patient.grantAccess(id, cast.doc3.address, wrappedKeyOf("k2")))
        .to.be.revertedWithCustomError(ledger, "AlreadyGranted")
        .withArgs(id, cast.doc3.address);
      // Anyone with a published key can be a reader, not only staff.
      await expect(patient.grantAccess(id, cast.stranger.address, wrappedKeyOf("s"))).to.emit(ledger, "AccessGranted");
    });
  });

  describe("grantAccessBatch: many reports, one reader, one transaction", () => {
    it("shares reports of several care pairs at once, one event each", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const g = grant(cast.doc3.address, ids);
      const tx = await as(ledger, cast.pat1).grantAccessBatch(g);
      for (const [i, id] of ids.entries()) {
        await expect(tx).to.emit(ledger, "AccessGranted").withArgs(id, cast.pat1.address, cast.doc3.address, g.wrappedKeys[i]);
        expect(await ledger.canRead(id, cast.doc3.address)).to.equal(true);
      }
      await expect(tx).to.not.emit(ledger, "AccessTermsSet");
      // Another reader is unaffected.
      expect(await ledger.canRead(ids[0]!, cast.stranger.address)).to.equal(false);
    });

    it("refuses mismatched arrays, a report of another patient and a duplicate; all or nothing", async () => {
      const { ledger, cast, ids, otherId } = await networkHelpers.loadFixture(sharingWorld);
      const patient = as(ledger, cast.pat1);
      await expect(patient.grantAccessBatch({ ...grant(cast.doc3.address, ids), wrappedKeys: [wrappedKeyOf("x")] })).to.be.revertedWithCustomError(
        ledger,
        "LengthMismatch",
      );
      await expect(patient.grantAccessBatch(grant(cast.doc3.address, [ids[0]!, otherId])))
        .to.be.revertedWithCustomError(ledger, "NotReportPatient")
        .withArgs(otherId, cast.pat1.address);
      await expect(patient.grantAccessBatch(grant(cast.doc3.address, [ids[0]!, ids[0]!])))
        .to.be.revertedWithCustomError(ledger, "AlreadyGranted")
        .withArgs(ids[0]!, cast.doc3.address);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
    });

    it("expiry: grants read as expired after expiresAt; a later grant starts a fresh epoch so expired grants never revive", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const patient = as(ledger, cast.pat1);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(patient.grantAccessBatch(grant(cast.doc3.address, [ids[0]!], now)))
        .to.be.revertedWithCustomError(ledger, "InvalidExpiry")
        .withArgs(now);
      const until = now + 3600n;
      await expect(patient.grantAccessBatch(grant(cast.doc3.address, [ids[0]!, ids[1]!], until)))
        .to.emit(ledger, "AccessTermsSet")
        .withArgs(cast.pat1.address, cast.doc3.address, 0, until);
      expect(await ledger.grantOf(ids[0]!, cast.doc3.address)).to.deep.equal([GrantStatus.Active, until]);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(true);
      // A single grant joins the current terms.
      await patient.grantAccess(ids[2]!, cast.doc3.address, wrappedKeyOf("k2"));
      expect(await ledger.grantOf(ids[2]!, cast.doc3.address)).to.deep.equal([GrantStatus.Active, until]);
      await networkHelpers.time.increaseTo(until);
      expect(await ledger.grantOf(ids[0]!, cast.doc3.address)).to.deep.equal([GrantStatus.Expired, until]);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
      expect(await ledger.grantOf(ids[3]!, cast.doc3.address)).to.deep.equal([GrantStatus.None, until]);
      // A new grant after expiry: epoch 1, no expiry; r0 and r1 stay expired (never revive).
      await expect(patient.grantAccess(ids[3]!, cast.doc3.address, wrappedKeyOf("k3")))
        .to.emit(ledger, "AccessTermsSet")
        .withArgs(cast.pat1.address, cast.doc3.address, 1, 0);
      expect(await ledger.canRead(ids[3]!, cast.doc3.address)).to.equal(true);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
      expect(await status(ledger, ids[0]!, cast.doc3.address)).to.equal(GrantStatus.None);
      // An empty batch only sets the expiry of what is shared; 0 removes it.
      const later = BigInt(await networkHelpers.time.latest()) + 100n;
      await expect(patient.grantAccessBatch(grant(cast.doc3.address, [], later)))
        .to.emit(ledger, "AccessTermsSet")
        .withArgs(cast.pat1.address, cast.doc3.address, 1, later);
      await expect(patient.grantAccessBatch(grant(cast.doc3.address, [], 0)))
        .to.emit(ledger, "AccessTermsSet")
        .withArgs(cast.pat1.address, cast.doc3.address, 1, 0);
      await networkHelpers.time.increase(1000);
      expect(await ledger.canRead(ids[3]!, cast.doc3.address)).to.equal(true);
    });
  });

  describe("revokeAllAccess: everything shared with one reader, in O(1)", () => {
    it("invalidates every grant of the patient to that reader, not to others; new grants count again", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const patient = as(ledger, cast.pat1);
      await patient.grantAccessBatch(grant(cast.doc3.address, ids));
      await patient.grantAccessBatch(grant(cast.stranger.address, [ids[0]!]));
      await expect(patient.revokeAllAccess(cast.doc3.address)).to.emit(ledger, "AllAccessRevoked").withArgs(cast.pat1.address, cast.doc3.address, 1);
      for (const id of ids) expect(await ledger.canRead(id, cast.doc3.address)).to.equal(false);
      expect(await ledger.canRead(ids[0]!, cast.stranger.address)).to.equal(true);
      await expect(patient.revokeAccess(ids[0]!, cast.doc3.address)).to.be.revertedWithCustomError(ledger, "NotGranted").withArgs(ids[0]!, cast.doc3.address);
      await patient.grantAccess(ids[1]!, cast.doc3.address, wrappedKeyOf("again"));
      expect(await ledger.canRead(ids[1]!, cast.doc3.address)).to.equal(true);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
    });
  });

  describe("patient-signed actions, relayed by anyone", () => {
    it("a relayed grant succeeds, names the patient, uses the nonce, and gives the relayer no rights", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const g = grant(cast.doc3.address, [ids[0]!, ids[3]!], 0);
      const { signature, deadline } = await signAction(ledger, cast.pat1, "GrantAccess", { patient: cast.pat1.address, ...g });
      const relayer = as(ledger, cast.rec2);
      const tx = await relayer.grantAccessBySig(cast.pat1.address, g, deadline, signature);
      await expect(tx).to.emit(ledger, "AccessGranted").withArgs(ids[0]!, cast.pat1.address, cast.doc3.address, g.wrappedKeys[0]);
      expect(await ledger.canRead(ids[3]!, cast.doc3.address)).to.equal(true);
      expect(await ledger.nonces(cast.pat1.address)).to.equal(2n);
      expect(await ledger.canRead(ids[0]!, cast.rec2.address), "relayer reads nothing").to.equal(false);
      await as(ledger, cast.rec2).publishEncryptionKey(keyOf("rec2"));
      await expect(relayer.grantAccess(ids[1]!, cast.doc3.address, wrappedKeyOf("x")))
        .to.be.revertedWithCustomError(ledger, "NotReportPatient")
        .withArgs(ids[1]!, cast.rec2.address);
      await expect(relayer.revokeAccess(ids[0]!, cast.doc3.address))
        .to.be.revertedWithCustomError(ledger, "NotReportPatient")
        .withArgs(ids[0]!, cast.rec2.address);
      // Replayed: the nonce moved on.
      await expect(relayer.grantAccessBySig(cast.pat1.address, g, deadline, signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
      // The relayer cannot change what was signed (another reader, other keys).
      const signed = grant(cast.stranger.address, [ids[1]!]);
      const s2 = await signAction(ledger, cast.pat1, "GrantAccess", { patient: cast.pat1.address, ...signed });
      await expect(relayer.grantAccessBySig(cast.pat1.address, { ...signed, reader: cast.rec2.address }, s2.deadline, s2.signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
      await expect(relayer.grantAccessBySig(cast.pat1.address, { ...signed, wrappedKeys: [wrappedKeyOf("junk")] }, s2.deadline, s2.signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
    });

    it("refuses a wrong signer, an expired deadline, a replayed nonce, another chain or contract, and a non-ECDSA signature", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      const relayer = as(ledger, cast.stranger);
      const g = grant(cast.doc3.address, [ids[0]!]);
      const message = { patient: cast.pat1.address, ...g };
      const wrongSigner = await signAction(ledger, cast.pat2, "GrantAccess", message, { nonce: 1n });
      const now = BigInt(await networkHelpers.time.latest());
      const expired = await signAction(ledger, cast.pat1, "GrantAccess", message, { deadline: now });
      const stale = await signAction(ledger, cast.pat1, "GrantAccess", message, { nonce: 0n });
      const otherChain = await signAction(ledger, cast.pat1, "GrantAccess", message, { chainId: 1n });
      const otherContract = await signAction(ledger, cast.pat1, "GrantAccess", message, { verifyingContract: cast.stranger.address });
      for (const [name, s] of [
        ["wrong signer", wrongSigner],
        ["replayed (used) nonce", stale],
        ["another chain", otherChain],
        ["another contract", otherContract],
      ] as const) {
        await expect(relayer.grantAccessBySig(cast.pat1.address, g, s.deadline, s.signature), name)
          .to.be.revertedWithCustomError(ledger, "InvalidSignature")
          .withArgs(cast.pat1.address);
      }
      await expect(relayer.grantAccessBySig(cast.pat1.address, g, expired.deadline, expired.signature))
        .to.be.revertedWithCustomError(ledger, "ExpiredSignature")
        .withArgs(now);
      await expect(relayer.grantAccessBySig(cast.pat1.address, g, FAR, `0x${"00".repeat(65)}`))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
      await expect(relayer.grantAccessBySig(cast.pat1.address, g, FAR, "0x"))
        .to.be.revertedWithCustomError(ledger, "UnsupportedSignature")
        .withArgs(cast.pat1.address, 0);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
    });

    it("relayed revoke and revoke-all", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharingWorld);
      await as(ledger, cast.pat1).grantAccessBatch(grant(cast.doc3.address, ids));
      const relayer = as(ledger, cast.stranger);
      const r = await signAction(ledger, cast.pat1, "RevokeAccess", { patient: cast.pat1.address, reader: cast.doc3.address, reportId: ids[0]! });
      await expect(relayer.revokeAccessBySig(cast.pat1.address, ids[0]!, cast.doc3.address, r.deadline, r.signature))
        .to.emit(ledger, "AccessRevoked")
        .withArgs(ids[0]!, cast.pat1.address, cast.doc3.address);
      expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
      // Zero report id: everything shared with the reader.
      const wrong = await signAction(
        ledger,
        cast.pat2,
        "RevokeAccess",
        { patient: cast.pat1.address, reader: cast.doc3.address, reportId: ZERO32 },
        { nonce: 2n },
      );
      await expect(relayer.revokeAccessBySig(cast.pat1.address, ZERO32, cast.doc3.address, wrong.deadline, wrong.signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
      const all = await signAction(ledger, cast.pat1, "RevokeAccess", { patient: cast.pat1.address, reader: cast.doc3.address, reportId: ZERO32 });
      await expect(relayer.revokeAccessBySig(cast.pat1.address, ZERO32, cast.doc3.address, all.deadline, all.signature))
        .to.emit(ledger, "AllAccessRevoked")
        .withArgs(cast.pat1.address, cast.doc3.address, 1);
      for (const id of ids) expect(await ledger.canRead(id, cast.doc3.address)).to.equal(false);
      const badRevoke = await signAction(
        ledger,
        cast.pat2,
        "RevokeAccess",
        { patient: cast.pat1.address, reader: cast.doc3.address, reportId: ids[1]! },
        { nonce: 3n },
      );
      await expect(relayer.revokeAccessBySig(cast.pat1.address, ids[1]!, cast.doc3.address, badRevoke.deadline, badRevoke.signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
    });
  });

  describe("revoke and re-key", () => {
    async function sharedWithTwo() {
      const world = await sharingWorld();
      const { ledger, cast, ids } = world;
      await as(ledger, cast.pat1).grantAccessBatch(grant(cast.doc3.address, [ids[0]!]));
      await as(ledger, cast.pat1).grantAccessBatch(grant(cast.stranger.address, [ids[0]!]));
      return world;
    }
    const rekeyOf = (id: string, readers: string[], tag = "v1") => ({
      reportId: id,
      cid: cidOf(`re-encrypted ${tag}`),
      patientKey: wrappedKeyOf(`patient ${tag}`),
      doctorKey: wrappedKeyOf(`doctor ${tag}`),
      custodianKey: "0x",
      readers,
      readerKeys: readers.map((r) => wrappedKeyOf(`${r} ${tag}`)),
    });

    it("attack: a revoked reader receives no key for the new version, and cannot be listed", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharedWithTwo);
      const id = ids[0]!;
      const patient = as(ledger, cast.pat1);
      await patient.revokeAccess(id, cast.stranger.address);
      await expect(patient.rekeyReport(rekeyOf(id, [cast.doc3.address, cast.stranger.address])))
        .to.be.revertedWithCustomError(ledger, "NotGranted")
        .withArgs(id, cast.stranger.address);
      const r = rekeyOf(id, [cast.doc3.address]);
      const tx = await patient.rekeyReport(r);
      await expect(tx).to.emit(ledger, "ReportRekeyed").withArgs(id, cast.pat1.address, 1, r.cid, r.patientKey, r.doctorKey, "0x");
      await expect(tx).to.emit(ledger, "ReportKeyRewrapped").withArgs(id, cast.doc3.address, 1, 1, r.readerKeys[0]);
      const receipt = await tx.wait();
      const readers = receipt!.logs
        .map((l) => ledger.interface.parseLog(l))
        .filter((e) => e?.name === "ReportKeyRewrapped")
        .map((e) => e!.args.reader as string);
      expect(readers).to.deep.equal([cast.doc3.address]);
      expect(readers, "the revoked reader gets no new key").to.not.include(cast.stranger.address);
      expect((await ledger.getReport(id)).version).to.equal(1n);
    });

    it("the issuing doctor re-keys too (while an active doctor); nobody else; inputs are checked", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharedWithTwo);
      const id = ids[0]!;
      await expect(as(ledger, cast.doc1).rekeyReport(rekeyOf(id, [], "by doctor")))
        .to.emit(ledger, "ReportRekeyed")
        .withArgs(id, cast.doc1.address, 1, cidOf("re-encrypted by doctor"), wrappedKeyOf("patient by doctor"), wrappedKeyOf("doctor by doctor"), "0x");
      for (const other of [cast.doc2, cast.doc3, cast.pat2, cast.rec1, cast.admin, cast.stranger]) {
        await expect(as(ledger, other).rekeyReport(rekeyOf(id, [])))
          .to.be.revertedWithCustomError(ledger, "NotReportParty")
          .withArgs(id, other.address);
      }
      await as(ledger, cast.admin).deactivateStaff(cast.doc1.address);
      await expect(as(ledger, cast.doc1).rekeyReport(rekeyOf(id, [])))
        .to.be.revertedWithCustomError(ledger, "NotReportParty")
        .withArgs(id, cast.doc1.address);
      const patient = as(ledger, cast.pat1);
      await expect(patient.rekeyReport({ ...rekeyOf(id, []), cid: "0x" })).to.be.revertedWithCustomError(ledger, "EmptyCid");
      await expect(patient.rekeyReport({ ...rekeyOf(id, []), patientKey: "0x" })).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
      await expect(patient.rekeyReport({ ...rekeyOf(id, []), doctorKey: "0x" })).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
      await expect(patient.rekeyReport({ ...rekeyOf(id, [cast.doc3.address]), readerKeys: [] })).to.be.revertedWithCustomError(ledger, "LengthMismatch");
      await expect(patient.rekeyReport({ ...rekeyOf(id, [cast.doc3.address]), readerKeys: ["0x"] })).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
      const unknown = ethers.id("none");
      await expect(patient.rekeyReport(rekeyOf(unknown, [])))
        .to.be.revertedWithCustomError(ledger, "UnknownReport")
        .withArgs(unknown);
      await expect(patient.rekeyReport(rekeyOf(id, [], "v2")))
        .to.emit(ledger, "ReportRekeyed")
        .withArgs(id, cast.pat1.address, 2, cidOf("re-encrypted v2"), wrappedKeyOf("patient v2"), wrappedKeyOf("doctor v2"), "0x");
    });

    it("relayed: the patient signs the re-key, anyone submits; a wrong signer is refused", async () => {
      const { ledger, cast, ids } = await networkHelpers.loadFixture(sharedWithTwo);
      const id = ids[0]!;
      const r = rekeyOf(id, [cast.doc3.address]);
      const relayer = as(ledger, cast.rec1);
      const wrong = await signAction(ledger, cast.pat2, "RekeyReport", { account: cast.pat1.address, ...r }, { nonce: 1n });
      await expect(relayer.rekeyReportBySig(cast.pat1.address, r, wrong.deadline, wrong.signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
      const s = await signAction(ledger, cast.pat1, "RekeyReport", { account: cast.pat1.address, ...r });
      await expect(relayer.rekeyReportBySig(cast.pat1.address, r, s.deadline, s.signature))
        .to.emit(ledger, "ReportRekeyed")
        .withArgs(id, cast.pat1.address, 1, r.cid, r.patientKey, r.doctorKey, "0x");
    });
  });

  describe("rewrapKeys after a key rotation", () => {
    it("a reader publishes re-wrapped keys for reports it may read; a non-reader is refused", async () => {
      const { ledger, cast, ids, otherId } = await networkHelpers.loadFixture(sharingWorld);
      await as(ledger, cast.pat1).grantAccessBatch(grant(cast.doc3.address, [ids[0]!]));
      await as(ledger, cast.pat1).rekeyReport({
        reportId: ids[0]!,
        cid: cidOf("v1"),
        patientKey: wrappedKeyOf("p v1"),
        doctorKey: wrappedKeyOf("d v1"),
        custodianKey: "0x",
        readers: [cast.doc3.address],
        readerKeys: [wrappedKeyOf("doc3 v1")],
      });
      await as(ledger, cast.doc3).rotateEncryptionKey(keyOf("doc3 v2"), 2);
      const k = wrappedKeyOf("doc3 key v2");
      await expect(as(ledger, cast.doc3).rewrapKeys([ids[0]!], [k]))
        .to.emit(ledger, "ReportKeyRewrapped")
        .withArgs(ids[0]!, cast.doc3.address, 2, 1, k);
      // The patient and the issuer re-wrap their own reports.
      await as(ledger, cast.pat1).rotateEncryptionKey(keyOf("pat1 v2"), 2);
      await expect(as(ledger, cast.pat1).rewrapKeys([ids[1]!, ids[3]!], [k, k]))
        .to.emit(ledger, "ReportKeyRewrapped")
        .withArgs(ids[3]!, cast.pat1.address, 2, 0, k);
      await expect(as(ledger, cast.doc1).rewrapKeys([otherId], [k]))
        .to.emit(ledger, "ReportKeyRewrapped")
        .withArgs(otherId, cast.doc1.address, 1, 0, k);
      // Non-readers: a doctor of the patient who did not issue it, a stranger with a key.
      await expect(as(ledger, cast.doc3).rewrapKeys([ids[1]!], [k]))
        .to.be.revertedWithCustomError(ledger, "NotReader")
        .withArgs(ids[1]!, cast.doc3.address);
      await expect(as(ledger, cast.stranger).rewrapKeys([ids[0]!], [k]))
        .to.be.revertedWithCustomError(ledger, "NotReader")
        .withArgs(ids[0]!, cast.stranger.address);
      await expect(as(ledger, cast.rec1).rewrapKeys([ids[0]!], [k]))
        .to.be.revertedWithCustomError(ledger, "NoEncryptionKey")
        .withArgs(cast.rec1.address);
      await expect(as(ledger, cast.doc3).rewrapKeys([ids[0]!], [])).to.be.revertedWithCustomError(ledger, "LengthMismatch");
      await expect(as(ledger, cast.doc3).rewrapKeys([ids[0]!], ["0x"])).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
      // Once revoked, no more re-wraps.
      await as(ledger, cast.pat1).revokeAllAccess(cast.doc3.address);
      await expect(as(ledger, cast.doc3).rewrapKeys([ids[0]!], [k]))
        .to.be.revertedWithCustomError(ledger, "NotReader")
        .withArgs(ids[0]!, cast.doc3.address);
    });
  });

  it("revokeAllAccess needs the patient role", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(sharingWorld);
    await expect(as(ledger, cast.doc3).revokeAllAccess(cast.stranger.address))
      .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
      .withArgs(cast.doc3.address, ethers.id("PATIENT_ROLE"));
  });
});
