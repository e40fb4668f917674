/**
 * Results held for review through the CLI: `report upload --hold` registers a result the patient
 * sees but cannot open yet (`report list` says until when, `report read` refuses with the date),
 * `report release` by its doctor opens it; a retry record keeps the hold and the custodian's key.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { anvilLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { reportPdf, setUpClinic } from "#test/support/story.ts";
import { loadPending, savePending } from "#cli/pending.ts";
import type { PreparedReport } from "#core/reports/upload.ts";
import { address, cliOn, json, type CliResult } from "../support/cli.ts";

interface Listed {
  readonly reports: readonly { reportId: string; held: boolean; heldUntil: number | null; title?: string; relation?: string }[];
}

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: results held for review (upload --hold, list, release, read)", function () {
  this.timeout(300_000);
  let fixture: LedgerFixture;
  let ipfs: IpfsFixture;
  let dir: string;
  const patient = address("patient1");

  before(async () => {
    fixture = await anvilLedger();
    ipfs = await embeddedIpfs();
    dir = mkdtempSync(join(tmpdir(), "medledger-release-"));
    await setUpClinic(fixture, ipfs.store);
  });
  after(async () => {
    await ipfs?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const run = cliOn(() => ({ ledger: fixture, ipfs, dir }));

  it("a held upload is listed with its release date, refused to the patient until the doctor releases it, then read", async () => {
    const file = join(dir, "biopsy.pdf");
    const issuedPath = join(dir, "biopsy.issued.pdf");
    writeFileSync(file, await reportPdf("biopsy under review"));
    const upload = ok(
      await run([
        "--as",
        "doctor1",
        "report",
        "upload",
        file,
        "--patient",
        patient,
        "--title",
        "Skin biopsy",
        "--kind",
        "lab",
        "--date",
        "2026-11-30",
        "--hold",
      ]),
    );
    expect(upload.stdout).to.contain("Held        for review: the patient can open it on 20").and.contain("medledger report release");
    const uploaded = json<Listed>(ok(await run(["--as", "doctor1", "--json", "report", "list"])));
    const mine = uploaded.reports.find((r) => r.title === "Skin biopsy")!;
    expect(mine.held).to.equal(true);
    expect(mine.heldUntil).to.be.a("number");
    const reportId = mine.reportId;

    // The patient: the result is listed with its release date, no title, no warning; reading it is refused plainly.
    const listed = ok(await run(["--as", "patient1", "report", "list"]));
    expect(listed.stdout).to.contain("(a result under review)").and.contain("held for review until 20");
    expect(listed.stderr).to.not.contain("could not be read");
    const refused = await run(["--as", "patient1", "report", "read", reportId, "--out", join(dir, "early.pdf")]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain("This result is being reviewed by your doctor. It will be released on 20");

    // Only its doctor releases it, once.
    const other = await run(["--as", "doctor2", "report", "release", reportId]);
    expect(other.code).to.not.equal(0);
    expect(other.stderr).to.contain("Only the doctor who issued this result can release it.");
    const released = json<{ ok: boolean; patient: string; transactionHash: string }>(
      ok(await run(["--as", "doctor1", "--json", "report", "release", reportId])),
    );
    expect(released.patient).to.equal(patient);
    const again = await run(["--as", "doctor1", "report", "release", reportId]);
    expect(again.code).to.not.equal(0);
    expect(again.stderr).to.contain("already released");

    const after = json<Listed>(ok(await run(["--as", "patient1", "--json", "report", "list"])));
    expect(after.reports.find((r) => r.reportId === reportId)).to.include({ held: false, title: "Skin biopsy" });
    const out = join(dir, "released.pdf");
    ok(await run(["--as", "patient1", "report", "read", reportId, "--out", out]));
    expect(Buffer.compare(readFileSync(out), readFileSync(issuedPath))).to.equal(0);
  });

  it("a retry record keeps the hold and the custodian's key, so a retried upload stays held", async () => {
    const state = join(dir, "pending-test");
    const prepared: PreparedReport = {
      reportId: `0x${"1".repeat(64)}`,
      sha256: `0x${"2".repeat(64)}`,
      sha1: `0x${"3".repeat(40)}`,
      patient,
      doctor: address("doctor1"),
      supersedes: null,
      cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
      patientKey: "0x",
      doctorKey: "0xabcd",
      custodianKey: "0xef01",
      held: true,
      size: 10,
      serial: "serial",
      sourceSha256: `0x${"4".repeat(64)}`,
      metadataDigest: null,
    };
    await savePending(state, fixture.deployment, prepared);
    const loaded = await loadPending(state, fixture.deployment, prepared.sourceSha256);
    expect(loaded?.prepared).to.include({ held: true, custodianKey: "0xef01", patientKey: "0x" });
  });
});
