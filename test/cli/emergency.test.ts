/**
 * Emergency (break-glass) access through the `medledger` CLI: an unassigned doctor opens a
 * patient's reports with a coded reason (refused for a wrong reason name, an assigned doctor and a
 * non-doctor), reads a report once the records custodian re-wrapped its key (the local stack's
 * custody worker does it), the lists of the patient, the doctor and the administrator,
 * and the refusal once the access ended (the chain's clock moved forward).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { createTestClient, type Hex } from "viem";
import { listReports } from "#core/reports/records.ts";
import { currentKeysFor } from "#core/reports/versions.ts";
import type { LedgerFixture } from "#test/support/ledgers.ts";
import { waitUntil } from "#local-stack/processes.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { address, json, stackFixture, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: emergency access (open, read, list, expiry)", function () {
  this.timeout(300_000);
  let cli: CliStack;
  let ledger: LedgerFixture;
  let reportId: Hex;
  const patient = address("patient1");

  before(async () => {
    cli = await startCliStack();
    ledger = stackFixture(cli);
    ok(await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor1"), "--role", "doctor", "--name", "Dr. Ada Lovelace"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor2"), "--role", "doctor", "--name", "Dr. Gregory House"]));
    for (const handle of ["receptionist1", "doctor1", "doctor2"]) ok(await cli.run(["--as", handle, "keys", "publish"]));
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
    reportId = json<{ reportId: Hex }>(ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient]))).reportId;
  });
  after(async () => {
    await cli?.stop();
  });

  it("refuses an unknown reason, an assigned doctor and a non-doctor, each in plain words", async () => {
    const unknown = await cli.run(["--as", "doctor2", "emergency", "open", "--patient", patient, "--reason", "broken-leg"]);
    expect(unknown.code).to.not.equal(0);
    expect(unknown.stderr).to.contain('"broken-leg" is not an emergency reason').and.to.contain("life-threatening");
    const assigned = await cli.run(["--as", "doctor1", "emergency", "open", "--patient", patient, "--reason", "life-threatening"]);
    expect(assigned.code).to.not.equal(0);
    expect(assigned.stderr).to.contain("You are assigned to this patient, open their reports normally.");
    const notDoctor = await cli.run(["--as", "receptionist1", "emergency", "open", "--patient", patient, "--reason", "life-threatening"]);
    expect(notDoctor.code).to.not.equal(0);
    expect(notDoctor.stderr).to.contain("Only an active doctor of the hospital can open emergency access.");
  });

  it("opens access, reads the report once the custodian re-wrapped its key, lists it for patient, doctor and admin, refuses after the end", async () => {
    const opened = ok(await cli.run(["--as", "doctor2", "emergency", "open", "--patient", patient, "--reason", "unable-to-consent"]));
    expect(opened.stdout).to.match(/Emergency access to 0x[0-9a-fA-F]{40} is open until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(opened.stdout).to.contain("recorded publicly");

    // The stack's custody worker re-wraps the patient's report keys for the doctor.
    const records = await listReports(ledger.reader(), { patient });
    await waitUntil("the custodian re-wrapped the report key for the doctor", async () =>
      (await currentKeysFor(ledger.reader(), address("doctor2"), records)).has(reportId),
    );
    const listed = json<{ reports: { reportId: Hex }[] }>(ok(await cli.run(["--as", "doctor2", "--json", "report", "list", "--patient", patient])));
    expect(listed.reports.map((r) => r.reportId)).to.deep.equal([reportId]);
    ok(await cli.run(["--as", "doctor2", "report", "read", reportId, "--out", join(cli.dir, "read.pdf")]));

    type Listed = { accesses: { doctor: string; patient: string; reason: string; reasonLabel: string; active: boolean; until: number; at: number }[] };
    const ofPatient = json<Listed>(ok(await cli.run(["--as", "patient1", "--json", "emergency", "list"])));
    expect(ofPatient.accesses).to.have.length(1);
    expect(ofPatient.accesses[0]).to.include({ doctor: address("doctor2"), patient, reason: "unable-to-consent", active: true });
    expect(json<Listed>(ok(await cli.run(["--as", "doctor2", "--json", "emergency", "list"]))).accesses).to.have.length(1);
    const review = ok(await cli.run(["--as", "admin", "emergency", "list"]));
    expect(review.stdout).to.contain("The patient cannot consent").and.to.contain(address("doctor2"));
    expect(json<Listed>(ok(await cli.run(["--json", "emergency", "list", "--patient", patient]))).accesses).to.deep.equal(ofPatient.accesses);

    await createTestClient({ mode: "anvil", transport: ledger.transport }).increaseTime({ seconds: 24 * 60 * 60 + 1 });
    await createTestClient({ mode: "anvil", transport: ledger.transport }).mine({ blocks: 1 });
    const ended = await cli.run(["--as", "doctor2", "report", "read", reportId, "--out", join(cli.dir, "late.pdf")]);
    expect(ended.code).to.not.equal(0);
    expect(ended.stderr).to.contain("Your emergency access to this patient ended on");
    expect(ok(await cli.run(["--as", "admin", "emergency", "list"])).stdout).to.contain("ended");
  });
});
