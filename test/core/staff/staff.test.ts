/** Staff profiles come from the events, and only when they match the hash the contract keeps. */
import { expect } from "chai";
import { readLedger } from "#core/contract/calls.ts";
import { addStaff, getStaffMember, listStaff, staffProfileHash, updateStaff } from "#core/staff/staff.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf } from "#test/support/story.ts";

describe("Staff directory from the StaffAdded/StaffUpdated events", function () {
  this.timeout(60_000);
  let ledger: LedgerFixture;

  before(async () => {
    ledger = await inProcessLedger();
  });
  after(async () => {
    await ledger?.close();
  });

  it("shows the latest profile, checked against the contract's keccak256(abi.encode(profile))", async () => {
    const doctor = addressOf(ledger, "doctor1");
    const first = { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "ada@h.example" };
    await addStaff(ledger.as("admin"), doctor, "doctor", first);
    expect((await readLedger(ledger.reader(), "staffMember", [doctor])).profileHash).to.equal(staffProfileHash(first));
    const updated = { name: "Dr. Ada Lovelace", department: "Cardiology and Electrophysiology", contact: "room 12" };
    await updateStaff(ledger.as("admin"), doctor, updated);
    const member = await getStaffMember(ledger.reader(), doctor);
    expect(member).to.deep.include({ role: "doctor", active: true, profile: updated, profileVerified: true });
    await addStaff(ledger.as("admin"), addressOf(ledger, "receptionist1"), "receptionist", { name: "Rita Reyes", department: "Front desk", contact: "" });
    const all = await listStaff(ledger.reader());
    expect(all.map((m) => [m.profile.name, m.profile.department, m.profileVerified])).to.deep.equal([
      ["Dr. Ada Lovelace", "Cardiology and Electrophysiology", true],
      ["Rita Reyes", "Front desk", true],
    ]);
    expect(await getStaffMember(ledger.reader(), addressOf(ledger, "stranger"))).to.equal(undefined);
  });
});
