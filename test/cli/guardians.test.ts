/**
 * Guardians through the `medledger` CLI: the patient appoints a guardian, who (once the local
 * stack's custody worker re-wrapped the keys) lists, reads and shares the patient's reports in their name and
 * stops sharing; a reception-appointed guardianship the patient cannot end; the patient ends theirs.
 */
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { expect } from "chai";
import type { Address, Hex } from "viem";
import { getLedgerEvents } from "#core/contract/events.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { waitUntil } from "#local-stack/processes.ts";
import { address, json, stackFixture, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: guardians", function () {
  this.timeout(300_000);
  let cli: CliStack;
  const patient = address("patient1");
  const guardian = address("stranger");
  const parent = address("patient4");
  const doctor2 = address("doctor2");
  let reportId: Hex;

  /** Waits for the local stack's custody worker to re-wrap the patient's report keys for `reader` (an on-chain event). */
  async function keysDelivered(reader: Address) {
    const ledger = stackFixture(cli).reader();
    await waitUntil("the custodian re-wrapped the keys", async () => {
      const logs = await getLedgerEvents(ledger, { eventName: "KeysRewrappedByCustodian", args: { reader } });
      return logs.length > 0;
    });
  }

  before(async () => {
    cli = await startCliStack();
    ok(await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor1"), "--role", "doctor", "--name", "Dr. Ada Lovelace"]));
    ok(await cli.run(["--as", "admin", "staff", "add", doctor2, "--role", "doctor", "--name", "Dr. Gregory House"]));
    for (const handle of ["receptionist1", "doctor1", "doctor2", "stranger", "patient4"]) ok(await cli.run(["--as", handle, "keys", "publish"]));
    const request = json<{ code: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"])));
    ok(await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Alice Martin", "--doctor", address("doctor1")]));
    const file = join(cli.dir, "echo.pdf");
    writeFileSync(
      file,
      await makeReportPdf({
        title: "Echocardiogram",
        patientName: "Alice Martin",
        doctorName: "Dr. Ada Lovelace",
        department: "Cardiology",
        date: "2026-11-20",
        findings: ["Normal."],
      }),
    );
    reportId = json<{ reportId: Hex }>(
      ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient, "--title", "Echocardiogram"])),
    ).reportId;
  });
  after(async () => {
    await cli?.stop();
  });

  it("the patient appoints a guardian, who lists, reads, shares and stops sharing for them", async () => {
    const self = await cli.run(["--as", "patient1", "guardian", "appoint", "--patient", patient, "--guardian", patient]);
    expect(self.code).to.equal(2);
    expect(self.stderr).to.contain("A patient cannot be their own guardian.");
    const appointed = ok(await cli.run(["--as", "patient1", "guardian", "appoint", "--patient", patient, "--guardian", guardian]));
    expect(appointed.stdout).to.contain(`${guardian} is now a guardian of patient ${patient}, no end date.`);
    await keysDelivered(guardian);

    const mine = json<{ patients: { patient: Address; byReception: boolean }[] }>(ok(await cli.run(["--as", "stranger", "--json", "guardian", "list"])));
    expect(mine.patients.map((p) => [p.patient, p.byReception])).to.deep.equal([[patient, false]]);
    const listed = ok(await cli.run(["--as", "stranger", "report", "list", "--for", patient]));
    expect(listed.stdout).to.contain("Echocardiogram").and.contain("guardian");
    ok(await cli.run(["--as", "stranger", "report", "read", reportId, "--out", join(cli.dir, "as-guardian.pdf")]));

    const shared = ok(await cli.run(["--as", "stranger", "report", "share", reportId, "--with", doctor2, "--for", patient]));
    expect(shared.stdout).to.contain(`Shared report ${reportId} with ${doctor2}`);
    ok(await cli.run(["--as", "doctor2", "report", "read", reportId, "--out", join(cli.dir, "as-doctor2.pdf")]));
    ok(await cli.run(["--as", "stranger", "report", "revoke", reportId, "--from", doctor2, "--for", patient]));
    const refused = await cli.run(["--as", "doctor2", "report", "read", reportId, "--out", join(cli.dir, "again.pdf")]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("The patient revoked your access to this report.");
  });

  it("the patient cannot end a reception-appointed guardianship, but ends their own", async () => {
    const past = await cli.run(["--as", "receptionist1", "guardian", "appoint", "--patient", patient, "--guardian", parent, "--until", "2020-01-01"]);
    expect(past.code).to.equal(2);
    expect(past.stderr).to.contain("is not in the future");
    ok(await cli.run(["--as", "receptionist1", "guardian", "appoint", "--patient", patient, "--guardian", parent, "--until", "2099-05-14"]));
    const list = json<{ guardians: { guardian: Address; until: number | null; byReception: boolean }[] }>(
      ok(await cli.run(["--json", "guardian", "list", "--patient", patient])),
    );
    expect(list.guardians.map((g) => [g.guardian, g.until, g.byReception])).to.deep.equal([
      [guardian, null, false],
      [parent, Date.UTC(2099, 4, 14) / 1000, true],
    ]);
    const refused = await cli.run(["--as", "patient1", "guardian", "end", "--patient", patient, "--guardian", parent]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("The reception appointed this guardian; ask the reception to end it.");
    ok(await cli.run(["--as", "patient1", "guardian", "end", "--patient", patient, "--guardian", guardian]));
    const after = await cli.run(["--as", "stranger", "report", "share", reportId, "--with", doctor2, "--for", patient]);
    expect(after.code).to.equal(1);
    expect(after.stderr).to.contain("You are not (or no longer) a guardian of patient");
  });
});
