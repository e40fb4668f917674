/** Which doctors a patient may pick to share with: pure rules over the staff list. */
import { expect } from "chai";
import type { Address } from "viem";
import type { StaffMember } from "#core/staff/staff.ts";
import { shareableDoctors, shareableDoctorsForMany } from "#core/staff/eligibility.ts";

const A = "0x00000000000000000000000000000000000000aA" as Address;
const B = "0x00000000000000000000000000000000000000bB" as Address;
const C = "0x00000000000000000000000000000000000000cC" as Address;
const R = "0x00000000000000000000000000000000000000dD" as Address;

function member(account: Address, role: StaffMember["role"], active = true): StaffMember {
  return { account, role, active, since: 0, profile: { name: account, department: "", contact: "" }, profileVerified: true } as StaffMember;
}

const STAFF = [member(A, "doctor"), member(B, "doctor"), member(C, "doctor", false), member(R, "receptionist")];
const accounts = (members: readonly StaffMember[]) => members.map((m) => m.account);

describe("Shareable doctors", function () {
  it("one report: active doctors other than its issuer", function () {
    expect(accounts(shareableDoctors(STAFF, A.toLowerCase() as Address))).to.deep.equal([B]);
  });

  it("several reports of one issuer: that issuer is left out", function () {
    expect(accounts(shareableDoctorsForMany(STAFF, [A, A.toLowerCase() as Address]))).to.deep.equal([B]);
  });

  it("reports of several issuers: every active doctor (each lacks some of them)", function () {
    expect(accounts(shareableDoctorsForMany(STAFF, [A, B]))).to.deep.equal([A, B]);
  });

  it("no report yet: every active doctor, never a receptionist or an inactive doctor", function () {
    expect(accounts(shareableDoctorsForMany(STAFF, []))).to.deep.equal([A, B]);
  });
});
