/** The demo people's recorded addresses are the ones their keys derive to (the web app shows them without deriving). */
import { expect } from "chai";
import { describe, it } from "mocha";
import { DEMO_PEOPLE, findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";

describe("demo people", function () {
  it("record the address their development key derives to", function () {
    for (const person of DEMO_PEOPLE) expect(person.address, person.handle).to.equal(demoAccount(person).address);
  });

  it("have distinct handles, indexes and addresses", function () {
    expect(new Set(DEMO_PEOPLE.map((p) => p.handle)).size).to.equal(DEMO_PEOPLE.length);
    expect(new Set(DEMO_PEOPLE.map((p) => p.index)).size).to.equal(DEMO_PEOPLE.length);
    expect(new Set(DEMO_PEOPLE.map((p) => p.address.toLowerCase())).size).to.equal(DEMO_PEOPLE.length);
    expect(findDemoPerson("doctor1")?.address).to.equal("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
  });
});
