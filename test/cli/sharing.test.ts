/**
 * Sharing at scale, revoke and re-key, and key rotation through the `medledger` CLI: share all
 * reports until a date, list the readers, revoke one report with a re-key, revoke everything,
 * rotate the patient's key and read everything with the new one.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import type { Hex } from "viem";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { address, json, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: sharing at scale, revoke and re-key, key rotation", function () {
  this.timeout(300_000);
  let cli: CliStack;
  const patient = address("patient1");
  const reader = address("doctor2");
  const reportIds: Hex[] = [];
  const readAs = (handle: string, id: Hex, out: string) => cli.run(["--as", handle, "--json", "report", "read", id, "--out", join(cli.dir, out)]);

  before(async () => {
    cli = await startCliStack();
    ok(await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor1"), "--role", "doctor", "--name", "Dr. Ada Lovelace"]));
    ok(await cli.run(["--as", "admin", "staff", "add", reader, "--role", "doctor", "--name", "Dr. Gregory House"]));
    for (const handle of ["receptionist1", "doctor1", "doctor2"]) ok(await cli.run(["--as", handle, "keys", "publish"]));
    const request = json<{ code: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"])));
    ok(await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Alice Martin", "--doctor", address("doctor1")]));
    for (const title of ["Echocardiogram", "Stress test"]) {
      const file = join(cli.dir, `${title}.pdf`);
      writeFileSync(
        file,
        await makeReportPdf({
          title,
          patientName: "Alice Martin",
          doctorName: "Dr. Ada Lovelace",
          department: "Cardiology",
          date: "2026-11-20",
          findings: ["Normal."],
        }),
      );
      const upload = json<{ reportId: Hex }>(ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient])));
      reportIds.push(upload.reportId);
    }
  });
  after(async () => {
    await cli?.stop();
  });

  it("shares all of the patient's reports until a date in one transaction, and lists the readers", async () => {
    const missing = await cli.run(["--as", "patient1", "report", "share", "--with", reader]);
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.contain("No report to share was given.");
    const shared = json<{ shared: Hex[]; expiresAt: number; transactionHashes: string[] }>(
      ok(await cli.run(["--as", "patient1", "--json", "report", "share", "--all", "--with", reader, "--expires", "2099-12-31"])),
    );
    expect([...shared.shared].sort()).to.deep.equal([...reportIds].sort());
    expect(shared.transactionHashes).to.have.length(1);
    expect(shared.expiresAt).to.equal(Date.UTC(2100, 0, 1) / 1000);
    ok(await readAs("doctor2", reportIds[0]!, "a.pdf"));
    const listed = json<{ readers: { reader: string; status: string; expiresAt: number }[] }>(ok(await cli.run(["--json", "report", "shares", reportIds[0]!])));
    expect(listed.readers).to.deep.equal([{ reader, status: "active", expiresAt: Date.UTC(2100, 0, 1) / 1000 }]);
    const past = await cli.run(["--as", "patient1", "report", "share", reportIds[0]!, "--with", reader, "--expires", "2001-01-01"]);
    expect(past.code).to.not.equal(0);
    expect(past.stderr).to.contain("is not in the future");
  });

  it("revokes one report with a re-key, then everything", async () => {
    const revoked = json<{ rekey: { version: number; unpinned: boolean; readers: string[] } }>(
      ok(await cli.run(["--as", "patient1", "--json", "report", "revoke", reportIds[0]!, "--from", reader, "--rekey"])),
    );
    expect(revoked.rekey).to.include({ version: 1, unpinned: true });
    expect(revoked.rekey.readers).to.deep.equal([]);
    const refused = await readAs("doctor2", reportIds[0]!, "b.pdf");
    expect(refused.stderr).to.contain("The patient revoked your access to this report.");
    ok(await readAs("patient1", reportIds[0]!, "c.pdf"));
    ok(await readAs("doctor2", reportIds[1]!, "d.pdf"));
    ok(await cli.run(["--as", "patient1", "report", "revoke", "--all", "--from", reader]));
    expect((await readAs("doctor2", reportIds[1]!, "e.pdf")).stderr).to.contain("The patient revoked your access to this report.");
  });

  it("rotates the patient's key; every report still opens", async () => {
    const rotated = json<{ keyVersion: number; previousVersion: number; rewrapped: Hex[] }>(
      ok(await cli.run(["--as", "patient1", "--json", "keys", "rotate"])),
    );
    expect(rotated).to.include({ keyVersion: 2, previousVersion: 1 });
    expect([...rotated.rewrapped].sort()).to.deep.equal([...reportIds].sort());
    for (const [i, id] of reportIds.entries()) ok(await readAs("patient1", id, `rotated-${i}.pdf`));
    const finished = json<{ rewrapped: Hex[] }>(ok(await cli.run(["--as", "patient1", "--json", "keys", "rotate", "--finish"])));
    expect(finished.rewrapped).to.deep.equal([]);
  });
});
