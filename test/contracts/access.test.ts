/**
 * Roles, the admin's two-step transfer, the generic role functions refusing product roles,
 * role-gated functions called by every wrong role, the emergency pause, and audit anchors.
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  ADMIN_DELAY,
  as,
  type Cast,
  cidOf,
  ethers,
  keyOf,
  networkHelpers,
  profile,
  registerPatient,
  reportIdOf,
  reportInput,
  signAction,
  signKey,
  FAR,
  ROLES,
  staffedLedger,
  wrappedKeyOf,
  ZERO32,
  type MedLedger,
} from "./fixture.ts";

type Call = (ledger: MedLedger, cast: Cast) => Promise<unknown>;

/** Reports r0 and r1 of pat1 by doc1 (registered by the pause fixture). */
const r0Id = (c: Cast): string => reportIdOf(reportInput("r0", c.pat1.address).sha256Digest, c.doc1.address);
const r1Id = (c: Cast): string => reportIdOf(reportInput("r1", c.pat1.address).sha256Digest, c.doc1.address);
/** A report input carrying a key wrapped for the records custodian. */
const custodied = <T extends { custodianKey: string }>(input: T): T => ({ ...input, custodianKey: wrappedKeyOf("custodian") });
const custodianOf = (c: Cast) => c.all[17]!;
const guardianOf = (c: Cast): string => c.all[15]!.address;
const heldId = (c: Cast): string => reportIdOf(reportInput("held", c.pat1.address).sha256Digest, c.doc1.address);
const rekeyOf = (reportId: string) => ({
  reportId,
  cid: cidOf(`rekeyed ${reportId}`),
  patientKey: wrappedKeyOf("rekey p"),
  doctorKey: wrappedKeyOf("rekey d"),
  custodianKey: wrappedKeyOf("rekey c"),
  readers: [] as string[],
  readerKeys: [] as string[],
});

/** Every role-gated write, with the role it needs and a call that would otherwise be valid. */
const GATED: readonly { name: string; role: keyof typeof ROLES; call: Call }[] = [
  { name: "pause", role: "admin", call: (l) => l.pause() },
  { name: "unpause", role: "admin", call: (l) => l.unpause() },
  { name: "addStaff", role: "admin", call: (l, c) => l.addStaff(c.stranger.address, ROLES.doctor, profile("Dr. New")) },
  { name: "updateStaff", role: "admin", call: (l, c) => l.updateStaff(c.doc1.address, profile("Dr. Renamed")) },
  { name: "deactivateStaff", role: "admin", call: (l, c) => l.deactivateStaff(c.doc1.address) },
  { name: "reactivateStaff", role: "admin", call: (l, c) => l.reactivateStaff(c.doc1.address) },
  { name: "anchorAuditLog", role: "admin", call: (l) => l.anchorAuditLog(ethers.id("head"), 1) },
  { name: "markClaimFraudulent", role: "admin", call: (l) => l.markClaimFraudulent(ethers.id("any claim"), "reason") },
  { name: "beginDefaultAdminTransfer", role: "admin", call: (l, c) => l.beginDefaultAdminTransfer(c.stranger.address) },
  { name: "cancelDefaultAdminTransfer", role: "admin", call: (l) => l.cancelDefaultAdminTransfer() },
  { name: "changeDefaultAdminDelay", role: "admin", call: (l) => l.changeDefaultAdminDelay(60) },
  { name: "rollbackDefaultAdminDelay", role: "admin", call: (l) => l.rollbackDefaultAdminDelay() },
  {
    name: "registerPatient",
    role: "receptionist",
    call: (l, c) => l.registerPatient(c.pat3.address, cidOf("p3"), keyOf("p3"), FAR, "0x"),
  },
  { name: "updatePatientProfile", role: "receptionist", call: (l, c) => l.updatePatientProfile(c.pat1.address, cidOf("new")) },
  { name: "assignDoctor", role: "receptionist", call: (l, c) => l.assignDoctor(c.pat2.address, c.doc2.address) },
  { name: "unassignDoctor", role: "receptionist", call: (l, c) => l.unassignDoctor(c.pat1.address, c.doc1.address) },
  { name: "registerReport", role: "doctor", call: (l, c) => l.registerReport(reportInput("gated", c.pat1.address)) },
  { name: "registerReports", role: "doctor", call: (l, c) => l.registerReports([reportInput("gated", c.pat1.address)]) },
  { name: "revokeAllAccess", role: "patient", call: (l, c) => l.revokeAllAccess(c.doc2.address) },
  { name: "setRecordsCustodian", role: "admin", call: (l, c) => l.setRecordsCustodian(c.stranger.address) },
  { name: "setCarePolicy", role: "admin", call: (l) => l.setCarePolicy(3600, 0) },
  {
    name: "recoverPatient",
    role: "receptionist",
    call: (l, c) => l.recoverPatient(c.pat2.address, c.pat4.address, cidOf("p4"), keyOf("p4"), FAR, "0x"),
  },
  { name: "breakGlass", role: "doctor", call: (l, c) => l.breakGlass(c.pat2.address, 1) },
];

/** One holder of each role, and the stranger holding none. */
function holders(cast: Cast): Record<keyof typeof ROLES | "none", HardhatEthersSigner> {
  return { admin: cast.admin, receptionist: cast.rec1, doctor: cast.doc1, patient: cast.pat1, none: cast.stranger };
}

describe("MedLedger: roles and administration", () => {
  describe("deployment", () => {
    it("makes the given admin the default admin with the given delay, unpaused", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      expect(await ledger.defaultAdmin()).to.equal(cast.admin.address);
      expect(await ledger.owner()).to.equal(cast.admin.address);
      expect(await ledger.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await ledger.hasRole(ROLES.admin, cast.admin.address)).to.equal(true);
      expect(await ledger.paused()).to.equal(false);
      expect(await ledger.RECEPTIONIST_ROLE()).to.equal(ROLES.receptionist);
      expect(await ledger.DOCTOR_ROLE()).to.equal(ROLES.doctor);
      expect(await ledger.PATIENT_ROLE()).to.equal(ROLES.patient);
      expect(await ledger.getRoleAdmin(ROLES.doctor)).to.equal(ROLES.admin);
    });

    it("advertises AccessControl through ERC-165", async () => {
      const { ledger } = await networkHelpers.loadFixture(staffedLedger);
      expect(await ledger.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await ledger.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
      expect(await ledger.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("refuses a zero admin at construction", async () => {
      const factory = await ethers.getContractFactory("MedLedger");
      await expect(factory.deploy(ADMIN_DELAY, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("role-gated functions refuse every other role", () => {
    for (const gated of GATED) {
      it(`${gated.name} needs ${gated.role}`, async () => {
        const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
        for (const [holds, signer] of Object.entries(holders(cast))) {
          if (holds === gated.role) continue;
          await expect(gated.call(as(ledger, signer), cast), `${gated.name} by ${holds}`)
            .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
            .withArgs(signer.address, ROLES[gated.role]);
        }
      });
    }

    it("a deactivated doctor or receptionist loses its gated functions", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      await as(ledger, cast.admin).deactivateStaff(cast.doc1.address);
      await as(ledger, cast.admin).deactivateStaff(cast.rec1.address);
      await expect(as(ledger, cast.doc1).registerReport(reportInput("x", cast.pat1.address)))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(cast.doc1.address, ROLES.doctor);
      await expect(as(ledger, cast.rec1).assignDoctor(cast.pat2.address, cast.doc2.address))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(cast.rec1.address, ROLES.receptionist);
    });
  });

  describe("grantRole, revokeRole and renounceRole", () => {
    const products = [ROLES.receptionist, ROLES.doctor, ROLES.patient, ethers.id("ANY_OTHER_ROLE")];

    it("refuse every product (and any non-admin) role, even for the admin", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      for (const role of products) {
        await expect(admin.grantRole(role, cast.stranger.address)).to.be.revertedWithCustomError(ledger, "ManagedRole").withArgs(role);
        await expect(admin.revokeRole(role, cast.doc1.address)).to.be.revertedWithCustomError(ledger, "ManagedRole").withArgs(role);
      }
      await expect(as(ledger, cast.doc1).renounceRole(ROLES.doctor, cast.doc1.address))
        .to.be.revertedWithCustomError(ledger, "ManagedRole")
        .withArgs(ROLES.doctor);
      await expect(as(ledger, cast.rec1).renounceRole(ROLES.receptionist, cast.rec1.address))
        .to.be.revertedWithCustomError(ledger, "ManagedRole")
        .withArgs(ROLES.receptionist);
      await expect(as(ledger, cast.pat1).renounceRole(ROLES.patient, cast.pat1.address))
        .to.be.revertedWithCustomError(ledger, "ManagedRole")
        .withArgs(ROLES.patient);
      expect(await ledger.hasRole(ROLES.doctor, cast.doc1.address)).to.equal(true);
      expect(await ledger.hasRole(ROLES.patient, cast.pat1.address)).to.equal(true);
    });

    it("leave the default admin to the two-step transfer", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.grantRole(ROLES.admin, cast.stranger.address)).to.be.revertedWithCustomError(ledger, "AccessControlEnforcedDefaultAdminRules");
      await expect(admin.revokeRole(ROLES.admin, cast.admin.address)).to.be.revertedWithCustomError(ledger, "AccessControlEnforcedDefaultAdminRules");
      await expect(as(ledger, cast.stranger).grantRole(ROLES.admin, cast.stranger.address)).to.be.revertedWithCustomError(
        ledger,
        "AccessControlEnforcedDefaultAdminRules",
      );
      // Renouncing the admin role needs a scheduled transfer to the zero address first.
      await expect(admin.renounceRole(ROLES.admin, cast.admin.address))
        .to.be.revertedWithCustomError(ledger, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(0);
    });

    it("let the admin renounce after scheduling a transfer to nobody and waiting the delay", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await admin.beginDefaultAdminTransfer(ethers.ZeroAddress);
      await networkHelpers.time.increase(ADMIN_DELAY + 1n);
      await expect(admin.renounceRole(ROLES.admin, cast.admin.address))
        .to.emit(ledger, "RoleRevoked")
        .withArgs(ROLES.admin, cast.admin.address, cast.admin.address);
      expect(await ledger.defaultAdmin()).to.equal(ethers.ZeroAddress);
      await expect(admin.addStaff(cast.stranger.address, ROLES.doctor, profile("Dr. X")))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(cast.admin.address, ROLES.admin);
    });
  });

  describe("default admin two-step delayed transfer", () => {
    it("schedules, refuses early or foreign acceptance, then hands over", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      const tx = await admin.beginDefaultAdminTransfer(cast.stranger.address);
      const block = await ethers.provider.getBlock(tx.blockNumber!);
      const schedule = BigInt(block!.timestamp) + ADMIN_DELAY;
      await expect(tx).to.emit(ledger, "DefaultAdminTransferScheduled").withArgs(cast.stranger.address, schedule);
      const [pending, pendingSchedule] = (await ledger.pendingDefaultAdmin()) as [string, bigint];
      expect(pending).to.equal(cast.stranger.address);
      expect(pendingSchedule).to.equal(schedule);

      await expect(as(ledger, cast.stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(ledger, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await expect(as(ledger, cast.rec1).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(ledger, "AccessControlInvalidDefaultAdmin")
        .withArgs(cast.rec1.address);

      await networkHelpers.time.increaseTo(schedule + 1n);
      await expect(as(ledger, cast.stranger).acceptDefaultAdminTransfer())
        .to.emit(ledger, "RoleGranted")
        .withArgs(ROLES.admin, cast.stranger.address, cast.stranger.address);
      expect(await ledger.defaultAdmin()).to.equal(cast.stranger.address);
      expect(await ledger.hasRole(ROLES.admin, cast.admin.address)).to.equal(false);

      await expect(admin.pause()).to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount").withArgs(cast.admin.address, ROLES.admin);
      await expect(as(ledger, cast.stranger).addStaff(cast.pat5.address, ROLES.doctor, profile("Dr. Five"))).to.emit(ledger, "StaffAdded");
    });

    it("can be cancelled", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await admin.beginDefaultAdminTransfer(cast.stranger.address);
      await expect(admin.cancelDefaultAdminTransfer()).to.emit(ledger, "DefaultAdminTransferCanceled");
      await networkHelpers.time.increase(ADMIN_DELAY + 1n);
      await expect(as(ledger, cast.stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(ledger, "AccessControlInvalidDefaultAdmin")
        .withArgs(cast.stranger.address);
      expect(await ledger.defaultAdmin()).to.equal(cast.admin.address);
    });

    it("changes its delay only after a wait, and can roll the change back", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.changeDefaultAdminDelay(3600)).to.emit(ledger, "DefaultAdminDelayChangeScheduled");
      const [newDelay] = (await ledger.pendingDefaultAdminDelay()) as [bigint, bigint];
      expect(newDelay).to.equal(3600n);
      await expect(admin.rollbackDefaultAdminDelay()).to.emit(ledger, "DefaultAdminDelayChangeCanceled");
      await admin.changeDefaultAdminDelay(3600);
      await networkHelpers.time.increase(ADMIN_DELAY + 1n);
      expect(await ledger.defaultAdminDelay()).to.equal(3600n);
      expect(await ledger.defaultAdminDelayIncreaseWait()).to.equal(5n * 24n * 3600n);
    });
  });

  describe("emergency pause", () => {
    /** Every write of the registry, each valid when not paused (checked below). */
    const WRITES: readonly { name: string; call: (l: MedLedger, c: Cast) => Promise<unknown> }[] = [
      { name: "addStaff", call: (l, c) => as(l, c.admin).addStaff(c.stranger.address, ROLES.doctor, profile("Dr. S")) },
      { name: "updateStaff", call: (l, c) => as(l, c.admin).updateStaff(c.doc1.address, profile("Dr. A. L.")) },
      { name: "deactivateStaff", call: (l, c) => as(l, c.admin).deactivateStaff(c.rec2.address) },
      { name: "reactivateStaff", call: (l, c) => as(l, c.admin).reactivateStaff(c.doc2.address) },
      { name: "anchorAuditLog", call: (l, c) => as(l, c.admin).anchorAuditLog(ethers.id("head"), 3) },
      { name: "publishEncryptionKey", call: (l, c) => as(l, c.stranger).publishEncryptionKey(keyOf("s")) },
      { name: "rotateEncryptionKey", call: (l, c) => as(l, c.doc1).rotateEncryptionKey(keyOf("doc1 v2"), 2) },
      {
        name: "rotateEncryptionKeyBySig",
        call: async (l, c) =>
          as(l, c.stranger).rotateEncryptionKeyBySig(
            c.pat2.address,
            keyOf("pat2 v2"),
            2,
            FAR,
            await signKey(c.pat2, await l.getAddress(), keyOf("pat2 v2"), 1n, { version: 2n }),
          ),
      },
      { name: "registerPatient", call: (l, c) => registerPatient(l, c.rec1, c.pat3) },
      { name: "updatePatientProfile", call: (l, c) => as(l, c.rec1).updatePatientProfile(c.pat1.address, cidOf("new")) },
      { name: "assignDoctor", call: (l, c) => as(l, c.rec1).assignDoctor(c.pat2.address, c.doc3.address) },
      { name: "unassignDoctor", call: (l, c) => as(l, c.rec1).unassignDoctor(c.pat2.address, c.doc1.address) },
      { name: "registerReport", call: (l, c) => as(l, c.doc1).registerReport(custodied(reportInput("paused", c.pat1.address))) },
      { name: "registerReports", call: (l, c) => as(l, c.doc1).registerReports([custodied(reportInput("paused-batch", c.pat1.address))]) },
      { name: "markClaimFraudulent", call: (l, c) => as(l, c.admin).markClaimFraudulent(r0Id(c), "test") },
      { name: "grantAccess", call: (l, c) => as(l, c.pat1).grantAccess(r0Id(c), c.doc3.address, wrappedKeyOf("g")) },
      {
        name: "grantAccessBatch",
        call: (l, c) => as(l, c.pat1).grantAccessBatch({ reader: c.doc1.address, reportIds: [r1Id(c)], wrappedKeys: [wrappedKeyOf("b")], expiresAt: 0 }),
      },
      {
        name: "grantAccessBySig",
        call: async (l, c) => {
          const g = { reader: c.doc3.address, reportIds: [r1Id(c)], wrappedKeys: [wrappedKeyOf("s")], expiresAt: 0n };
          const { signature, deadline } = await signAction(l, c.pat1, "GrantAccess", { patient: c.pat1.address, ...g });
          return as(l, c.stranger).grantAccessBySig(c.pat1.address, g, deadline, signature);
        },
      },
      { name: "revokeAccess", call: (l, c) => as(l, c.pat1).revokeAccess(r0Id(c), c.doc2.address) },
      {
        name: "revokeAccessBySig",
        call: async (l, c) => {
          const { signature, deadline } = await signAction(l, c.pat1, "RevokeAccess", {
            patient: c.pat1.address,
            reader: c.stranger.address,
            reportId: ZERO32,
          });
          return as(l, c.stranger).revokeAccessBySig(c.pat1.address, ZERO32, c.stranger.address, deadline, signature);
        },
      },
      { name: "revokeAllAccess", call: (l, c) => as(l, c.pat1).revokeAllAccess(c.rec1.address) },
      { name: "rekeyReport", call: (l, c) => as(l, c.pat1).rekeyReport(rekeyOf(r1Id(c))) },
      {
        name: "rekeyReportBySig",
        call: async (l, c) => {
          const r = rekeyOf(r1Id(c));
          const { signature, deadline } = await signAction(l, c.pat1, "RekeyReport", { account: c.pat1.address, ...r });
          return as(l, c.stranger).rekeyReportBySig(c.pat1.address, r, deadline, signature);
        },
      },
      { name: "rewrapKeys", call: (l, c) => as(l, c.pat1).rewrapKeys([r0Id(c)], [wrappedKeyOf("rewrap")]) },
      { name: "setCarePolicy", call: (l, c) => as(l, c.admin).setCarePolicy(3600, 0) },
      {
        name: "recoverPatient",
        call: async (l, c) =>
          as(l, c.rec1).recoverPatient(
            c.pat2.address,
            c.pat4.address,
            cidOf("p4"),
            keyOf("p4"),
            FAR,
            await signKey(c.pat4, await l.getAddress(), keyOf("p4"), 0n),
          ),
      },
      { name: "appointGuardian", call: (l, c) => as(l, c.pat1).appointGuardian(c.pat1.address, c.stranger.address, 0) },
      { name: "endGuardianship", call: (l, c) => as(l, c.pat1).endGuardianship(c.pat1.address, guardianOf(c)) },
      {
        name: "grantAccessAsGuardian",
        call: (l, c) =>
          as(l, c.all[16]!).grantAccessAsGuardian(c.pat1.address, {
            reader: c.rec2.address,
            reportIds: [r1Id(c)],
            wrappedKeys: [wrappedKeyOf("gg")],
            expiresAt: 0,
          }),
      },
      { name: "revokeAccessAsGuardian", call: (l, c) => as(l, c.all[16]!).revokeAccessAsGuardian(c.pat1.address, ZERO32, c.pat3.address) },
      { name: "breakGlass", call: (l, c) => as(l, c.doc3).breakGlass(c.pat1.address, 2) },
      { name: "releaseReport", call: (l, c) => as(l, c.doc1).releaseReport(heldId(c), wrappedKeyOf("release")) },
      { name: "custodianRewrap", call: (l, c) => as(l, custodianOf(c)).custodianRewrap(c.doc3.address, [r0Id(c)], [wrappedKeyOf("cr")]) },
      { name: "setRecordsCustodian", call: (l, c) => as(l, c.admin).setRecordsCustodian(custodianOf(c).address) },
    ];

    async function pausable(): Promise<{ ledger: MedLedger; cast: Cast }> {
      const { ledger, cast } = await staffedLedger();
      // doc2 deactivated (to be reactivated), doc3 with a key; report r0 of pat1 shared with doc2.
      await as(ledger, cast.doc3).publishEncryptionKey(keyOf("doc3"));
      await as(ledger, cast.doc1).registerReports([reportInput("r0", cast.pat1.address), reportInput("r1", cast.pat1.address)]);
      await as(ledger, cast.pat1).grantAccess(r0Id(cast), cast.doc2.address, wrappedKeyOf("g2"));
      await as(ledger, cast.admin).deactivateStaff(cast.doc2.address);
      // A records custodian; guardians all[15] (to be ended) and all[16] of pat1; a held report of pat1.
      await as(ledger, cast.admin).setRecordsCustodian(custodianOf(cast).address);
      await as(ledger, cast.pat1).appointGuardian(cast.pat1.address, guardianOf(cast), 0);
      await as(ledger, cast.pat1).appointGuardian(cast.pat1.address, cast.all[16]!.address, 0);
      await as(ledger, cast.doc1).registerReport({ ...custodied(reportInput("held", cast.pat1.address)), patientKey: "0x", held: true });
      return { ledger, cast };
    }

    it("blocks every write while paused, and each works again after unpause", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(pausable);
      const admin = as(ledger, cast.admin);
      await expect(admin.pause()).to.emit(ledger, "Paused").withArgs(cast.admin.address);
      expect(await ledger.paused()).to.equal(true);
      for (const write of WRITES) {
        await expect(write.call(ledger, cast), write.name).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      }
      // Reads still answer.
      expect(await ledger.canRead(r0Id(cast), cast.pat1.address)).to.equal(true);
      await expect(admin.unpause()).to.emit(ledger, "Unpaused").withArgs(cast.admin.address);
      for (const write of WRITES) {
        const receipt = await (
          await (write.call(ledger, cast) as Promise<{ wait(): Promise<{ status: number | null }> }>).catch((e: unknown) => {
            throw new Error(`${write.name} failed after unpause: ${String(e)}`);
          })
        ).wait();
        expect(receipt.status, write.name).to.equal(1);
      }
    });

    it("refuses to pause twice or to unpause when running", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.unpause()).to.be.revertedWithCustomError(ledger, "ExpectedPause");
      await admin.pause();
      await expect(admin.pause()).to.be.revertedWithCustomError(ledger, "EnforcedPause");
    });

    it("does not block the admin transfer", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await admin.pause();
      await expect(admin.beginDefaultAdminTransfer(cast.stranger.address)).to.emit(ledger, "DefaultAdminTransferScheduled");
    });
  });

  describe("audit anchors", () => {
    it("emits the anchored head with its entry count and the admin", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const head = ethers.id("log head");
      await expect(as(ledger, cast.admin).anchorAuditLog(head, 42)).to.emit(ledger, "AuditLogAnchored").withArgs(head, 42, cast.admin.address);
    });

    it("refuses a zero head or zero entries", async () => {
      const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
      const admin = as(ledger, cast.admin);
      await expect(admin.anchorAuditLog(ZERO32, 1)).to.be.revertedWithCustomError(ledger, "InvalidAnchor");
      await expect(admin.anchorAuditLog(ethers.id("h"), 0)).to.be.revertedWithCustomError(ledger, "InvalidAnchor");
    });
  });
});
