import { expect } from "chai";
import type { Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import { carePolicyOf } from "#core/custody/custodian.ts";
import { softwareKeystore } from "#core/custody/keystore.ts";
import { releaseDueReports } from "#core/custody/rewrap.ts";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { readReport, readReportSummaries } from "#core/reports/read.ts";
import { getReportRecord, listReports } from "#core/reports/records.ts";
import { heldReportsOf, releaseReport } from "#core/reports/release.ts";
import { shareReports } from "#core/reports/share.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { setStaffActive } from "#core/staff/staff.ts";
import { verifyReport } from "#core/verify/verify.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { advanceTime, same } from "#test/support/sharing.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "#test/support/story.ts";

const DAY = 24 * 60 * 60;

describe("Results held for review: recorded at once, opened by the patient once released", function () {
  this.timeout(180_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  const id = (handle: string) => ids.get(handle)!;
  const patient = () => addressOf(ledger, "patient1");

  /** A held result by doctor1 for patient1: its id and the issued bytes. */
  async function uploadHeld(text: string): Promise<{ reportId: Hex; issued: Uint8Array }> {
    const file = await reportPdf(text);
    const { reportId, prepared } = await uploadReport(ledger.as("doctor1"), ipfs.store, {
      file,
      patient: patient(),
      held: true,
      metadata: { title: `Biopsy ${text}`, kind: "lab", dateOfService: "2026-11-30" },
    });
    return { reportId, issued: prepared.issuedFile! };
  }

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    // The hospital's records custodian (what server/custody/ runs), with its published key.
    const custodian = ledger.as("receptionist2");
    const custodianId = await unlockIdentity(custodian.walletClient, ledger.deployment, custodian);
    await ensureKeyPublished(custodian, custodianId);
    ids.set("custodian", custodianId);
    await writeLedger(ledger.as("admin"), "setRecordsCustodian", [custodian.walletClient.account.address]);
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("a held result verifies at once, the patient is told when it opens; the doctor releases it and the patient reads it", async () => {
    const { reportId, issued } = await uploadHeld("held then released");
    const record = await getReportRecord(ledger.reader(), reportId);
    const { releaseDelaySeconds } = await carePolicyOf(ledger.reader());
    expect(releaseDelaySeconds).to.equal(3 * DAY);
    expect(record.heldUntil).to.equal(record.registeredAt + 3 * DAY);
    expect(record.patientKey).to.equal("0x");
    expect((await verifyReport(ledger.reader(), { kind: "file", file: issued })).status).to.equal("genuine");

    // The patient: no key yet, a plain refusal naming the date; the list says the same, not "not shared".
    const refused = readReport(ledger.reader(), ipfs.store, reportId, id("patient1"));
    await expectCode(refused, "RESULT_HELD");
    await refused.catch((error: Error) => expect(error.message).to.contain("being reviewed by your doctor").and.contain("released on 20"));
    const summaries = await readReportSummaries(ledger.reader(), ipfs.store, [record], id("patient1"));
    expect((summaries.get(reportId) as { code?: string }).code).to.equal("RESULT_HELD");
    // The doctor opens it meanwhile (their own key), and lists it as held.
    expect(same((await readReport(ledger.reader(), ipfs.store, reportId, id("doctor1"))).bytes, issued)).to.equal(true);
    expect((await heldReportsOf(ledger.reader(), addressOf(ledger, "doctor1"))).map((r) => r.reportId)).to.deep.equal([reportId]);

    const released = await releaseReport(ledger.as("doctor1"), reportId, id("doctor1"));
    expect(released.patient).to.equal(patient());
    const events = await ledger.reader().publicClient.getContractEvents({
      address: ledger.deployment.address,
      abi: (await import("#core/contract/generated/medLedger.ts")).medLedgerAbi,
      eventName: "ReportReleased",
      args: { reportId },
      fromBlock: 0n,
    });
    expect(events.map((e) => e.args.by)).to.deep.equal([addressOf(ledger, "doctor1")]);
    expect((await getReportRecord(ledger.reader(), reportId)).heldUntil).to.equal(null);
    const opened = await readReport(ledger.reader(), ipfs.store, reportId, id("patient1"));
    expect(same(opened.bytes, issued)).to.equal(true);
    expect(opened.summary?.title).to.equal("Biopsy held then released");
    expect(await heldReportsOf(ledger.reader(), addressOf(ledger, "doctor1"))).to.deep.equal([]);
  });

  it("automatic release: past the hospital's delay the records custodian releases it (by the chain's clock) and the patient reads it", async () => {
    const { reportId, issued } = await uploadHeld("released by the delay");
    const keystore = softwareKeystore(addressOf(ledger, "receptionist2"), id("custodian").secretKey);
    const custodian = ledger.as("receptionist2");
    // Not due yet: nothing happens.
    expect((await releaseDueReports(custodian, keystore, await listReports(ledger.reader(), { patient: patient() }))).released).to.deep.equal([]);
    await expectCode(readReport(ledger.reader(), ipfs.store, reportId, id("patient1")), "RESULT_HELD");

    await advanceTime(ledger, 3 * DAY + 60);
    const outcome = await releaseDueReports(custodian, keystore, await listReports(ledger.reader(), { patient: patient() }));
    expect(outcome.released).to.deep.equal([reportId]);
    expect(same((await readReport(ledger.reader(), ipfs.store, reportId, id("patient1"))).bytes, issued)).to.equal(true);
  });

  it("refuses plainly: another doctor, a result already released, one never held; sharing skips (or refuses) a held result", async () => {
    const { reportId } = await uploadHeld("refusals");
    await expectCode(releaseReport(ledger.as("doctor2"), reportId, id("doctor2")), "NO_ACCESS");
    await releaseReport(ledger.as("doctor1"), reportId, id("doctor1"));
    const again = releaseReport(ledger.as("doctor1"), reportId, id("doctor1"));
    await expectCode(again, "INVALID_INPUT");
    await again.catch((error: Error) => expect(error.message).to.equal("This result was already released: the patient can open it."));

    const plain = await uploadReport(ledger.as("doctor1"), ipfs.store, { file: await reportPdf("never held"), patient: patient() });
    const notHeld = releaseReport(ledger.as("doctor1"), plain.reportId, id("doctor1"));
    await expectCode(notHeld, "INVALID_INPUT");
    await notHeld.catch((error: Error) => expect(error.message).to.contain("not held for review"));

    // Sharing: "all" leaves out what the patient cannot open yet; naming a held result is refused with the same words.
    const held = await uploadHeld("not shareable yet");
    const shared = await shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "doctor2"), reports: "all" });
    expect(shared.shared).to.include(plain.reportId).and.not.include(held.reportId);
    await expectCode(shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "doctor2"), reports: [held.reportId] }), "RESULT_HELD");
  });

  it("with no automatic delay only the doctor releases it; a deactivated doctor is refused plainly", async () => {
    await writeLedger(ledger.as("admin"), "setCarePolicy", [24 * 60 * 60, 0]);
    const { reportId } = await uploadHeld("doctor only");
    const record = await getReportRecord(ledger.reader(), reportId);
    expect(record.heldUntil).to.equal(Number.POSITIVE_INFINITY);
    const refused = readReport(ledger.reader(), ipfs.store, reportId, id("patient1"));
    await refused.catch((error: Error) => expect(error.message).to.contain("released when your doctor releases it"));
    await advanceTime(ledger, 90 * DAY);
    const keystore = softwareKeystore(addressOf(ledger, "receptionist2"), id("custodian").secretKey);
    expect((await releaseDueReports(ledger.as("receptionist2"), keystore, [record])).released).to.deep.equal([]);

    await setStaffActive(ledger.as("admin"), addressOf(ledger, "doctor1"), false);
    const deactivated = releaseReport(ledger.as("doctor1"), reportId, id("doctor1"));
    await expectCode(deactivated, "NO_ACCESS");
    await deactivated.catch((error: Error) => expect(error.message).to.contain("deactivated"));
    await setStaffActive(ledger.as("admin"), addressOf(ledger, "doctor1"), true);
    await releaseReport(ledger.as("doctor1"), reportId, id("doctor1"));
    await readReport(ledger.reader(), ipfs.store, reportId, id("patient1"));
  });
});
