/**
 * A lost wallet through the CLI, on the local stack (anvil, the embedded IPFS node, the indexer and
 * the records custodian's worker, as `npm start` runs them): the patient makes a registration code
 * with the new wallet, the reception moves the record, and the new wallet lists and reads the
 * patient's reports once the custodian has delivered their keys. The old wallet reads nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import type { Hex } from "viem";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { address, json, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: patient recover (a lost wallet)", function () {
  this.timeout(600_000);
  let cli: CliStack;
  let reportId: Hex;
  let file: string;

  before(async () => {
    cli = await startCliStack();
    ok(await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor1"), "--role", "doctor", "--name", "Dr. Ada Lovelace"]));
    for (const handle of ["receptionist1", "doctor1"]) ok(await cli.run(["--as", handle, "keys", "publish"]));
    const request = json<{ code: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"])));
    ok(await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Alice Martin", "--doctor", address("doctor1")]));
    file = join(cli.dir, "echo.pdf");
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
    reportId = json<{ reportId: Hex }>(ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", address("patient1")]))).reportId;
  });
  after(async () => {
    await cli?.stop();
  });

  it("moves the record to the new wallet, which then reads the report; the old wallet is refused", async () => {
    const code = json<{ code: string }>(ok(await cli.run(["--as", "patient4", "--json", "patient", "request"]))).code;
    const moved = ok(await cli.run(["--as", "receptionist1", "patient", "recover", "--patient", address("patient1"), "--code", code]));
    expect(moved.stdout).to.contain(`Moved the patient's record from ${address("patient1")} to ${address("patient4")}`);

    // The custodian's worker delivers the key within a few of its passes (one a second).
    let read: CliResult | undefined;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      read = await cli.run(["--as", "patient4", "report", "read", reportId, "--out", join(cli.dir, "recovered.pdf")]);
      if (read.code === 0) break;
      expect(read.stderr).to.contain("being made readable for your new wallet");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    ok(read!);
    expect(readFileSync(join(cli.dir, "recovered.pdf")).length).to.be.greaterThan(0);
    const listed = json<{ reports: { reportId: string }[] }>(ok(await cli.run(["--as", "patient4", "--json", "report", "list"])));
    expect(JSON.stringify(listed)).to.contain(reportId);

    const old = await cli.run(["--as", "patient1", "report", "read", reportId, "--out", join(cli.dir, "old.pdf")]);
    expect(old.code).to.not.equal(0);
    // Recovering to the retired wallet is refused in plain words.
    const back = json<{ code: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"]))).code;
    const refused = await cli.run(["--as", "receptionist1", "patient", "recover", "--patient", address("patient4"), "--code", back]);
    expect(refused.code).to.not.equal(0);
  });
});
