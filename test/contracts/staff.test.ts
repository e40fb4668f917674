/** Staff records: adding doctors and receptionists, profiles, deactivation and reactivation. */
import { expect } from "chai";
import { as, deployedLedger, ethers, networkHelpers, profile, profileHash, ROLES, tupleOf, ZERO32 } from "./fixture.ts";

describe("MedLedger: staff", () => {
  describe("addStaff", () => {
    it("adds a doctor: record, role and event", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      const p = profile("Dr. Ada Lovelace", "Cardiology", "ada@example.org, room 3.14");
      const tx = await as(ledger, cast.admin).addStaff(cast.doc1.address, ROLES.doctor, p);
      await expect(tx).to.emit(ledger, "StaffAdded").withArgs(cast.doc1.address, ROLES.doctor, tupleOf(p));
      await expect(tx).to.emit(ledger, "RoleGranted").withArgs(ROLES.doctor, cast.doc1.address, cast.admin.address);
      const block = await ethers.provider.getBlock(tx.blockNumber!);
      const member = await ledger.staffMember(cast.doc1.address);
      expect(member.role).to.equal(ROLES.doctor);
      expect(member.active).to.equal(true);
      expect(member.since).to.equal(BigInt(block!.timestamp));
      expect(member.profileHash, "only the hash is stored; the profile is in the event").to.equal(profileHash(p));
      expect(await ledger.hasRole(ROLES.doctor, cast.doc1.address)).to.equal(true);
    });

    it("adds a receptionist", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      await expect(as(ledger, cast.admin).addStaff(cast.rec1.address, ROLES.receptionist, profile("Rita", "Front desk", "")))
        .to.emit(ledger, "StaffAdded")
        .withArgs(cast.rec1.address, ROLES.receptionist, ["Rita", "Front desk", ""]);
      expect(await ledger.hasRole(ROLES.receptionist, cast.rec1.address)).to.equal(true);
      expect(await ledger.hasRole(ROLES.doctor, cast.rec1.address)).to.equal(false);
    });

    it("refuses the zero address, other roles, existing staff and empty names", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.addStaff(ethers.ZeroAddress, ROLES.doctor, profile("Dr. Nobody"))).to.be.revertedWithCustomError(ledger, "ZeroAddress");
      for (const role of [ROLES.admin, ROLES.patient, ethers.id("NURSE_ROLE")]) {
        await expect(admin.addStaff(cast.doc1.address, role, profile("Dr. A")))
          .to.be.revertedWithCustomError(ledger, "InvalidStaffRole")
          .withArgs(role);
      }
      await expect(admin.addStaff(cast.doc1.address, ROLES.doctor, profile(""))).to.be.revertedWithCustomError(ledger, "EmptyName");
      await admin.addStaff(cast.doc1.address, ROLES.doctor, profile("Dr. A"));
      await expect(admin.addStaff(cast.doc1.address, ROLES.receptionist, profile("Dr. A")))
        .to.be.revertedWithCustomError(ledger, "AlreadyStaff")
        .withArgs(cast.doc1.address);
      await admin.deactivateStaff(cast.doc1.address);
      await expect(admin.addStaff(cast.doc1.address, ROLES.doctor, profile("Dr. A")))
        .to.be.revertedWithCustomError(ledger, "AlreadyStaff")
        .withArgs(cast.doc1.address);
    });
  });

  describe("updateStaff", () => {
    it("replaces the profile and keeps role, status and date", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      const admin = as(ledger, cast.admin);
      await admin.addStaff(cast.doc1.address, ROLES.doctor, profile("Dr. A"));
      const before = await ledger.staffMember(cast.doc1.address);
      const p = profile("Dr. Ada Lovelace", "Cardiology", "new room");
      await expect(admin.updateStaff(cast.doc1.address, p)).to.emit(ledger, "StaffUpdated").withArgs(cast.doc1.address, tupleOf(p));
      const after = await ledger.staffMember(cast.doc1.address);
      expect(after.profileHash).to.equal(profileHash(p));
      expect(after.since).to.equal(before.since);
      expect(after.role).to.equal(ROLES.doctor);
    });

    it("refuses a non-staff account and an empty name", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.updateStaff(cast.stranger.address, profile("X")))
        .to.be.revertedWithCustomError(ledger, "NotStaff")
        .withArgs(cast.stranger.address);
      await admin.addStaff(cast.doc1.address, ROLES.doctor, profile("Dr. A"));
      await expect(admin.updateStaff(cast.doc1.address, profile(""))).to.be.revertedWithCustomError(ledger, "EmptyName");
    });
  });

  describe("deactivateStaff and reactivateStaff", () => {
    it("revoke and restore the role, keeping the record", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      const admin = as(ledger, cast.admin);
      await admin.addStaff(cast.rec1.address, ROLES.receptionist, profile("Rita"));
      const deactivation = await admin.deactivateStaff(cast.rec1.address);
      await expect(deactivation).to.emit(ledger, "StaffDeactivated").withArgs(cast.rec1.address, ROLES.receptionist);
      await expect(deactivation).to.emit(ledger, "RoleRevoked").withArgs(ROLES.receptionist, cast.rec1.address, cast.admin.address);
      expect(await ledger.hasRole(ROLES.receptionist, cast.rec1.address)).to.equal(false);
      const kept = await ledger.staffMember(cast.rec1.address);
      expect(kept.active).to.equal(false);
      expect(kept.role).to.equal(ROLES.receptionist);
      expect(kept.profileHash).to.equal(profileHash(profile("Rita")));

      await expect(admin.reactivateStaff(cast.rec1.address))
        .to.emit(ledger, "StaffReactivated")
        .withArgs(cast.rec1.address, ROLES.receptionist)
        .and.to.emit(ledger, "RoleGranted")
        .withArgs(ROLES.receptionist, cast.rec1.address, cast.admin.address);
      expect(await ledger.hasRole(ROLES.receptionist, cast.rec1.address)).to.equal(true);
      expect((await ledger.staffMember(cast.rec1.address)).active).to.equal(true);
    });

    it("refuse non-staff accounts and the wrong state", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.deactivateStaff(cast.stranger.address)).to.be.revertedWithCustomError(ledger, "NotStaff").withArgs(cast.stranger.address);
      await expect(admin.reactivateStaff(cast.stranger.address)).to.be.revertedWithCustomError(ledger, "NotStaff").withArgs(cast.stranger.address);
      await admin.addStaff(cast.doc1.address, ROLES.doctor, profile("Dr. A"));
      await expect(admin.reactivateStaff(cast.doc1.address)).to.be.revertedWithCustomError(ledger, "StaffActive").withArgs(cast.doc1.address);
      await admin.deactivateStaff(cast.doc1.address);
      await expect(admin.deactivateStaff(cast.doc1.address)).to.be.revertedWithCustomError(ledger, "StaffInactive").withArgs(cast.doc1.address);
    });
  });

  it("staffMember of a stranger is the empty record", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(deployedLedger);
    const member = await ledger.staffMember(cast.stranger.address);
    expect(member.role).to.equal(ZERO32);
    expect(member.active).to.equal(false);
    expect(member.since).to.equal(0n);
    expect(member.profileHash).to.equal(ZERO32);
  });
});
