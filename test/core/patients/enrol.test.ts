/** The reception's workflows: enrolment (register, assign, re-seal) and the re-seal after every (un)assignment. */
import { expect } from "chai";
import { unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { enrolPatient, type EnrolStep } from "#core/patients/enrol.ts";
import { assignedDoctors, currentProfileCid, loadPatientProfile, type PatientProfile } from "#core/patients/profile.ts";
import { createRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { changeDoctorAssignment, resealPatientProfile, type AssignmentStep } from "#core/patients/reseal.ts";
import { addStaff } from "#core/staff/staff.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

const BOB: PatientProfile = { name: "Bob Nguyen", dateOfBirth: "1979-07-01", phone: "+1 555 0202", email: "bob@example.org", notes: "" };

describe("Patients: enrolment and profile re-seals", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  const id = (handle: string) => ids.get(handle)!;
  const bob = () => addressOf(ledger, "patient2");
  const canOpen = async (handle: string, cid: string) =>
    loadPatientProfile(ipfs.store, cid, id(handle)).then(
      () => true,
      () => false,
    );

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    ids.set("patient2", await unlockIdentity(ledger.as("patient2").walletClient, ledger.deployment));
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("enrols a patient with a doctor: progress in order, assignment, profile re-sealed for the doctor", async () => {
    const request = await createRegistrationRequest(ledger.as("patient2"), ledger.as("patient2").walletClient, id("patient2"));
    const steps: EnrolStep[] = [];
    const enrolled = await enrolPatient(
      ledger.as("receptionist1"),
      ipfs.store,
      id("receptionist1"),
      { code: encodeRegistrationRequest(request), profile: BOB, doctor: addressOf(ledger, "doctor1") },
      {
        onProgress: ({ step, patient }) => {
          expect(patient).to.equal(bob());
          steps.push(step);
        },
      },
    );
    expect(steps).to.deep.equal(["sealing", "registering", "assigning", "resealing", "done"]);
    expect(enrolled.patient).to.equal(bob());
    expect(await assignedDoctors(ledger.reader(), bob())).to.deep.equal([addressOf(ledger, "doctor1")]);
    const reseal = enrolled.assignment?.reseal;
    if (!reseal?.ok) throw new Error("the re-seal failed");
    expect(reseal.result.previousCid).to.equal(enrolled.profileCid);
    expect(reseal.result.profileCid).to.not.equal(enrolled.profileCid);
    expect(reseal.result.profileCid).to.equal(await currentProfileCid(ledger.reader(), bob()));
    expect(reseal.result.doctorsWithoutKey).to.deep.equal([]);
    expect(await canOpen("doctor1", enrolled.profileCid), "the registered profile was sealed before the assignment").to.equal(false);
    expect((await loadPatientProfile(ipfs.store, reseal.result.profileCid, id("doctor1"))).name).to.equal("Bob Nguyen");
    expect(await canOpen("patient2", reseal.result.profileCid)).to.equal(true);
  });

  it("without a doctor it registers only; a damaged code is refused before anything is sent", async () => {
    const carla = await unlockIdentity(ledger.as("patient3").walletClient, ledger.deployment);
    const request = await createRegistrationRequest(ledger.as("patient3"), ledger.as("patient3").walletClient, carla);
    const steps: EnrolStep[] = [];
    const enrolled = await enrolPatient(
      ledger.as("receptionist1"),
      ipfs.store,
      id("receptionist1"),
      { code: encodeRegistrationRequest(request), profile: { ...BOB, name: "Carla Rossi" } },
      { onProgress: ({ step }) => steps.push(step) },
    );
    expect(steps).to.deep.equal(["sealing", "registering", "done"]);
    expect(enrolled.assignment).to.equal(null);
    await expectCode(
      enrolPatient(ledger.as("receptionist1"), ipfs.store, id("receptionist1"), { code: "medledger-registration:bm9wZQ==", profile: BOB }),
      "INVALID_INPUT",
    );
  });

  it("assigning and unassigning re-seal: the unassigned doctor cannot open the new profile, the others can", async () => {
    const receptionist = ledger.as("receptionist1");
    const steps: AssignmentStep[] = [];
    const assigned = await changeDoctorAssignment(
      receptionist,
      ipfs.store,
      id("receptionist1"),
      { patient: bob(), doctor: addressOf(ledger, "doctor2"), assigned: true },
      { onProgress: ({ step }) => steps.push(step) },
    );
    if (!assigned.reseal.ok) throw new Error("the re-seal failed");
    expect(await canOpen("doctor2", assigned.reseal.result.profileCid)).to.equal(true);

    const unassigned = await changeDoctorAssignment(
      receptionist,
      ipfs.store,
      id("receptionist1"),
      { patient: bob(), doctor: addressOf(ledger, "doctor2"), assigned: false },
      { onProgress: ({ step }) => steps.push(step) },
    );
    expect(steps).to.deep.equal(["assigning", "resealing", "unassigning", "resealing"]);
    if (!unassigned.reseal.ok) throw new Error("the re-seal failed");
    const cid = unassigned.reseal.result.profileCid;
    expect(cid).to.not.equal(assigned.reseal.result.profileCid);
    expect(cid).to.equal(await currentProfileCid(ledger.reader(), bob()));
    expect(await canOpen("doctor2", cid), "the unassigned doctor").to.equal(false);
    expect(await canOpen("doctor1", cid), "the remaining doctor").to.equal(true);
    expect(await canOpen("patient2", cid), "the patient").to.equal(true);
  });

  it("a re-seal that fails after the (un)assignment is returned, not thrown; alone it says NO_ACCESS plainly", async () => {
    // A key the profile is not sealed for cannot re-seal it: the assignment stands, the re-seal fails.
    await addStaff(ledger.as("admin"), addressOf(ledger, "doctor3"), "doctor", { name: "Dr. Meredith Grey", department: "Surgery", contact: "" });
    await expectCode(resealPatientProfile(ledger.as("receptionist1"), ipfs.store, id("stranger"), bob()), "NO_ACCESS");
    const changed = await changeDoctorAssignment(ledger.as("receptionist1"), ipfs.store, id("stranger"), {
      patient: bob(),
      doctor: addressOf(ledger, "doctor3"),
      assigned: true,
    });
    expect(changed.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(changed.reseal.ok).to.equal(false);
    if (!changed.reseal.ok) expect((changed.reseal.error as { code?: string }).code).to.equal("NO_ACCESS");
    expect(await assignedDoctors(ledger.reader(), bob())).to.include(addressOf(ledger, "doctor3"));
    // Retried alone with a key that opens it.
    const retried = await resealPatientProfile(ledger.as("receptionist1"), ipfs.store, id("receptionist1"), bob());
    expect(retried.doctorsWithoutKey, "doctor3 never published a key").to.deep.equal([addressOf(ledger, "doctor3")]);
  });
});
