/**
 * Gas budgets of report registration (the figures `npm run bench:gas` prints), and their
 * independence from the number of records. Budgets are checked on plain bytecode only: under
 * `--coverage` the instrumented code costs more by design, so only the independence is checked.
 */
import { expect } from "chai";
import { globalOptions } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { as, ethers, keyOf, networkHelpers, reportIdOf, reportInput, staffedLedger, wrappedKeyOf } from "./fixture.ts";

/**
 * Since patients can recover a lost wallet, registration and grants read the patient's record link
 * (one cold slot, 2,100 gas): the price of every report staying readable after a recovery.
 */
const REGISTER_REPORT_BUDGET = 80_000;
const BATCH_PER_REPORT_BUDGET = 42_000;
const GRANT_BUDGET = 65_000;
const GRANT_BATCH10_BUDGET = 150_000;

/** Gas of a transaction less its calldata cost (which varies with the zero bytes of the digests). */
async function executionGas(pending: Promise<ContractTransactionResponse>): Promise<{ total: number; execution: number }> {
  const tx = await pending;
  const receipt = await tx.wait();
  let calldata = 0;
  for (const byte of ethers.getBytes(tx.data)) calldata += byte === 0 ? 4 : 16;
  const total = Number(receipt!.gasUsed);
  return { total, execution: total - calldata };
}

describe("MedLedger: gas", function () {
  this.timeout(60_000);

  it("registerReport and registerReports stay within budget, whatever the number of reports on record", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
    const doctor = as(ledger, cast.doc1);
    const patient = cast.pat1.address;
    const batch = (tag: string) => Array.from({ length: 20 }, (_, i) => reportInput(`${tag} ${i}`, patient));

    const firstSingle = await executionGas(doctor.registerReport(reportInput("first single", patient)));
    const firstBatch = await executionGas(doctor.registerReports(batch("first batch")));
    for (let i = 0; i < 5; i += 1) await doctor.registerReports(batch(`filler ${i}`));
    const laterSingle = await executionGas(doctor.registerReport(reportInput("later single", patient)));
    const laterBatch = await executionGas(doctor.registerReports(batch("later batch")));

    expect(laterSingle.execution, "registerReport after 120 more reports").to.equal(firstSingle.execution);
    expect(laterBatch.execution, "registerReports after 120 more reports").to.equal(firstBatch.execution);
    if (!globalOptions.coverage) {
      expect(firstSingle.total).to.be.at.most(REGISTER_REPORT_BUDGET);
      expect(firstBatch.total / 20).to.be.at.most(BATCH_PER_REPORT_BUDGET);
    }
  });

  it("grantAccess and a grant of 10 reports stay within budget, whatever the number of reports and grants on record", async () => {
    const { ledger, cast } = await networkHelpers.loadFixture(staffedLedger);
    const doctor = as(ledger, cast.doc1);
    const patient = as(ledger, cast.pat1);
    const readers = cast.all.slice(12, 18);
    for (const r of readers) await as(ledger, r).publishEncryptionKey(keyOf(r.address));
    const batchOf = async (tag: string, n: number): Promise<string[]> => {
      const inputs = Array.from({ length: n }, (_, i) => reportInput(`${tag} ${i}`, cast.pat1.address));
      await doctor.registerReports(inputs);
      return inputs.map((i) => reportIdOf(i.sha256Digest, cast.doc1.address));
    };
    const grant = (reader: string, ids: string[]) => ({ reader, reportIds: ids, wrappedKeys: ids.map((id) => wrappedKeyOf(id)), expiresAt: 0 });
    // Word-aligned batches (seq 0..255 and 256..511 of the care pair), so both measure one new bitmap word.
    const first = await batchOf("first", 256);
    const firstSingle = await executionGas(patient.grantAccess(first[0]!, readers[0]!.address, wrappedKeyOf("s")));
    const firstBatch = await executionGas(patient.grantAccessBatch(grant(readers[1]!.address, first.slice(1, 11))));
    await patient.grantAccessBatch(grant(readers[2]!.address, first.slice(11, 40)));
    const later = await batchOf("later", 256);
    const laterSingle = await executionGas(patient.grantAccess(later[0]!, readers[3]!.address, wrappedKeyOf("s")));
    const laterBatch = await executionGas(patient.grantAccessBatch(grant(readers[4]!.address, later.slice(1, 11))));
    expect(laterSingle.execution, "grantAccess after 256 more reports").to.equal(firstSingle.execution);
    expect(laterBatch.execution, "grant of 10 after 256 more reports").to.equal(firstBatch.execution);
    if (!globalOptions.coverage) {
      expect(firstSingle.total).to.be.at.most(GRANT_BUDGET);
      expect(firstBatch.total).to.be.at.most(GRANT_BATCH10_BUDGET);
    }
  });
});
