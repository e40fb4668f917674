import { expect } from "chai";
import { bytesToHex } from "viem";
import { sendAction } from "#core/contract/actions.ts";
import { readLedger } from "#core/contract/calls.ts";
import { publishedKeyOf, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { finishRotation, REWRAP_BATCH_SIZE, rotateEncryptionKey } from "#core/identity/rotation.ts";
import { readReport } from "#core/reports/read.ts";
import { rekeyReport } from "#core/reports/rekey.ts";
import { shareReports } from "#core/reports/share.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { issueReports, same, type IssuedReport } from "#test/support/sharing.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

describe("Key rotation: a new key, and everything re-wrapped for it", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let reports: IssuedReport[];
  const id = (handle: string) => ids.get(handle)!;
  const reads = async (report: IssuedReport, identity: EncryptionIdentity) =>
    same((await readReport(ledger.reader(), ipfs.store, report.reportId, identity)).bytes, report.file);

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    reports = await issueReports(ledger, ipfs.store, 3, addressOf(ledger, "patient1"));
    await shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "doctor2"), reports: [reports[0]!.reportId, reports[1]!.reportId] });
    // One report at a later version: its current keys come from the re-key, not the registration.
    await rekeyReport(ledger.as("patient1"), ipfs.store, reports[1]!.reportId, id("patient1"));
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("rotates the patient's key; the patient reads every report with the new key only", async () => {
    const steps: string[] = [];
    const result = await rotateEncryptionKey(ledger.as("patient1"), { onProgress: (step) => steps.push(step) });
    expect(result.previousVersion).to.equal(1);
    expect(result.keyVersion).to.equal(2);
    expect(steps).to.deep.equal(["unlocking", "publishing", "collecting", "rewrapping", "done"]);
    expect([...result.rewrapped].sort()).to.deep.equal(reports.map((r) => r.reportId).sort());
    expect(await readLedger(ledger.reader(), "keyVersionOf", [addressOf(ledger, "patient1")])).to.equal(2);
    expect(bytesToHex((await publishedKeyOf(ledger.reader(), addressOf(ledger, "patient1")))!)).to.equal(bytesToHex(result.identity.publicKey));
    // Unlocking now gives the new key (the current version), which reads everything.
    const unlocked = await unlockIdentity(ledger.as("patient1").walletClient, ledger.deployment, ledger.as("patient1"));
    expect(bytesToHex(unlocked.publicKey)).to.equal(bytesToHex(result.identity.publicKey));
    for (const report of reports) expect(await reads(report, result.identity)).to.equal(true);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("patient1")), "WRONG_KEY");
    // The other readers are not affected, and the patient shares with the new key.
    expect(await reads(reports[0]!, id("doctor2"))).to.equal(true);
    await shareReports(ledger.as("patient1"), result.identity, { reader: addressOf(ledger, "doctor2"), reports: [reports[2]!.reportId] });
    expect(await reads(reports[2]!, id("doctor2"))).to.equal(true);
    ids.set("patient1", result.identity);
  });

  it("rotates a grantee's key: the shared reports open with it", async () => {
    const result = await rotateEncryptionKey(ledger.as("doctor2"));
    expect([...result.rewrapped].sort()).to.deep.equal(reports.map((r) => r.reportId).sort());
    for (const report of reports) expect(await reads(report, result.identity)).to.equal(true);
  });

  it("finishes an interrupted rotation of the issuing doctor (published, nothing re-wrapped yet)", async () => {
    const doctor = ledger.as("doctor1");
    const next = await unlockIdentity(doctor.walletClient, ledger.deployment, undefined, 2);
    await sendAction(doctor, { kind: "encryptionKey", key: bytesToHex(next.publicKey), version: 2 });
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, next), "WRONG_KEY");
    const finished = await finishRotation(doctor);
    expect(finished.rewrapped).to.have.length(3);
    expect(finished.transactionHashes).to.have.length(1);
    for (const report of reports) expect(await reads(report, next)).to.equal(true);
    // Nothing left to do the second time.
    expect((await finishRotation(doctor)).rewrapped).to.deep.equal([]);
    expect(REWRAP_BATCH_SIZE).to.be.greaterThan(1);
  });

  it("refuses to rotate an account that has no key", async () => {
    await expectCode(rotateEncryptionKey(ledger.as("patient2")), "NO_ENCRYPTION_KEY");
  });
});
