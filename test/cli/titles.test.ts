/**
 * Reports a patient can tell apart: the doctor gives a title, a kind, the date of service and a
 * note; they are encrypted with the report (a FHIR DocumentReference in the ciphertext's head),
 * shown by `report list` and `report read` to whoever may open the report, kept across a re-key,
 * and never in clear on chain or on IPFS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { chainBytes, storedFiles } from "#test/support/privacy.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { anvilLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { reportPdf, setUpClinic } from "#test/support/story.ts";
import { address, cliOn, json, type CliResult } from "../support/cli.ts";

interface Listed {
  readonly reports: readonly { reportId: string; title?: string; kind?: string; dateOfService?: string }[];
}

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, "utf8"));
}

describe("medledger CLI: named reports (title, kind, date of service, note), encrypted with the report", function () {
  this.timeout(300_000);
  let fixture: LedgerFixture;
  let ipfs: IpfsFixture;
  let dir: string;
  const patient = address("patient1");
  const TITLE = "Full blood count, fasting";
  const NOTE = "Haemoglobin slightly low; repeat in three months.";

  before(async () => {
    fixture = await anvilLedger();
    ipfs = await embeddedIpfs();
    dir = mkdtempSync(join(tmpdir(), "medledger-titles-"));
    await setUpClinic(fixture, ipfs.store);
  });
  after(async () => {
    await ipfs?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const run = cliOn(() => ({ ledger: fixture, ipfs, dir }));

  it("the patient and the doctor see the title, kind and date in their lists; the patient reads the note; re-keying keeps them", async () => {
    const file = join(dir, "fbc.pdf");
    writeFileSync(file, await reportPdf("full blood count"));
    const uploaded = json<{ reportId: string; title: string }>(
      ok(
        await run([
          "--as",
          "doctor1",
          "report",
          "upload",
          file,
          "--patient",
          patient,
          "--title",
          TITLE,
          "--kind",
          "lab",
          "--date",
          "2026-11-20",
          "--note",
          NOTE,
          "--json",
        ]),
      ),
    );
    expect(uploaded.title).to.equal(TITLE);
    const untitled = join(dir, "chest-xray.pdf");
    writeFileSync(untitled, await reportPdf("chest x-ray"));
    ok(await run(["--as", "doctor1", "report", "upload", untitled, "--patient", patient, "--kind", "imaging", "--date", "2026-11-21"]));

    for (const who of ["patient1", "doctor1"]) {
      const listed = json<Listed>(ok(await run(["--as", who, "report", "list", "--json"]))).reports;
      expect(listed.map((r) => [r.title, r.kind, r.dateOfService])).to.deep.equal([
        ["chest-xray", "imaging", "2026-11-21"],
        [TITLE, "lab", "2026-11-20"],
      ]);
    }
    const human = ok(await run(["--as", "patient1", "report", "list"])).stdout;
    expect(human).to.contain("TITLE").and.contain(TITLE).and.contain("Lab result").and.contain("Imaging");

    const read = ok(await run(["--as", "patient1", "report", "read", uploaded.reportId, "--out", join(dir, "read.pdf")])).stdout;
    expect(read).to.contain(`${TITLE} — Lab result, 2026-11-20`).and.contain(`Note: ${NOTE}`);

    // Shared, then revoked with a re-key: the new ciphertext carries the same details.
    ok(await run(["--as", "patient1", "report", "share", uploaded.reportId, "--with", address("doctor2")]));
    ok(await run(["--as", "patient1", "report", "revoke", uploaded.reportId, "--from", address("doctor2"), "--rekey"]));
    const after = json<Listed>(ok(await run(["--as", "patient1", "report", "list", "--json"]))).reports;
    expect(after.find((r) => r.reportId === uploaded.reportId)?.title).to.equal(TITLE);
  });

  it("the title and the note appear nowhere in clear: not on chain, not in the IPFS node's files", async () => {
    const published = [...(await chainBytes(fixture.reader().publicClient)), ...storedFiles(ipfs.dataDir)];
    expect(published.length).to.be.greaterThan(10);
    for (const { what, bytes } of published) {
      expect(contains(bytes, TITLE), `title in ${what}`).to.equal(false);
      expect(contains(bytes, "Haemoglobin"), `note in ${what}`).to.equal(false);
    }
  });

  it("refuses details a person got wrong before anything is uploaded, saying what is expected", async () => {
    const file = join(dir, "future.pdf");
    writeFileSync(file, await reportPdf("from the future"));
    const future = await run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--date", "2999-01-01"]);
    expect(future.code).to.equal(2);
    expect(future.stderr).to.contain("The date of service cannot be in the future.");
    const long = await run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--title", "x".repeat(121)]);
    expect(long.stderr).to.contain("The title can be at most 120 characters.");
    const kind = await run(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--kind", "horoscope"]);
    expect(kind.code).to.equal(2);
    expect(kind.stderr).to.contain("horoscope");
    expect(() => readFileSync(join(dir, "future.issued.pdf"))).to.throw();
  });
});
