/**
 * Patients (registration with an EIP-712 key binding, profiles, doctor assignments) and the
 * encryption-key registry.
 */
import { expect } from "chai";
import {
  as,
  cidOf,
  ethers,
  keyOf,
  networkHelpers,
  profile,
  registerPatient,
  ROLES,
  signKey,
  staffedLedger,
  ZERO32,
} from "./fixture.ts";

describe("MedLedger: patients and encryption keys", () => {
  describe("registerPatient", () => {
    it("registers with the signed key: role, profile, key, nonce and events", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const cid = cidOf("profile pat3");
      const nonce = (await ledger.nonces(cast.pat3.address)) as bigint;
      expect(nonce).to.equal(0n);
      const signature = await signKey(cast.pat3, address, key, nonce);
      const tx = await as(ledger, cast.rec2).registerPatient(cast.pat3.address, cid, key, signature);
      await expect(tx).to.emit(ledger, "PatientRegistered").withArgs(cast.pat3.address, cast.rec2.address, cid);
      await expect(tx).to.emit(ledger, "EncryptionKeyPublished").withArgs(cast.pat3.address, key);
      await expect(tx).to.emit(ledger, "RoleGranted").withArgs(ROLES.patient, cast.pat3.address, cast.rec2.address);
      expect(await ledger.hasRole(ROLES.patient, cast.pat3.address)).to.equal(true);
      expect(await ledger.patientProfile(cast.pat3.address)).to.equal(cid);
      expect(await ledger.encryptionKeyOf(cast.pat3.address)).to.equal(key);
      expect(await ledger.nonces(cast.pat3.address)).to.equal(1n);
    });

    it("exposes the EIP-712 domain and type hash the signature uses", async () => {
      const { ledger, address } = await networkHelpers.loadFixture(staffedLedger);
      const domain = await ledger.eip712Domain();
      expect(domain.name).to.equal("MedLedger");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(domain.verifyingContract).to.equal(address);
      expect(await ledger.ENCRYPTION_KEY_TYPEHASH()).to.equal(ethers.id("EncryptionKey(address account,bytes32 key,uint256 nonce)"));
    });

    it("refuses a signature by another account", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const signature = await signKey(cast.stranger, address, key, 0n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, signature))
        .to.be.revertedWithCustomError(ledger, "InvalidKeySignature")
        .withArgs(cast.pat3.address);
    });

    it("refuses a signature over another key", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const signature = await signKey(cast.pat3, address, keyOf("one"), 0n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), keyOf("other"), signature))
        .to.be.revertedWithCustomError(ledger, "InvalidKeySignature")
        .withArgs(cast.pat3.address);
    });

    it("refuses a signature for another chain id or another contract", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const otherChain = await signKey(cast.pat3, address, key, 0n, 1n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, otherChain))
        .to.be.revertedWithCustomError(ledger, "InvalidKeySignature")
        .withArgs(cast.pat3.address);
      const otherContract = await signKey(cast.pat3, cast.stranger.address, key, 0n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, otherContract))
        .to.be.revertedWithCustomError(ledger, "InvalidKeySignature")
        .withArgs(cast.pat3.address);
    });

    it("refuses a replayed signature: same account, and a signature at another nonce than the current one", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const signature = await signKey(cast.pat3, address, key, 0n);
      await as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, signature);
      expect(await ledger.nonces(cast.pat3.address)).to.equal(1n);
      // Replaying the used signature for the same account is refused ...
      await expect(as(ledger, cast.rec2).registerPatient(cast.pat3.address, cidOf("p"), key, signature))
        .to.be.revertedWithCustomError(ledger, "AlreadyPatient")
        .withArgs(cast.pat3.address);
      // ... and a binding is only good at the account's current nonce: one signed for a nonce
      // that is not the current one (stale or ahead) is refused.
      const ahead = await signKey(cast.pat4, address, keyOf("pat4"), 1n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat4.address, cidOf("p4"), keyOf("pat4"), ahead))
        .to.be.revertedWithCustomError(ledger, "InvalidKeySignature")
        .withArgs(cast.pat4.address);
      expect(await ledger.nonces(cast.pat4.address)).to.equal(0n);
    });

    it("refuses a signature replayed on another MedLedger deployment", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const signature = await signKey(cast.pat3, address, key, 0n);
      const other = (await ethers.deployContract("MedLedger", [86400, cast.admin.address])) as unknown as typeof ledger;
      await as(other, cast.admin).addStaff(cast.rec1.address, ROLES.receptionist, profile("Rita"));
      await expect(as(other, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, signature))
        .to.be.revertedWithCustomError(other, "InvalidKeySignature")
        .withArgs(cast.pat3.address);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, signature)).to.emit(ledger, "PatientRegistered");
    });

    it("refuses the zero address, an existing patient, an empty profile and a zero key", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const rec = as(ledger, cast.rec1);
      await expect(rec.registerPatient(ethers.ZeroAddress, cidOf("p"), keyOf("z"), "0x")).to.be.revertedWithCustomError(
        ledger,
        "ZeroAddress",
      );
      const again = await signKey(cast.pat1, address, keyOf("again"), 1n);
      await expect(rec.registerPatient(cast.pat1.address, cidOf("p"), keyOf("again"), again))
        .to.be.revertedWithCustomError(ledger, "AlreadyPatient")
        .withArgs(cast.pat1.address);
      const ok = await signKey(cast.pat3, address, keyOf("pat3"), 0n);
      await expect(rec.registerPatient(cast.pat3.address, "0x", keyOf("pat3"), ok)).to.be.revertedWithCustomError(ledger, "EmptyCid");
      const zero = await signKey(cast.pat3, address, ZERO32, 0n);
      await expect(rec.registerPatient(cast.pat3.address, cidOf("p"), ZERO32, zero)).to.be.revertedWithCustomError(
        ledger,
        "InvalidEncryptionKey",
      );
      // A malformed signature is a bad signature, not a crash.
      await expect(rec.registerPatient(cast.pat3.address, cidOf("p"), keyOf("pat3"), "0x1234"))
        .to.be.revertedWithCustomError(ledger, "InvalidKeySignature")
        .withArgs(cast.pat3.address);
    });

    it("lets a staff member also be a patient (not of themselves)", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      await registerPatient(ledger, cast.rec1, cast.doc3);
      expect(await ledger.hasRole(ROLES.patient, cast.doc3.address)).to.equal(true);
      await expect(as(ledger, cast.rec1).assignDoctor(cast.doc3.address, cast.doc3.address))
        .to.be.revertedWithCustomError(ledger, "SelfAssignment")
        .withArgs(cast.doc3.address);
      await expect(as(ledger, cast.rec1).assignDoctor(cast.doc3.address, cast.doc1.address)).to.emit(ledger, "DoctorAssigned");
    });
  });

  describe("updatePatientProfile", () => {
    it("points the profile to a new CID", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const cid = cidOf("new profile");
      await expect(as(ledger, cast.rec2).updatePatientProfile(cast.pat1.address, cid))
        .to.emit(ledger, "PatientProfileUpdated")
        .withArgs(cast.pat1.address, cast.rec2.address, cid);
      expect(await ledger.patientProfile(cast.pat1.address)).to.equal(cid);
    });

    it("refuses a non-patient and an empty CID", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const rec = as(ledger, cast.rec1);
      await expect(rec.updatePatientProfile(cast.stranger.address, cidOf("x")))
        .to.be.revertedWithCustomError(ledger, "NotPatient")
        .withArgs(cast.stranger.address);
      await expect(rec.updatePatientProfile(cast.pat1.address, "0x")).to.be.revertedWithCustomError(ledger, "EmptyCid");
      expect(await ledger.patientProfile(cast.stranger.address)).to.equal("0x");
    });
  });

  describe("assignDoctor and unassignDoctor", () => {
    it("assign with a new care id, unassign, and reassign with the same care id", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const rec = as(ledger, cast.rec2);
      // The fixture used care ids 1..3 (pat1-doc1, pat1-doc2, pat2-doc1).
      await expect(rec.assignDoctor(cast.pat2.address, cast.doc2.address))
        .to.emit(ledger, "DoctorAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address, cast.rec2.address, 4);
      expect(await ledger.isAssigned(cast.pat2.address, cast.doc2.address)).to.equal(true);
      await expect(rec.unassignDoctor(cast.pat2.address, cast.doc2.address))
        .to.emit(ledger, "DoctorUnassigned")
        .withArgs(cast.pat2.address, cast.doc2.address, cast.rec2.address);
      expect(await ledger.isAssigned(cast.pat2.address, cast.doc2.address)).to.equal(false);
      await expect(rec.assignDoctor(cast.pat2.address, cast.doc2.address))
        .to.emit(ledger, "DoctorAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address, cast.rec2.address, 4);
      await expect(rec.assignDoctor(cast.pat2.address, cast.doc3.address))
        .to.emit(ledger, "DoctorAssigned")
        .withArgs(cast.pat2.address, cast.doc3.address, cast.rec2.address, 5);
    });

    it("refuse a non-patient, a non-doctor, an inactive doctor, a double assignment and a missing one", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const rec = as(ledger, cast.rec1);
      await expect(rec.assignDoctor(cast.stranger.address, cast.doc1.address))
        .to.be.revertedWithCustomError(ledger, "NotPatient")
        .withArgs(cast.stranger.address);
      for (const notDoctor of [cast.rec1, cast.pat2, cast.stranger, cast.admin]) {
        await expect(rec.assignDoctor(cast.pat1.address, notDoctor.address))
          .to.be.revertedWithCustomError(ledger, "NotDoctor")
          .withArgs(notDoctor.address);
      }
      await as(ledger, cast.admin).deactivateStaff(cast.doc3.address);
      await expect(rec.assignDoctor(cast.pat1.address, cast.doc3.address))
        .to.be.revertedWithCustomError(ledger, "NotDoctor")
        .withArgs(cast.doc3.address);
      await expect(rec.assignDoctor(cast.pat1.address, cast.doc1.address))
        .to.be.revertedWithCustomError(ledger, "AlreadyAssigned")
        .withArgs(cast.pat1.address, cast.doc1.address);
      await expect(rec.unassignDoctor(cast.pat2.address, cast.doc2.address))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address);
    });
  });

  describe("publishEncryptionKey", () => {
    it("publishes and replaces the caller's own key, for anyone", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const s = as(ledger, cast.stranger);
      expect(await ledger.encryptionKeyOf(cast.stranger.address)).to.equal(ZERO32);
      await expect(s.publishEncryptionKey(keyOf("s1"))).to.emit(ledger, "EncryptionKeyPublished").withArgs(cast.stranger.address, keyOf("s1"));
      await expect(s.publishEncryptionKey(keyOf("s2"))).to.emit(ledger, "EncryptionKeyPublished").withArgs(cast.stranger.address, keyOf("s2"));
      expect(await ledger.encryptionKeyOf(cast.stranger.address)).to.equal(keyOf("s2"));
      // A patient rotates the key registered for them; the nonce is untouched.
      await as(ledger, cast.pat1).publishEncryptionKey(keyOf("pat1 rotated"));
      expect(await ledger.encryptionKeyOf(cast.pat1.address)).to.equal(keyOf("pat1 rotated"));
      expect(await ledger.nonces(cast.pat1.address)).to.equal(1n);
    });

    it("refuses the zero key", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      await expect(as(ledger, cast.stranger).publishEncryptionKey(ZERO32)).to.be.revertedWithCustomError(ledger, "InvalidEncryptionKey");
    });
  });
});
