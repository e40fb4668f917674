/**
 * Patients (registration with an EIP-712 key binding, profiles, doctor assignments) and the
 * encryption-key registry.
 */
import { expect } from "chai";
import { as, cidOf, ethers, keyOf, networkHelpers, profile, registerPatient, ROLES, signKey, staffedLedger, FAR, ZERO32 } from "./fixture.ts";

describe("MedLedger: patients and encryption keys", () => {
  describe("registerPatient", () => {
    it("registers with the signed key: role, profile, key, nonce and events", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const cid = cidOf("profile pat3");
      const nonce = (await ledger.nonces(cast.pat3.address)) as bigint;
      expect(nonce).to.equal(0n);
      const signature = await signKey(cast.pat3, address, key, nonce);
      const tx = await as(ledger, cast.rec2).registerPatient(cast.pat3.address, cid, key, FAR, signature);
      await expect(tx).to.emit(ledger, "PatientRegistered").withArgs(cast.pat3.address, cast.rec2.address, cid);
      await expect(tx).to.emit(ledger, "EncryptionKeyPublished").withArgs(cast.pat3.address, key, 1);
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
      expect(await ledger.ENCRYPTION_KEY_TYPEHASH()).to.equal(
        ethers.id("EncryptionKey(address account,bytes32 key,uint32 version,uint256 nonce,uint256 deadline)"),
      );
    });

    it("refuses a signature by another account", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const signature = await signKey(cast.stranger, address, key, 0n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat3.address);
    });

    it("refuses a signature over another key", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const signature = await signKey(cast.pat3, address, keyOf("one"), 0n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), keyOf("other"), FAR, signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat3.address);
    });

    it("refuses a signature for another chain id or another contract", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const otherChain = await signKey(cast.pat3, address, key, 0n, { chainId: 1n });
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, otherChain))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat3.address);
      const otherContract = await signKey(cast.pat3, cast.stranger.address, key, 0n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, otherContract))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat3.address);
    });

    it("refuses a replayed signature: same account, and a signature at another nonce than the current one", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const signature = await signKey(cast.pat3, address, key, 0n);
      await as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, signature);
      expect(await ledger.nonces(cast.pat3.address)).to.equal(1n);
      // Replaying the used signature for the same account is refused ...
      await expect(as(ledger, cast.rec2).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, signature))
        .to.be.revertedWithCustomError(ledger, "AlreadyPatient")
        .withArgs(cast.pat3.address);
      // ... and a binding is only good at the account's current nonce: one signed for a nonce
      // that is not the current one (stale or ahead) is refused.
      const ahead = await signKey(cast.pat4, address, keyOf("pat4"), 1n);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat4.address, cidOf("p4"), keyOf("pat4"), FAR, ahead))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat4.address);
      expect(await ledger.nonces(cast.pat4.address)).to.equal(0n);
    });

    it("refuses a signature replayed on another MedLedger deployment", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const key = keyOf("pat3");
      const signature = await signKey(cast.pat3, address, key, 0n);
      const other = (await ethers.deployContract("MedLedger", [86400, cast.admin.address])) as unknown as typeof ledger;
      await as(other, cast.admin).addStaff(cast.rec1.address, ROLES.receptionist, profile("Rita"));
      await expect(as(other, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, signature))
        .to.be.revertedWithCustomError(other, "InvalidSignature")
        .withArgs(cast.pat3.address);
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), key, FAR, signature)).to.emit(ledger, "PatientRegistered");
    });

    it("refuses the zero address, an existing patient, an empty profile and a zero key", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const rec = as(ledger, cast.rec1);
      await expect(rec.registerPatient(ethers.ZeroAddress, cidOf("p"), keyOf("z"), FAR, "0x")).to.be.revertedWithCustomError(ledger, "ZeroAddress");
      const again = await signKey(cast.pat1, address, keyOf("again"), 1n);
      await expect(rec.registerPatient(cast.pat1.address, cidOf("p"), keyOf("again"), FAR, again))
        .to.be.revertedWithCustomError(ledger, "AlreadyPatient")
        .withArgs(cast.pat1.address);
      const ok = await signKey(cast.pat3, address, keyOf("pat3"), 0n);
      await expect(rec.registerPatient(cast.pat3.address, "0x", keyOf("pat3"), FAR, ok)).to.be.revertedWithCustomError(ledger, "EmptyCid");
      const zero = await signKey(cast.pat3, address, ZERO32, 0n);
      await expect(rec.registerPatient(cast.pat3.address, cidOf("p"), ZERO32, FAR, zero)).to.be.revertedWithCustomError(ledger, "InvalidEncryptionKey");
      // A malformed signature is a bad signature, not a crash.
      await expect(rec.registerPatient(cast.pat3.address, cidOf("p"), keyOf("pat3"), FAR, "0x1234"))
        .to.be.revertedWithCustomError(ledger, "UnsupportedSignature")
        .withArgs(cast.pat3.address, 2);
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
        await expect(rec.assignDoctor(cast.pat1.address, notDoctor.address)).to.be.revertedWithCustomError(ledger, "NotDoctor").withArgs(notDoctor.address);
      }
      await as(ledger, cast.admin).deactivateStaff(cast.doc3.address);
      await expect(rec.assignDoctor(cast.pat1.address, cast.doc3.address)).to.be.revertedWithCustomError(ledger, "NotDoctor").withArgs(cast.doc3.address);
      await expect(rec.assignDoctor(cast.pat1.address, cast.doc1.address))
        .to.be.revertedWithCustomError(ledger, "AlreadyAssigned")
        .withArgs(cast.pat1.address, cast.doc1.address);
      await expect(rec.unassignDoctor(cast.pat2.address, cast.doc2.address))
        .to.be.revertedWithCustomError(ledger, "NotAssigned")
        .withArgs(cast.pat2.address, cast.doc2.address);
    });
  });

  describe("encryption keys: publication and rotation", () => {
    it("publishes the caller's first key as version 1, for anyone, and refuses a second publication", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const s = as(ledger, cast.stranger);
      expect(await ledger.encryptionKeyOf(cast.stranger.address)).to.equal(ZERO32);
      expect(await ledger.keyVersionOf(cast.stranger.address)).to.equal(0n);
      await expect(s.publishEncryptionKey(keyOf("s1")))
        .to.emit(ledger, "EncryptionKeyPublished")
        .withArgs(cast.stranger.address, keyOf("s1"), 1);
      expect(await ledger.keyVersionOf(cast.stranger.address)).to.equal(1n);
      await expect(s.publishEncryptionKey(keyOf("s2")))
        .to.be.revertedWithCustomError(ledger, "KeyVersionMismatch")
        .withArgs(cast.stranger.address, 2);
      expect(await ledger.encryptionKeyOf(cast.stranger.address)).to.equal(keyOf("s1"));
    });

    it("rotates the caller's key to the next version only; the nonce is untouched", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const p = as(ledger, cast.pat1);
      await expect(p.rotateEncryptionKey(keyOf("pat1 v3"), 3))
        .to.be.revertedWithCustomError(ledger, "KeyVersionMismatch")
        .withArgs(cast.pat1.address, 2);
      await expect(p.rotateEncryptionKey(keyOf("pat1 v2"), 2))
        .to.emit(ledger, "EncryptionKeyPublished")
        .withArgs(cast.pat1.address, keyOf("pat1 v2"), 2);
      await expect(p.rotateEncryptionKey(keyOf("pat1 v3"), 3))
        .to.emit(ledger, "EncryptionKeyPublished")
        .withArgs(cast.pat1.address, keyOf("pat1 v3"), 3);
      expect(await ledger.encryptionKeyOf(cast.pat1.address)).to.equal(keyOf("pat1 v3"));
      expect(await ledger.keyVersionOf(cast.pat1.address)).to.equal(3n);
      expect(await ledger.nonces(cast.pat1.address)).to.equal(1n);
      await expect(p.rotateEncryptionKey(keyOf("again v3"), 3))
        .to.be.revertedWithCustomError(ledger, "KeyVersionMismatch")
        .withArgs(cast.pat1.address, 4);
    });

    it("rotates with the account's signed binding, relayed by anyone; refuses replay, expiry and wrong version", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const relayer = as(ledger, cast.stranger);
      const key = keyOf("pat1 relayed v2");
      const signature = await signKey(cast.pat1, address, key, 1n, { version: 2n });
      await expect(relayer.rotateEncryptionKeyBySig(cast.pat1.address, key, 2, FAR, signature))
        .to.emit(ledger, "EncryptionKeyPublished")
        .withArgs(cast.pat1.address, key, 2);
      expect(await ledger.nonces(cast.pat1.address)).to.equal(2n);
      expect(await ledger.encryptionKeyOf(cast.stranger.address), "the relayer gains nothing").to.equal(ZERO32);
      // Replayed: the nonce moved on.
      await expect(relayer.rotateEncryptionKeyBySig(cast.pat1.address, key, 2, FAR, signature))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(cast.pat1.address);
      // Expired.
      const now = BigInt(await networkHelpers.time.latest());
      const late = await signKey(cast.pat1, address, keyOf("v3"), 2n, { version: 3n, deadline: now });
      await expect(relayer.rotateEncryptionKeyBySig(cast.pat1.address, keyOf("v3"), 3, now, late))
        .to.be.revertedWithCustomError(ledger, "ExpiredSignature")
        .withArgs(now);
      // Signed for the wrong version: the signature is good, the version is not.
      const wrong = await signKey(cast.pat1, address, keyOf("v5"), 2n, { version: 5n });
      await expect(relayer.rotateEncryptionKeyBySig(cast.pat1.address, keyOf("v5"), 5, FAR, wrong))
        .to.be.revertedWithCustomError(ledger, "KeyVersionMismatch")
        .withArgs(cast.pat1.address, 3);
      // A first key (version 1) of a keyless account is published the same way.
      const first = await signKey(cast.pat4, address, keyOf("pat4"), 0n, { version: 1n });
      await expect(relayer.rotateEncryptionKeyBySig(cast.pat4.address, keyOf("pat4"), 1, FAR, first))
        .to.emit(ledger, "EncryptionKeyPublished")
        .withArgs(cast.pat4.address, keyOf("pat4"), 1);
    });

    it("refuses the zero key", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      await expect(as(ledger, cast.stranger).publishEncryptionKey(ZERO32)).to.be.revertedWithCustomError(ledger, "InvalidEncryptionKey");
      await expect(as(ledger, cast.pat1).rotateEncryptionKey(ZERO32, 2)).to.be.revertedWithCustomError(ledger, "InvalidEncryptionKey");
    });

    it("refuses a contract wallet's ERC-1271 binding, and any signature that is not a plain 65-byte ECDSA one", async () => {
      const { ledger, address, cast } = await networkHelpers.loadFixture(staffedLedger);
      const wallet = await ethers.deployContract("ERC1271WalletMock");
      const walletAddress = await wallet.getAddress();
      const key = keyOf("wallet");
      // The wallet's owner (pat4) signs the binding for the wallet: the wallet itself would accept it.
      const domain = { name: "MedLedger", version: "1", chainId: (await ethers.provider.getNetwork()).chainId, verifyingContract: address };
      const types = {
        EncryptionKey: [
          { name: "account", type: "address" },
          { name: "key", type: "bytes32" },
          { name: "version", type: "uint32" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const message = { account: walletAddress, key, version: 1n, nonce: 0n, deadline: FAR };
      const byOwner = await cast.pat4.signTypedData(domain, types, message);
      const digest = ethers.TypedDataEncoder.hash(domain, types, message);
      expect(await wallet.getFunction("isValidSignature")(digest, byOwner)).to.equal("0x1626ba7e");
      await expect(as(ledger, cast.rec1).registerPatient(walletAddress, cidOf("w"), key, FAR, byOwner))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(walletAddress);
      await expect(as(ledger, cast.stranger).rotateEncryptionKeyBySig(walletAddress, key, 1, FAR, byOwner))
        .to.be.revertedWithCustomError(ledger, "InvalidSignature")
        .withArgs(walletAddress);
      // Wrapped signature formats (ERC-6492-like, Safe-like: longer) and ERC-2098 short ones: refused by length.
      const wrapped = ethers.concat([byOwner, ethers.zeroPadValue("0x01", 32)]);
      await expect(as(ledger, cast.stranger).rotateEncryptionKeyBySig(walletAddress, key, 1, FAR, wrapped))
        .to.be.revertedWithCustomError(ledger, "UnsupportedSignature")
        .withArgs(walletAddress, 97);
      const own = await signKey(cast.pat3, address, keyOf("pat3"), 0n);
      const short = ethers.Signature.from(own).compactSerialized;
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), keyOf("pat3"), FAR, short))
        .to.be.revertedWithCustomError(ledger, "UnsupportedSignature")
        .withArgs(cast.pat3.address, 64);
      expect(await ledger.encryptionKeyOf(walletAddress)).to.equal(ZERO32);
      // The EOA's own 65-byte signature is accepted.
      await expect(as(ledger, cast.rec1).registerPatient(cast.pat3.address, cidOf("p"), keyOf("pat3"), FAR, own)).to.emit(ledger, "PatientRegistered");
    });
  });
});
