/**
 * The whole product story through the `medledger` CLI, as users would type it: the admin adds
 * staff, the patient requests registration, the receptionist registers and assigns, the doctor
 * uploads, the patient reads, shares and revokes, anyone verifies, the doctor amends; and an
 * upload whose registration failed is retried without uploading again.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { createPublicClient, createWalletClient, http, type Hex } from "viem";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { expectCode } from "../support/story.ts";
import { address, json, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

const sha256 = (bytes: Uint8Array): Hex => `0x${createHash("sha256").update(bytes).digest("hex")}`;
const sha1 = (bytes: Uint8Array): Hex => `0x${createHash("sha1").update(bytes).digest("hex")}`;

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

async function pdf(title: string, findings: string[]): Promise<Uint8Array> {
  return makeReportPdf({ title, patientName: "Alice Martin", doctorName: "Dr. Ada Lovelace", department: "Cardiology", date: "2026-11-20", findings });
}

describe("medledger CLI: the whole story", function () {
  this.timeout(300_000);
  let cli: CliStack;
  const patient = address("patient1");
  const doctor = address("doctor1");
  const grantee = address("stranger");
  let reportFile: string;
  let reportBytes: Uint8Array;
  /** The issued file (with its serial): the one registered, read back and verified. */
  let issuedFile: string;
  let issuedBytes: Uint8Array;
  let reportId: Hex;

  before(async () => {
    cli = await startCliStack();
    reportBytes = await pdf("Echocardiogram", ["Normal left ventricular function.", "No valve disease."]);
    reportFile = join(cli.dir, "echo.pdf");
    writeFileSync(reportFile, reportBytes);
    issuedFile = join(cli.dir, "echo.issued.pdf");
  });
  after(async () => {
    await cli?.stop();
  });

  it("the admin adds a receptionist and a doctor; the directory lists them", async () => {
    const added = ok(
      await cli.run([
        "--as",
        "admin",
        "staff",
        "add",
        address("receptionist1"),
        "--role",
        "receptionist",
        "--name",
        "Rita Reyes",
        "--department",
        "Front desk",
      ]),
    );
    expect(added.stdout).to.contain(`Added Rita Reyes (${address("receptionist1")}) as receptionist.`);
    const doc = json(
      ok(
        await cli.run([
          "--as",
          "admin",
          "--json",
          "staff",
          "add",
          doctor,
          "--role",
          "doctor",
          "--name",
          "Dr. Ada Lovelace",
          "--department",
          "Cardiology",
          "--contact",
          "room 3.14",
        ]),
      ),
    );
    expect(doc).to.include({ ok: true, account: doctor, role: "doctor" });

    const list = json<{ staff: { account: string; role: string; name: string; active: boolean }[] }>(ok(await cli.run(["staff", "list", "--json"])));
    expect(list.staff.map((m) => [m.account, m.role, m.name, m.active])).to.deep.equal([
      [address("receptionist1"), "receptionist", "Rita Reyes", true],
      [doctor, "doctor", "Dr. Ada Lovelace", true],
    ]);
    const human = ok(await cli.run(["staff", "list"]));
    expect(human.stdout)
      .to.match(/ACCOUNT\s+ROLE\s+NAME/)
      .and.contain("Dr. Ada Lovelace");

    const updated = json(ok(await cli.run(["--as", "admin", "--json", "staff", "update", doctor, "--contact", "room 3.15"])));
    expect(updated).to.include({ name: "Dr. Ada Lovelace", department: "Cardiology", contact: "room 3.15" });
  });

  it("the admin deactivates and reactivates a staff member", async () => {
    const house = address("doctor2");
    ok(await cli.run(["--as", "admin", "staff", "add", house, "--role", "doctor", "--name", "Dr. Gregory House"]));
    expect(ok(await cli.run(["--as", "admin", "staff", "deactivate", house])).stdout).to.contain(`Deactivated ${house}.`);
    type Listing = { staff: { account: string; active: boolean }[] };
    const after = json<Listing>(ok(await cli.run(["--json", "staff", "list"])));
    expect(after.staff.find((m) => m.account === house)?.active).to.equal(false);
    expect(json<Listing>(ok(await cli.run(["--json", "staff", "list", "--active"]))).staff.map((m) => m.account)).not.to.include(house);
    const twice = await cli.run(["--as", "admin", "staff", "deactivate", house]);
    expect(twice.code).to.equal(1);
    expect(twice.stderr).to.contain("This staff member is deactivated.");
    ok(await cli.run(["--as", "admin", "staff", "reactivate", house]));
    const back = json<Listing>(ok(await cli.run(["--json", "staff", "list"])));
    expect(back.staff.find((m) => m.account === house)?.active).to.equal(true);
  });

  it("the administrator alone manages staff: a doctor is refused with the role message", async () => {
    const refused = await cli.run(["--as", "doctor1", "staff", "add", address("doctor2"), "--role", "doctor", "--name", "Dr. House"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("Error: Your account does not have the role this action needs.").and.contain("What to do:");
    expect(refused.stderr).not.to.match(/\bat .*\.ts:\d+/); // no stack trace
  });

  it("staff and the grantee publish their encryption keys (idempotently)", async () => {
    for (const handle of ["receptionist1", "doctor1", "stranger"]) {
      const first = json(ok(await cli.run(["--as", handle, "--json", "keys", "publish"])));
      expect(first).to.include({ ok: true, published: true });
    }
    const again = json(ok(await cli.run(["--as", "doctor1", "--json", "keys", "publish"])));
    expect(again.published).to.equal(false);
    const shown = json(ok(await cli.run(["--json", "keys", "show", doctor])));
    expect(shown.encryptionKey).to.equal(again.encryptionKey);
    const none = ok(await cli.run(["keys", "show", patient]));
    expect(none.stdout).to.contain("has not published an encryption key");
  });

  it("the patient requests registration, the receptionist registers them with a sealed profile", async () => {
    const request = json<{ code: string; account: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"])));
    expect(request.account).to.equal(patient);
    expect(request.code).to.match(/^medledger-registration:/);

    const registered = ok(
      await cli.run([
        "--as",
        "receptionist1",
        "patient",
        "register",
        "--code",
        request.code,
        "--name",
        "Alice Martin",
        "--dob",
        "1984-03-12",
        "--phone",
        "+1 555 0201",
        "--email",
        "alice@example.org",
      ]),
    );
    expect(registered.stdout).to.contain(`Registered Alice Martin (${patient}) as a patient.`);

    const list = json<{ patients: { account: string; registeredBy: string }[] }>(ok(await cli.run(["--json", "patient", "list"])));
    expect(list.patients).to.have.length(1);
    expect(list.patients[0]).to.include({ account: patient, registeredBy: address("receptionist1") });

    const mine = json<{ profile: { name: string; dateOfBirth: string } }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "show", patient])));
    expect(mine.profile).to.include({ name: "Alice Martin", dateOfBirth: "1984-03-12" });
    const bad = await cli.run(["--as", "receptionist1", "patient", "register", "--code", "medledger-registration:bm9wZQ==", "--name", "X"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("registration code");
  });

  it("a doctor cannot upload for a patient not assigned to them", async () => {
    const refused = await cli.run(["--as", "doctor1", "report", "upload", reportFile, "--patient", patient]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr)
      .to.contain(`Error: Patient ${patient} is not assigned to you`)
      .and.contain("What to do: Ask the reception to assign this patient to you first.");
  });

  it("the receptionist assigns the doctor, who can then read the profile", async () => {
    ok(await cli.run(["--as", "receptionist1", "patient", "assign", patient, "--doctor", doctor]));
    const seen = json<{ profile: { name: string }; doctors: string[] }>(ok(await cli.run(["--as", "doctor1", "--json", "patient", "show", patient])));
    expect(seen.profile.name).to.equal("Alice Martin");
    expect(seen.doctors).to.deep.equal([doctor]);
    const updated = ok(await cli.run(["--as", "receptionist1", "patient", "update", patient, "--phone", "+1 555 0299"]));
    expect(updated.stdout).to.contain(`Updated the profile of ${patient}.`);
    const after = json<{ profile: { name: string; phone: string } }>(ok(await cli.run(["--as", "doctor1", "--json", "patient", "show", patient])));
    expect(after.profile).to.include({ name: "Alice Martin", phone: "+1 555 0299" });
    const stranger = await cli.run(["--as", "stranger", "patient", "show", patient]);
    expect(stranger.code).to.equal(1);
    expect(stranger.stderr).to.contain("cannot open the profile");
  });

  it("the doctor uploads a report, step by step; the issued file (with its serial) is written next to it", async () => {
    const upload = ok(await cli.run(["--as", "doctor1", "report", "upload", reportFile, "--patient", patient]));
    for (const step of ["Checking", "Adding the report serial", "Encrypting", "Uploading", "Signing", "Waiting for the confirmation"]) {
      expect(upload.stdout).to.contain(step);
    }
    reportId = /Registered report (0x[0-9a-f]{64})\./.exec(upload.stdout)![1] as Hex;
    issuedBytes = new Uint8Array(readFileSync(issuedFile));
    const serial = /Serial\s+(ML(?:-[0-9A-F]{4}){8})/.exec(upload.stdout)![1]!;
    expect(upload.stdout).to.contain(`Give the patient (or print) ${issuedFile}: it carries the report serial ${serial}`).and.contain("does not verify");
    expect(upload.stdout).to.contain(sha256(issuedBytes));
    expect(readdirSync(join(cli.dir, "state", "pending"))).to.deep.equal([]);

    // The same source again would overwrite the issued file: refused before anything is uploaded.
    const again = await cli.run(["--as", "doctor1", "report", "upload", reportFile, "--patient", patient]);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain("already exists").and.contain("--out");
    // The issued file itself is already registered.
    const issuedAgain = await cli.run(["--as", "doctor1", "report", "upload", issuedFile, "--patient", patient]);
    expect(issuedAgain.code).to.equal(2);
    expect(issuedAgain.stderr).to.contain("already registered");
  });

  it("lists the report for the patient, the doctor and by filter", async () => {
    type Listing = { reports: { reportId: string; patient: string; doctor: string; relation?: string; supersededBy: string | null }[] };
    const asPatient = json<Listing>(ok(await cli.run(["--as", "patient1", "--json", "report", "list"])));
    expect(asPatient.reports.map((r) => [r.reportId, r.relation])).to.deep.equal([[reportId, "patient"]]);
    const asDoctor = json<Listing>(ok(await cli.run(["--as", "doctor1", "--json", "report", "list"])));
    expect(asDoctor.reports.map((r) => [r.reportId, r.relation])).to.deep.equal([[reportId, "doctor"]]);
    const byDoctor = json<Listing>(ok(await cli.run(["--json", "report", "list", "--doctor", doctor])));
    expect(byDoctor.reports[0]).to.include({ reportId, patient, doctor, supersededBy: null });
    const human = ok(await cli.run(["report", "list", "--patient", patient]));
    expect(human.stdout).to.contain(reportId).and.contain("current");
  });

  it("the patient and the doctor read the report back, byte for byte", async () => {
    for (const handle of ["patient1", "doctor1"]) {
      const out = join(cli.dir, `read-${handle}.pdf`);
      const read = ok(await cli.run(["--as", handle, "report", "read", reportId, "--out", out]));
      expect(read.stdout).to.contain("both digests match the chain");
      expect(Buffer.from(readFileSync(out)).equals(Buffer.from(issuedBytes))).to.equal(true);
    }
    const exists = await cli.run(["--as", "patient1", "report", "read", reportId, "--out", join(cli.dir, "read-patient1.pdf")]);
    expect(exists.code).to.equal(2);
    expect(exists.stderr).to.contain("already exists").and.contain("--force");
  });

  it("the patient shares with another account, which reads it; after revocation it is refused", async () => {
    const out = join(cli.dir, "grantee.pdf");
    const before = await cli.run(["--as", "stranger", "report", "read", reportId, "--out", out]);
    expect(before.code).to.equal(1);
    expect(before.stderr).to.contain("This report was not shared with you.");

    const share = json(ok(await cli.run(["--as", "patient1", "--json", "report", "share", reportId, "--with", grantee])));
    expect(share).to.include({ ok: true, reader: grantee });
    const notPatient = await cli.run(["--as", "doctor1", "report", "share", reportId, "--with", grantee]);
    expect(notPatient.code).to.equal(1);
    expect(notPatient.stderr).to.contain("Only the report's patient can share it.");

    ok(await cli.run(["--as", "stranger", "report", "read", reportId, "--out", out]));
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(issuedBytes))).to.equal(true);
    const listed = json<{ reports: { reportId: string; relation: string }[] }>(ok(await cli.run(["--as", "stranger", "--json", "report", "list"])));
    expect(listed.reports.map((r) => [r.reportId, r.relation])).to.deep.equal([[reportId, "shared with you"]]);

    ok(await cli.run(["--as", "patient1", "report", "revoke", reportId, "--from", grantee]));
    const shares = json<{ shares: { reader: string; active: boolean }[] }>(ok(await cli.run(["--json", "report", "shares", reportId])));
    expect(shares.shares).to.deep.equal([{ reader: grantee, active: false }]);
    const refused = await cli.run(["--as", "stranger", "report", "read", reportId, "--out", join(cli.dir, "again.pdf")]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("Error: The patient revoked your access to this report.");
    expect(existsSync(join(cli.dir, "again.pdf"))).to.equal(false);
  });

  it("anyone verifies: the issued file is genuine (0), the original and a one-byte change are not registered (1); digests are only on record (4)", async () => {
    const genuine = ok(await cli.run(["verify", issuedFile]));
    expect(genuine.stdout).to.contain("GENUINE").and.contain(reportId).and.contain("Dr. Ada Lovelace");
    const data = json<{ status: string; record: { reportId: string; patient: string; doctor: string } }>(ok(await cli.run(["verify", issuedFile, "--json"])));
    expect(data.status).to.equal("genuine");
    expect(data.record).to.include({ reportId, patient, doctor });
    const original = await cli.run(["verify", reportFile]);
    expect(original.code).to.equal(1);
    expect(original.stdout).to.contain("NOT REGISTERED");

    const changed = Uint8Array.from(issuedBytes);
    changed[200] = (changed[200] ?? 0) ^ 0x01;
    const changedFile = join(cli.dir, "changed.pdf");
    writeFileSync(changedFile, changed);
    const forged = await cli.run(["verify", changedFile]);
    expect(forged.code).to.equal(1);
    expect(forged.stdout).to.contain("NOT REGISTERED");

    const bySha256 = await cli.run(["verify", "--sha256", sha256(issuedBytes)]);
    expect(bySha256.code).to.equal(4);
    expect(bySha256.stdout).to.contain("ON RECORD").and.contain("Dr. Ada Lovelace").and.contain("check the file itself");
    const bySha1 = await cli.run(["verify", "--json", "--sha1", sha1(issuedBytes)]);
    expect(bySha1.code).to.equal(4);
    expect(json(bySha1)).to.include({ status: "partial", ok: false });
    expect((await cli.run(["verify", "--sha1", sha1(changed)])).code).to.equal(1);
    const badDigest = await cli.run(["verify", "--sha256", "abc"]);
    expect(badDigest.code).to.equal(2);
    expect(badDigest.stderr).to.contain("not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits)");
  });

  it("the doctor amends the report: the original now verifies as superseded (3), naming the new report", async () => {
    const corrected = await pdf("Echocardiogram (corrected)", ["Normal left ventricular function.", "Mild mitral regurgitation."]);
    const correctedFile = join(cli.dir, "echo-corrected.pdf");
    writeFileSync(correctedFile, corrected);
    const amended = json<{ reportId: string; issuedFile: string; sha256: string }>(
      ok(await cli.run(["--as", "doctor1", "--json", "report", "amend", reportId, correctedFile])),
    );
    expect(amended).to.include({ ok: true, supersedes: reportId, patient, issuedFile: join(cli.dir, "echo-corrected.issued.pdf") });
    expect(amended.sha256).to.equal(sha256(readFileSync(amended.issuedFile)));

    const old = await cli.run(["verify", issuedFile]);
    expect(old.code).to.equal(3);
    expect(old.stdout).to.contain("SUPERSEDED").and.contain(`Amended by  ${amended.reportId}`);
    expect((await cli.run(["verify", amended.issuedFile])).code).to.equal(0);

    const twice = await cli.run(["--as", "doctor1", "report", "amend", reportId, correctedFile]);
    expect(twice.code).to.equal(2);
    expect(twice.stderr).to.contain("already amended");
  });

  it("an upload whose registration fails is kept, and the rerun registers it without uploading again", async () => {
    const admin = demoAccount(DEMO_PEOPLE[0]!);
    const transport = http(cli.stack.rpcUrl);
    const wallet = createWalletClient({ account: admin, transport });
    const publicClient = createPublicClient({ transport, pollingInterval: 50 });
    const setPaused = async (paused: boolean) => {
      const hash = await wallet.writeContract({
        address: cli.stack.deployment.address,
        abi: medLedgerAbi,
        functionName: paused ? "pause" : "unpause",
        chain: null,
      });
      await publicClient.waitForTransactionReceipt({ hash });
    };

    const bytes = await pdf("Holter ECG", ["Sinus rhythm throughout.", "Rare isolated ectopic beats."]);
    const file = join(cli.dir, "holter.pdf");
    writeFileSync(file, bytes);
    // The pending upload is keyed by the file as given (the issued one carries a fresh serial).
    const pendingFile = join(cli.dir, "state", "pending", `${sha256(bytes)}.json`);

    await setPaused(true);
    let failed: CliResult;
    try {
      failed = await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient]);
    } finally {
      await setPaused(false);
    }
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.contain("Uploading the ciphertext to IPFS");
    expect(failed.stderr).to.contain("Error: MedLedger is paused by its administrator").and.contain("rerun the same command");
    expect(existsSync(pendingFile)).to.equal(true);
    const pending = JSON.parse(readFileSync(pendingFile, "utf8")) as {
      prepared: { cid: string; reportId: string; serial: string; sourceSha256: string; issuedFile?: unknown };
    };
    expect(pending.prepared.sourceSha256).to.equal(sha256(bytes));
    expect(pending.prepared).to.not.have.property("issuedFile");
    const issued = join(cli.dir, "holter.issued.pdf");
    expect(existsSync(issued), "the issued file is written before the registration").to.equal(true);

    const retried = json<{ cid: string; reportId: string; serial: string; reusedPendingUpload: boolean; transactionHash: string | null }>(
      ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient])),
    );
    expect(retried).to.include({
      reportId: pending.prepared.reportId,
      serial: pending.prepared.serial,
      reusedPendingUpload: true,
      cid: pending.prepared.cid,
      issuedFile: issued,
    });
    expect(retried.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(existsSync(pendingFile)).to.equal(false);
    expect((await cli.run(["verify", issued])).code).to.equal(0);
  });

  it("a pending upload whose ciphertext vanished from IPFS before the rerun is stored again (same CID) and then registered; without the kept ciphertext it is refused before any transaction", async () => {
    const admin = demoAccount(DEMO_PEOPLE[0]!);
    const transport = http(cli.stack.rpcUrl);
    const wallet = createWalletClient({ account: admin, transport });
    const publicClient = createPublicClient({ transport, pollingInterval: 50 });
    const setPaused = async (paused: boolean) => {
      const hash = await wallet.writeContract({
        address: cli.stack.deployment.address,
        abi: medLedgerAbi,
        functionName: paused ? "pause" : "unpause",
        chain: null,
      });
      await publicClient.waitForTransactionReceipt({ hash });
    };
    const ipfs = createKuboStore(cli.stack.ipfsApiUrl);
    /** Loses `cid` on the IPFS node itself: unpinned, then garbage-collected. */
    const destroy = async (cid: string) => {
      expect(await ipfs.unpin!(cid)).to.equal(true);
      expect((await fetch(`${cli.stack.ipfsApiUrl}/api/v0/repo/gc`, { method: "POST" })).status).to.equal(200);
      await expectCode(ipfs.cat(cid), "UNKNOWN_CID");
    };
    const failOnce = async (file: string): Promise<{ cid: string; reportId: string; pendingFile: string; cipherFile: string }> => {
      const bytes = readFileSync(file);
      const pendingFile = join(cli.dir, "state", "pending", `${sha256(bytes)}.json`);
      await setPaused(true);
      try {
        expect((await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient])).code).to.equal(1);
      } finally {
        await setPaused(false);
      }
      const pending = JSON.parse(readFileSync(pendingFile, "utf8")) as { prepared: { cid: string; reportId: string } };
      return { ...pending.prepared, pendingFile, cipherFile: pendingFile.replace(/\.json$/, ".cipher") };
    };

    const file = join(cli.dir, "spirometry.pdf");
    writeFileSync(file, await pdf("Spirometry", ["FEV1 92 % predicted."]));
    const first = await failOnce(file);
    expect(existsSync(first.cipherFile), "the ciphertext is kept beside the pending record").to.equal(true);
    const kept = new Uint8Array(readFileSync(first.cipherFile));
    await destroy(first.cid);
    const retried = json<{ cid: string; reportId: string; reusedPendingUpload: boolean }>(
      ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient])),
    );
    expect(retried).to.include({ cid: first.cid, reportId: first.reportId, reusedPendingUpload: true });
    expect(await ipfs.isPinned(first.cid), "stored again before the registration").to.equal(true);
    expect(await ipfs.cat(first.cid)).to.deep.equal(kept);
    expect(existsSync(first.pendingFile), "the pending record is done with").to.equal(false);
    expect(existsSync(first.cipherFile), "and so is its ciphertext").to.equal(false);
    expect((await cli.run(["verify", join(cli.dir, "spirometry.issued.pdf")])).code).to.equal(0);

    // A pending record without its ciphertext (saved by an older version): refused, nothing sent, nothing registered.
    const other = join(cli.dir, "audiogram.pdf");
    writeFileSync(other, await pdf("Audiogram", ["Normal hearing thresholds."]));
    const second = await failOnce(other);
    rmSync(second.cipherFile);
    await destroy(second.cid);
    const nonce = await publicClient.getTransactionCount({ address: address("doctor1") });
    const refused = await cli.run(["--as", "doctor1", "report", "upload", other, "--patient", patient]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain("no longer on the IPFS node").and.contain("nothing was registered").and.contain(`Delete ${second.pendingFile}`);
    expect(await publicClient.getTransactionCount({ address: address("doctor1") })).to.equal(nonce);
    expect((await cli.run(["verify", join(cli.dir, "audiogram.issued.pdf")])).code, "not registered").to.not.equal(0);
  });

  it("the receptionist unassigns the doctor: the profile is re-sealed without them, as the web app does", async () => {
    type Patients = { patients: { account: string }[] };
    type Shown = { profileCid: string; profile: { name: string } };
    const house = address("doctor2");
    ok(await cli.run(["--as", "doctor2", "keys", "publish"]));
    const assigned = json<{ reseal: { ok: boolean }; profileCid: string }>(
      ok(await cli.run(["--as", "receptionist1", "--json", "patient", "assign", patient, "--doctor", house])),
    );
    expect(assigned.reseal.ok).to.equal(true);
    const before = json<Shown>(ok(await cli.run(["--as", "doctor1", "--json", "patient", "show", patient])));
    expect(before.profileCid).to.equal(assigned.profileCid);

    expect(json<Patients>(ok(await cli.run(["--json", "patient", "list", "--doctor", doctor]))).patients.map((p) => p.account)).to.deep.equal([patient]);
    const unassigned = json<{ ok: boolean; assigned: boolean; profileCid: string; reseal: { ok: boolean; previousCid: string; profileCid: string } }>(
      ok(await cli.run(["--as", "receptionist1", "--json", "patient", "unassign", patient, "--doctor", doctor])),
    );
    expect(unassigned).to.include({ ok: true, assigned: false });
    expect(unassigned.reseal).to.include({ ok: true, previousCid: before.profileCid, profileCid: unassigned.profileCid });
    expect(unassigned.profileCid, "a new CID").to.not.equal(before.profileCid);
    expect(json<Patients>(ok(await cli.run(["--json", "patient", "list", "--doctor", doctor]))).patients).to.deep.equal([]);

    // The CID now on chain: the unassigned doctor cannot open it, the patient and the remaining doctor can.
    const cut = await cli.run(["--as", "doctor1", "patient", "show", patient]);
    expect(cut.code).to.equal(1);
    expect(cut.stderr).to.contain("cannot open the profile");
    for (const handle of ["patient1", "doctor2"]) {
      const seen = json<Shown>(ok(await cli.run(["--as", handle, "--json", "patient", "show", patient])));
      expect(seen).to.deep.include({ profileCid: unassigned.profileCid, profile: seen.profile });
      expect(seen.profile.name).to.equal("Alice Martin");
    }

    const file = join(cli.dir, "late.pdf");
    writeFileSync(file, await pdf("A late note", ["Written after the unassignment."]));
    const refused = await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", patient]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("is not assigned to you");

    // `patient reseal` re-seals alone (the retry a failed re-seal names).
    const resealed = json<{ ok: boolean; previousCid: string; profileCid: string }>(
      ok(await cli.run(["--as", "receptionist1", "--json", "patient", "reseal", patient])),
    );
    expect(resealed).to.include({ ok: true, previousCid: unassigned.profileCid });
    expect(resealed.profileCid).to.not.equal(unassigned.profileCid);
  });

  it("the receptionist registers a patient with their doctor in one command (register, assign, re-seal)", async () => {
    const bob = address("patient2");
    const request = json<{ code: string }>(ok(await cli.run(["--as", "patient2", "--json", "patient", "request"])));
    const human = ok(
      await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Bob Nguyen", "--doctor", address("doctor2")]),
    );
    expect(human.stdout)
      .to.contain("Sealing the profile")
      .and.contain("Registering the patient")
      .and.contain("Assigning the doctor")
      .and.contain("Re-sealing the profile")
      .and.contain(`Registered Bob Nguyen (${bob}) as a patient.`);
    const seen = json<{ profile: { name: string }; doctors: string[] }>(ok(await cli.run(["--as", "doctor2", "--json", "patient", "show", bob])));
    expect(seen.profile.name).to.equal("Bob Nguyen");
    expect(seen.doctors).to.deep.equal([address("doctor2")]);
    const bad = await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Bob", "--doctor", "0x1234"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('The doctor "0x1234" is not an Ethereum address.');
  });
});
