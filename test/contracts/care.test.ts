/**
 * Issue 12 on chain: the hospital's policy, recovery of a lost wallet, emergency ("break-glass")
 * access, guardians, results held for review and the records custodian's re-wraps.
 */
import { expect } from "chai";
import type { Cast, MedLedger } from "./fixture.ts";
import {
  as,
  cidOf,
  ethers,
  FAR,
  keyOf,
  networkHelpers,
  registerPatient,
  reportIdOf,
  reportInput,
  ROLES,
  signAction,
  signKey,
  staffedLedger,
  wrappedKeyOf,
  ZERO32,
} from "./fixture.ts";

const MAX40 = 2n ** 40n - 1n;
const HOUR = 3600n;
const DAY = 24n * HOUR;
const Reason = { None: 0, PatientUnableToConsent: 1, LifeThreatening: 2, AssignedDoctorUnavailable: 3, OtherEmergency: 4 } as const;

const custodianOf = (c: Cast) => c.all[17]!;
const guardianOf = (c: Cast) => c.all[15]!;
const successorOf = (c: Cast) => c.all[14]!;

async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/** staffedLedger plus a records custodian with a key, and two reports of pat1 by doc1 (wrapped for it). */
async function custodiedLedger() {
  const deployed = await staffedLedger();
  const { ledger, cast } = deployed;
  const custodian = custodianOf(cast);
  await as(ledger, cast.admin).setRecordsCustodian(custodian.address);
  await as(ledger, custodian).publishEncryptionKey(keyOf("custodian"));
  const inputs = ["a", "b"].map((tag) => ({ ...reportInput(tag, cast.pat1.address), custodianKey: wrappedKeyOf(`custodian ${tag}`) }));
  await as(ledger, cast.doc1).registerReports(inputs);
  const ids = inputs.map((i) => reportIdOf(i.sha256Digest, cast.doc1.address));
  return { ...deployed, ids };
}

/** Moves pat1's record to the successor through rec1. */
async function recover(ledger: MedLedger, cast: Cast, from = cast.pat1, to = successorOf(cast)) {
  const key = keyOf(`successor ${to.address}`);
  const signature = await signKey(to, await ledger.getAddress(), key, await ledger.nonces(to.address), {
    version: (await ledger.keyVersionOf(to.address)) + 1n,
  });
  return as(ledger, cast.rec1).recoverPatient(from.address, to.address, cidOf(`resealed ${to.address}`), key, FAR, signature);
}

describe("MedLedger: hospital policy", () => {
  it("defaults: no custodian, 24 h emergency access, 3-day release delay", async () => {
    const { ledger } = await networkHelpers.loadFixture(staffedLedger);
    const [custodian, emergency, release] = await ledger.carePolicy();
    expect([custodian, emergency, release]).to.deep.equal([ethers.ZeroAddress, DAY, 3n * DAY]);
  });

  it("the admin sets the custodian and the durations, within bounds, each with an event", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
    const admin = as(ledger, cast.admin);
    await expect(admin.setRecordsCustodian(cast.stranger.address)).to.emit(ledger, "RecordsCustodianSet").withArgs(cast.stranger.address, cast.admin.address);
    await expect(admin.setCarePolicy(2n * HOUR, 0))
      .to.emit(ledger, "CarePolicySet")
      .withArgs(2n * HOUR, 0, cast.admin.address);
    expect(await ledger.carePolicy()).to.deep.equal([cast.stranger.address, 2n * HOUR, 0n]);
    await expect(admin.setCarePolicy(0, 0)).to.be.revertedWithCustomError(ledger, "InvalidDuration").withArgs(0);
    await expect(admin.setCarePolicy(7n * DAY + 1n, 0))
      .to.be.revertedWithCustomError(ledger, "InvalidDuration")
      .withArgs(7n * DAY + 1n);
    await expect(admin.setCarePolicy(HOUR, 90n * DAY + 1n))
      .to.be.revertedWithCustomError(ledger, "InvalidDuration")
      .withArgs(90n * DAY + 1n);
    await expect(admin.setCarePolicy(7n * DAY, 90n * DAY)).to.emit(ledger, "CarePolicySet");
  });

  it("with a custodian, every report and every re-key must carry a key wrapped for it", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const doctor = as(ledger, cast.doc1);
    await expect(doctor.registerReport(reportInput("uncustodied", cast.pat1.address))).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
    const input = { ...reportInput("custodied", cast.pat1.address), custodianKey: wrappedKeyOf("c") };
    await expect(doctor.registerReport(input))
      .to.emit(ledger, "ReportRegistered")
      .withArgs(
        input.sha256Digest,
        cast.pat1.address,
        cast.doc1.address,
        reportIdOf(input.sha256Digest, cast.doc1.address),
        input.sha1Digest,
        ZERO32,
        input.cid,
        input.patientKey,
        input.doctorKey,
        input.custodianKey,
        0,
      );
    const rekey = {
      reportId: ids[0]!,
      cid: cidOf("v1"),
      patientKey: wrappedKeyOf("p1"),
      doctorKey: wrappedKeyOf("d1"),
      custodianKey: "0x",
      readers: [],
      readerKeys: [],
    };
    await expect(as(ledger, cast.pat1).rekeyReport(rekey)).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
    await expect(as(ledger, cast.pat1).rekeyReport({ ...rekey, custodianKey: wrappedKeyOf("c1") }))
      .to.emit(ledger, "ReportRekeyed")
      .withArgs(ids[0]!, cast.pat1.address, 1, rekey.cid, rekey.patientKey, rekey.doctorKey, wrappedKeyOf("c1"));
  });
});

describe("MedLedger: recovery of a lost wallet", () => {
  it("the reception moves the record: the successor is the patient of every report, the old account loses every right", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const successor = successorOf(cast);
    // Before: pat1 shared report a with doc3 (who publishes a key).
    await as(ledger, cast.doc3).publishEncryptionKey(keyOf("doc3"));
    await as(ledger, cast.pat1).grantAccess(ids[0]!, cast.doc3.address, wrappedKeyOf("for doc3"));

    const tx = await recover(ledger, cast);
    await expect(tx).to.emit(ledger, "PatientRecovered").withArgs(cast.pat1.address, cast.pat1.address, successor.address, cast.rec1.address);
    await expect(tx)
      .to.emit(ledger, "EncryptionKeyPublished")
      .withArgs(successor.address, keyOf(`successor ${successor.address}`), 1);
    await expect(tx)
      .to.emit(ledger, "PatientProfileUpdated")
      .withArgs(successor.address, cast.rec1.address, cidOf(`resealed ${successor.address}`));
    await expect(tx).to.emit(ledger, "RoleRevoked").withArgs(ROLES.patient, cast.pat1.address, cast.rec1.address);
    await expect(tx).to.emit(ledger, "RoleGranted").withArgs(ROLES.patient, successor.address, cast.rec1.address);

    expect(await ledger.hasRole(ROLES.patient, cast.pat1.address)).to.equal(false);
    expect(await ledger.hasRole(ROLES.patient, successor.address)).to.equal(true);
    expect(await ledger.patientRecordOf(successor.address)).to.equal(cast.pat1.address);
    expect(await ledger.patientRecordOf(cast.pat1.address)).to.equal(ethers.ZeroAddress);
    expect(await ledger.patientAccountOf(cast.pat1.address)).to.equal(successor.address);
    expect(await ledger.patientProfile(successor.address)).to.equal(cidOf(`resealed ${successor.address}`));
    expect(await ledger.patientProfile(cast.pat1.address)).to.equal("0x");
    for (const id of ids) {
      expect((await ledger.getReport(id)).patient).to.equal(successor.address);
      expect(await ledger.canRead(id, successor.address)).to.equal(true);
      expect(await ledger.canRead(id, cast.pat1.address)).to.equal(false);
    }
    // What the patient shared stays shared; the assignments follow.
    expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(true);
    expect(await ledger.isAssigned(successor.address, cast.doc1.address)).to.equal(true);
    expect(await ledger.isAssigned(cast.pat1.address, cast.doc1.address)).to.equal(false);

    // The old account can do nothing any more.
    const old = as(ledger, cast.pat1);
    await expect(old.grantAccess(ids[1]!, cast.doc3.address, wrappedKeyOf("x")))
      .to.be.revertedWithCustomError(ledger, "RetiredAccount")
      .withArgs(cast.pat1.address);
    await expect(old.revokeAllAccess(cast.doc3.address)).to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount");
    await expect(
      old.rekeyReport({
        reportId: ids[1]!,
        cid: cidOf("x"),
        patientKey: wrappedKeyOf("x"),
        doctorKey: wrappedKeyOf("x"),
        custodianKey: wrappedKeyOf("x"),
        readers: [],
        readerKeys: [],
      }),
    ).to.be.revertedWithCustomError(ledger, "NotReportParty");
    await expect(old.appointGuardian(cast.pat1.address, cast.stranger.address, 0)).to.be.revertedWithCustomError(ledger, "NotPatient");
    const g = { reader: cast.doc3.address, reportIds: [ids[1]!], wrappedKeys: [wrappedKeyOf("s")], expiresAt: 0n };
    const signed = await signAction(ledger, cast.pat1, "GrantAccess", { patient: cast.pat1.address, ...g });
    await expect(as(ledger, cast.stranger).grantAccessBySig(cast.pat1.address, g, signed.deadline, signed.signature)).to.be.revertedWithCustomError(
      ledger,
      "RetiredAccount",
    );
    // Nobody can register the old account again, nor register reports for it.
    await expect(registerPatient(ledger, cast.rec1, cast.pat1))
      .to.be.revertedWithCustomError(ledger, "RetiredAccount")
      .withArgs(cast.pat1.address);
    await expect(as(ledger, cast.doc1).registerReport({ ...reportInput("old", cast.pat1.address), custodianKey: wrappedKeyOf("c") }))
      .to.be.revertedWithCustomError(ledger, "RetiredAccount")
      .withArgs(cast.pat1.address);
    await expect(as(ledger, cast.rec1).assignDoctor(cast.pat1.address, cast.doc3.address)).to.be.revertedWithCustomError(ledger, "NotPatient");

    // The successor acts as the patient of the record, on the old reports and new ones.
    const next = as(ledger, successor);
    await expect(next.grantAccess(ids[1]!, cast.doc3.address, wrappedKeyOf("y")))
      .to.emit(ledger, "AccessGranted")
      .withArgs(ids[1]!, successor.address, cast.doc3.address, wrappedKeyOf("y"));
    await expect(next.revokeAccess(ids[0]!, cast.doc3.address)).to.emit(ledger, "AccessRevoked");
    const later = { ...reportInput("after recovery", successor.address), custodianKey: wrappedKeyOf("c") };
    await as(ledger, cast.doc1).registerReport(later);
    const laterId = reportIdOf(later.sha256Digest, cast.doc1.address);
    expect((await ledger.getReport(laterId)).patient).to.equal(successor.address);
    // An amendment names the successor for a report registered for the old account.
    const amendment = { ...reportInput("amended a", successor.address, ids[0]!), custodianKey: wrappedKeyOf("c") };
    await expect(as(ledger, cast.doc1).registerReport(amendment)).to.emit(ledger, "ReportSuperseded");
    await expect(as(ledger, cast.rec1).unassignDoctor(successor.address, cast.doc2.address)).to.emit(ledger, "DoctorUnassigned");
    await expect(as(ledger, cast.rec1).unassignDoctor(cast.pat1.address, cast.doc1.address)).to.be.revertedWithCustomError(ledger, "RetiredAccount");
    await expect(as(ledger, cast.rec1).updatePatientProfile(successor.address, cidOf("p"))).to.emit(ledger, "PatientProfileUpdated");
  });

  it("the custodian re-wraps the record's report keys for the successor, on chain, and for nobody else", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const custodian = as(ledger, custodianOf(cast));
    const successor = successorOf(cast);
    // Before the recovery, the successor is nobody: the custodian cannot re-wrap for them.
    await expect(custodian.custodianRewrap(successor.address, [ids[0]!], [wrappedKeyOf("early")])).to.be.revertedWithCustomError(ledger, "NoEncryptionKey");
    await recover(ledger, cast);
    const keys = ids.map((id) => wrappedKeyOf(`for successor ${id}`));
    const tx = await custodian.custodianRewrap(successor.address, ids, keys);
    await expect(tx).to.emit(ledger, "KeysRewrappedByCustodian").withArgs(successor.address, 2);
    await expect(tx).to.emit(ledger, "ReportKeyRewrapped").withArgs(ids[0]!, successor.address, 1, 0, keys[0]);
    await expect(tx).to.emit(ledger, "ReportKeyRewrapped").withArgs(ids[1]!, successor.address, 1, 0, keys[1]);
    // Not for the old account, nor a stranger; not by anyone but the custodian.
    await expect(custodian.custodianRewrap(cast.pat1.address, [ids[0]!], [wrappedKeyOf("old")])).to.be.revertedWithCustomError(ledger, "NotReader");
    await as(ledger, cast.stranger).publishEncryptionKey(keyOf("stranger"));
    await expect(custodian.custodianRewrap(cast.stranger.address, [ids[0]!], [wrappedKeyOf("s")]))
      .to.be.revertedWithCustomError(ledger, "NotReader")
      .withArgs(ids[0]!, cast.stranger.address);
    await expect(custodian.custodianRewrap(successor.address, ids, [keys[0]!])).to.be.revertedWithCustomError(ledger, "LengthMismatch");
    await expect(custodian.custodianRewrap(successor.address, [ids[0]!], ["0x"])).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
    for (const other of [cast.admin, cast.rec1, cast.doc1, successor, cast.stranger]) {
      await expect(as(ledger, other).custodianRewrap(successor.address, [ids[0]!], [keys[0]!]))
        .to.be.revertedWithCustomError(ledger, "NotCustodian")
        .withArgs(other.address);
    }
    // With no custodian set, nobody is the custodian (not even the zero address's caller).
    await as(ledger, cast.admin).setRecordsCustodian(ethers.ZeroAddress);
    await expect(custodian.custodianRewrap(successor.address, [ids[0]!], [keys[0]!])).to.be.revertedWithCustomError(ledger, "NotCustodian");
  });

  it("refuses a successor who is a patient or retired, an unsigned key, a non-patient; and recovers twice", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(custodiedLedger);
    const successor = successorOf(cast);
    await expect(recover(ledger, cast, cast.pat1, cast.pat2))
      .to.be.revertedWithCustomError(ledger, "AlreadyPatient")
      .withArgs(cast.pat2.address);
    await expect(recover(ledger, cast, cast.stranger, successor))
      .to.be.revertedWithCustomError(ledger, "NotPatient")
      .withArgs(cast.stranger.address);
    const wrongSigner = await signKey(cast.stranger, await ledger.getAddress(), keyOf("k"), 0n);
    await expect(as(ledger, cast.rec1).recoverPatient(cast.pat1.address, successor.address, cidOf("p"), keyOf("k"), FAR, wrongSigner))
      .to.be.revertedWithCustomError(ledger, "InvalidSignature")
      .withArgs(successor.address);
    await expect(
      as(ledger, cast.rec1).recoverPatient(cast.pat1.address, ethers.ZeroAddress, cidOf("p"), keyOf("k"), FAR, wrongSigner),
    ).to.be.revertedWithCustomError(ledger, "ZeroAddress");
    const key = keyOf("s");
    const signature = await signKey(successor, await ledger.getAddress(), key, 0n);
    await expect(as(ledger, cast.rec1).recoverPatient(cast.pat1.address, successor.address, "0x", key, FAR, signature)).to.be.revertedWithCustomError(
      ledger,
      "EmptyCid",
    );

    await recover(ledger, cast);
    // The retired account cannot be a successor again.
    await expect(recover(ledger, cast, cast.pat2, cast.pat1))
      .to.be.revertedWithCustomError(ledger, "RetiredAccount")
      .withArgs(cast.pat1.address);
    // A second loss: the record moves on, in O(1), and the first successor is retired too.
    const third = cast.all[13]!;
    await expect(recover(ledger, cast, successor, third))
      .to.emit(ledger, "PatientRecovered")
      .withArgs(cast.pat1.address, successor.address, third.address, cast.rec1.address);
    expect(await ledger.patientRecordOf(third.address)).to.equal(cast.pat1.address);
    expect(await ledger.patientAccountOf(cast.pat1.address)).to.equal(third.address);
    expect(await ledger.patientRecordOf(successor.address)).to.equal(ethers.ZeroAddress);
    expect(await ledger.isAssigned(third.address, cast.doc1.address)).to.equal(true);
  });
});

describe("MedLedger: emergency (break-glass) access", () => {
  it("an unassigned doctor opens a patient's reports for the set time, with a coded reason, recorded on chain", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const doc3 = as(ledger, cast.doc3);
    await doc3.publishEncryptionKey(keyOf("doc3"));
    expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
    const tx = await doc3.breakGlass(cast.pat1.address, Reason.PatientUnableToConsent);
    const until = (await now()) + DAY;
    await expect(tx)
      .to.emit(ledger, "EmergencyAccessed")
      .withArgs(cast.pat1.address, cast.doc3.address, cast.pat1.address, Reason.PatientUnableToConsent, until);
    expect(await ledger.emergencyAccessUntil(cast.pat1.address, cast.doc3.address)).to.equal(until);
    for (const id of ids) expect(await ledger.canRead(id, cast.doc3.address)).to.equal(true);
    // The custodian delivers the keys while the access lasts...
    const custodian = as(ledger, custodianOf(cast));
    await expect(
      custodian.custodianRewrap(
        cast.doc3.address,
        ids,
        ids.map((id) => wrappedKeyOf(`doc3 ${id}`)),
      ),
    ).to.emit(ledger, "KeysRewrappedByCustodian");
    // ...and not after it ends.
    await networkHelpers.time.increaseTo(until);
    for (const id of ids) expect(await ledger.canRead(id, cast.doc3.address)).to.equal(false);
    await expect(custodian.custodianRewrap(cast.doc3.address, [ids[0]!], [wrappedKeyOf("late")])).to.be.revertedWithCustomError(ledger, "NotReader");
  });

  it("is refused to non-doctors, to assigned doctors, without a reason, for non-patients; it ends with the doctor's role", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    for (const other of [cast.admin, cast.rec1, cast.pat2, cast.stranger]) {
      await expect(as(ledger, other).breakGlass(cast.pat1.address, Reason.LifeThreatening))
        .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, ROLES.doctor);
    }
    const doc3 = as(ledger, cast.doc3);
    await expect(doc3.breakGlass(cast.pat1.address, Reason.None)).to.be.revertedWithCustomError(ledger, "MissingEmergencyReason");
    await expect(doc3.breakGlass(cast.stranger.address, Reason.LifeThreatening)).to.be.revertedWithCustomError(ledger, "NotPatient");
    await expect(as(ledger, cast.doc1).breakGlass(cast.pat1.address, Reason.LifeThreatening))
      .to.be.revertedWithCustomError(ledger, "AlreadyAssigned")
      .withArgs(cast.pat1.address, cast.doc1.address);
    await expect(doc3.breakGlass(cast.pat1.address, 5)).to.revert(ethers); // not a reason code at all
    await as(ledger, cast.admin).setCarePolicy(HOUR, 0);
    await doc3.breakGlass(cast.pat1.address, Reason.OtherEmergency);
    expect(await ledger.emergencyAccessUntil(cast.pat1.address, cast.doc3.address)).to.equal((await now()) + HOUR);
    await as(ledger, cast.admin).deactivateStaff(cast.doc3.address);
    expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(false);
  });

  it("a doctor who is also a patient cannot break the glass on themselves", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(custodiedLedger);
    await registerPatient(ledger, cast.rec1, cast.doc3);
    await expect(as(ledger, cast.doc3).breakGlass(cast.doc3.address, Reason.LifeThreatening)).to.be.revertedWithCustomError(ledger, "SelfAssignment");
  });
});

describe("MedLedger: guardians", () => {
  it("a guardian the patient appoints reads and shares for them, attributed to the guardian; the patient ends it", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const guardian = guardianOf(cast);
    const patient = as(ledger, cast.pat1);
    await expect(patient.appointGuardian(cast.pat1.address, guardian.address, 0))
      .to.emit(ledger, "GuardianAppointed")
      .withArgs(cast.pat1.address, guardian.address, cast.pat1.address, MAX40, false);
    expect(await ledger.guardianOf(cast.pat1.address, guardian.address)).to.deep.equal([true, MAX40, false]);
    for (const id of ids) expect(await ledger.canRead(id, guardian.address)).to.equal(true);

    await as(ledger, cast.doc3).publishEncryptionKey(keyOf("doc3"));
    const acting = as(ledger, guardian);
    const grant = { reader: cast.doc3.address, reportIds: [ids[0]!], wrappedKeys: [wrappedKeyOf("by guardian")], expiresAt: 0 };
    const tx = await acting.grantAccessAsGuardian(cast.pat1.address, grant);
    await expect(tx)
      .to.emit(ledger, "ActedAsGuardian")
      .withArgs(cast.pat1.address, guardian.address, ledger.interface.getFunction("grantAccessAsGuardian").selector);
    await expect(tx).to.emit(ledger, "AccessGranted").withArgs(ids[0]!, cast.pat1.address, cast.doc3.address, wrappedKeyOf("by guardian"));
    expect(await ledger.canRead(ids[0]!, cast.doc3.address)).to.equal(true);
    await expect(acting.revokeAccessAsGuardian(cast.pat1.address, ids[0]!, cast.doc3.address))
      .to.emit(ledger, "AccessRevoked")
      .withArgs(ids[0]!, cast.pat1.address, cast.doc3.address);
    await expect(acting.revokeAccessAsGuardian(cast.pat1.address, ZERO32, cast.doc3.address)).to.emit(ledger, "AllAccessRevoked");
    // A guardian of pat1 is nothing for pat2.
    await expect(acting.revokeAccessAsGuardian(cast.pat2.address, ZERO32, cast.doc3.address))
      .to.be.revertedWithCustomError(ledger, "NotGuardian")
      .withArgs(cast.pat2.address, guardian.address);

    await expect(patient.endGuardianship(cast.pat1.address, guardian.address))
      .to.emit(ledger, "GuardianshipEnded")
      .withArgs(cast.pat1.address, guardian.address, cast.pat1.address);
    expect(await ledger.canRead(ids[0]!, guardian.address)).to.equal(false);
    await expect(acting.grantAccessAsGuardian(cast.pat1.address, grant)).to.be.revertedWithCustomError(ledger, "NotGuardian");
    await expect(patient.endGuardianship(cast.pat1.address, guardian.address)).to.be.revertedWithCustomError(ledger, "NotGuardian");
  });

  it("a guardian the reception appoints (a minor) ends at its date or by the reception, never by the patient", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const guardian = guardianOf(cast);
    const until = (await now()) + 30n * DAY;
    await expect(as(ledger, cast.rec1).appointGuardian(cast.pat1.address, guardian.address, until))
      .to.emit(ledger, "GuardianAppointed")
      .withArgs(cast.pat1.address, guardian.address, cast.rec1.address, until, true);
    await expect(as(ledger, cast.pat1).endGuardianship(cast.pat1.address, guardian.address))
      .to.be.revertedWithCustomError(ledger, "NotGuardianManager")
      .withArgs(cast.pat1.address, cast.pat1.address);
    expect(await ledger.canRead(ids[0]!, guardian.address)).to.equal(true);
    await networkHelpers.time.increaseTo(until);
    expect(await ledger.canRead(ids[0]!, guardian.address)).to.equal(false);
    expect((await ledger.guardianOf(cast.pat1.address, guardian.address))[0]).to.equal(false);
    // Appointed again, the reception ends it early.
    await as(ledger, cast.rec2).appointGuardian(cast.pat1.address, guardian.address, 0);
    await expect(as(ledger, cast.rec1).endGuardianship(cast.pat1.address, guardian.address))
      .to.emit(ledger, "GuardianshipEnded")
      .withArgs(cast.pat1.address, guardian.address, cast.rec1.address);
  });

  it("refuses strangers, the patient as their own guardian, a past end date; survives a recovery", async () => {
    const { ledger, cast, ids } = await networkHelpers.loadFixture(custodiedLedger);
    const guardian = guardianOf(cast);
    for (const other of [cast.doc1, cast.pat2, cast.admin, cast.stranger]) {
      await expect(as(ledger, other).appointGuardian(cast.pat1.address, guardian.address, 0))
        .to.be.revertedWithCustomError(ledger, "NotGuardianManager")
        .withArgs(cast.pat1.address, other.address);
    }
    const patient = as(ledger, cast.pat1);
    await expect(patient.appointGuardian(cast.pat1.address, cast.pat1.address, 0)).to.be.revertedWithCustomError(ledger, "InvalidGuardian");
    await expect(patient.appointGuardian(cast.pat1.address, ethers.ZeroAddress, 0)).to.be.revertedWithCustomError(ledger, "ZeroAddress");
    const past = await now();
    await expect(patient.appointGuardian(cast.pat1.address, guardian.address, past))
      .to.be.revertedWithCustomError(ledger, "InvalidGuardianshipEnd")
      .withArgs(past);
    await expect(as(ledger, cast.rec1).appointGuardian(cast.stranger.address, guardian.address, 0)).to.be.revertedWithCustomError(ledger, "NotPatient");
    await patient.appointGuardian(cast.pat1.address, guardian.address, 0);
    await expect(as(ledger, cast.stranger).endGuardianship(cast.pat1.address, guardian.address)).to.be.revertedWithCustomError(ledger, "NotGuardianManager");
    await recover(ledger, cast);
    expect(await ledger.canRead(ids[0]!, guardian.address)).to.equal(true);
    expect((await ledger.guardianOf(successorOf(cast).address, guardian.address))[0]).to.equal(true);
    expect((await ledger.guardianOf(cast.pat1.address, guardian.address))[0]).to.equal(false);
    // The successor, as the patient, ends what the patient appointed.
    await expect(as(ledger, successorOf(cast)).endGuardianship(successorOf(cast).address, guardian.address)).to.emit(ledger, "GuardianshipEnded");
  });
});

describe("MedLedger: results held for review", () => {
  async function heldReport() {
    const deployed = await custodiedLedger();
    const { ledger, cast } = deployed;
    const input = { ...reportInput("held", cast.pat1.address), custodianKey: wrappedKeyOf("c held"), patientKey: "0x", held: true };
    const tx = await as(ledger, cast.doc1).registerReport(input);
    const heldId = reportIdOf(input.sha256Digest, cast.doc1.address);
    return { ...deployed, input, tx, heldId, releaseAt: (await now()) + 3n * DAY };
  }

  it("is recorded and verifiable at once; the patient sees when it will be released but cannot read it yet", async () => {
    const { ledger, cast, input, tx, heldId, releaseAt } = await networkHelpers.loadFixture(heldReport);
    await expect(tx)
      .to.emit(ledger, "ReportRegistered")
      .withArgs(
        input.sha256Digest,
        cast.pat1.address,
        cast.doc1.address,
        heldId,
        input.sha1Digest,
        ZERO32,
        input.cid,
        "0x",
        input.doctorKey,
        input.custodianKey,
        releaseAt,
      );
    const [status, view] = await ledger.verify(input.sha256Digest, input.sha1Digest, cast.doc1.address);
    expect(status).to.equal(1n);
    expect(view.heldUntil).to.equal(releaseAt);
    expect(await ledger.canRead(heldId, cast.pat1.address)).to.equal(false);
    expect(await ledger.canRead(heldId, cast.doc1.address)).to.equal(true);
    await expect(as(ledger, cast.pat1).rewrapKeys([heldId], [wrappedKeyOf("x")])).to.be.revertedWithCustomError(ledger, "NotReader");
    await expect(
      as(ledger, cast.doc1).rekeyReport({
        reportId: heldId,
        cid: cidOf("x"),
        patientKey: wrappedKeyOf("x"),
        doctorKey: wrappedKeyOf("x"),
        custodianKey: wrappedKeyOf("x"),
        readers: [],
        readerKeys: [],
      }),
    )
      .to.be.revertedWithCustomError(ledger, "ReportHeld")
      .withArgs(heldId);
    // A guardian waits too.
    await as(ledger, cast.pat1).appointGuardian(cast.pat1.address, guardianOf(cast).address, 0);
    expect(await ledger.canRead(heldId, guardianOf(cast).address)).to.equal(false);
  });

  it("the doctor releases it at any time: the patient's key is published and the hold cleared", async () => {
    const { ledger, cast, heldId } = await networkHelpers.loadFixture(heldReport);
    const tx = await as(ledger, cast.doc1).releaseReport(heldId, wrappedKeyOf("for patient"));
    await expect(tx).to.emit(ledger, "ReportReleased").withArgs(heldId, cast.doc1.address);
    await expect(tx).to.emit(ledger, "ReportKeyRewrapped").withArgs(heldId, cast.pat1.address, 1, 0, wrappedKeyOf("for patient"));
    expect((await ledger.getReport(heldId)).heldUntil).to.equal(0n);
    expect(await ledger.canRead(heldId, cast.pat1.address)).to.equal(true);
    await expect(as(ledger, cast.doc1).releaseReport(heldId, wrappedKeyOf("again")))
      .to.be.revertedWithCustomError(ledger, "NotHeld")
      .withArgs(heldId);
  });

  it("the custodian releases it only once the hospital's delay has passed; nobody else can", async () => {
    const { ledger, cast, heldId, releaseAt } = await networkHelpers.loadFixture(heldReport);
    const custodian = as(ledger, custodianOf(cast));
    await expect(custodian.releaseReport(heldId, wrappedKeyOf("early")))
      .to.be.revertedWithCustomError(ledger, "ReleaseNotDue")
      .withArgs(heldId, releaseAt);
    for (const other of [cast.doc2, cast.pat1, cast.rec1, cast.admin, cast.stranger]) {
      await expect(as(ledger, other).releaseReport(heldId, wrappedKeyOf("x")))
        .to.be.revertedWithCustomError(ledger, "NotCustodian")
        .withArgs(other.address);
    }
    await networkHelpers.time.increaseTo(releaseAt);
    await expect(custodian.releaseReport(heldId, "0x")).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
    await expect(custodian.releaseReport(heldId, wrappedKeyOf("auto")))
      .to.emit(ledger, "ReportReleased")
      .withArgs(heldId, custodianOf(cast).address);
    expect(await ledger.canRead(heldId, cast.pat1.address)).to.equal(true);
    await expect(
      custodian.releaseReport(reportIdOf(reportInput("a", cast.pat1.address).sha256Digest, cast.doc1.address), wrappedKeyOf("x")),
    ).to.be.revertedWithCustomError(ledger, "NotHeld");
    await expect(custodian.releaseReport(ethers.id("unknown"), wrappedKeyOf("x"))).to.be.revertedWithCustomError(ledger, "UnknownReport");
  });

  it("a deactivated doctor no longer releases; with no automatic delay only the doctor does; a held report has no patient key", async () => {
    const { ledger, cast, heldId } = await networkHelpers.loadFixture(heldReport);
    const doctor = as(ledger, cast.doc1);
    await expect(
      doctor.registerReport({ ...reportInput("held with key", cast.pat1.address), custodianKey: wrappedKeyOf("c"), held: true }),
    ).to.be.revertedWithCustomError(ledger, "HeldReportPatientKey");
    await expect(
      doctor.registerReport({ ...reportInput("no key", cast.pat1.address), custodianKey: wrappedKeyOf("c"), patientKey: "0x" }),
    ).to.be.revertedWithCustomError(ledger, "MissingWrappedKey");
    await as(ledger, cast.admin).setCarePolicy(DAY, 0);
    const input = { ...reportInput("doctor only", cast.pat1.address), custodianKey: wrappedKeyOf("c"), patientKey: "0x", held: true };
    await doctor.registerReport(input);
    const id = reportIdOf(input.sha256Digest, cast.doc1.address);
    expect((await ledger.getReport(id)).heldUntil).to.equal(MAX40);
    await networkHelpers.time.increase(90n * DAY);
    await expect(as(ledger, custodianOf(cast)).releaseReport(id, wrappedKeyOf("x"))).to.be.revertedWithCustomError(ledger, "ReleaseNotDue");
    await as(ledger, cast.admin).deactivateStaff(cast.doc1.address);
    await expect(doctor.releaseReport(heldId, wrappedKeyOf("x"))).to.be.revertedWithCustomError(ledger, "NotCustodian");
  });
});
