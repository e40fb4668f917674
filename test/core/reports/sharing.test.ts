import { expect } from "chai";
import { parseEventLogs } from "viem";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import { readLedger } from "#core/contract/calls.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { readReport } from "#core/reports/read.ts";
import {
  expiryOfDay,
  expirySeconds,
  listReadersOfPatient,
  listReportReaders,
  listSharesOfPatient,
  prepareShare,
  revokeAllShares,
  shareReport,
  shareReports,
} from "#core/reports/share.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { advanceTime, issueReports, same, type IssuedReport } from "#test/support/sharing.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

const DAY = 24 * 60 * 60;

describe("Sharing at scale: batches, expiry, revoke-all, the readers of a report", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let reports: IssuedReport[];
  const id = (handle: string) => ids.get(handle)!;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    reports = await issueReports(ledger, ipfs.store, 3, addressOf(ledger, "patient1"));
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("shares several reports with one reader in one transaction, until an expiry", async () => {
    const doctor2 = addressOf(ledger, "doctor2");
    const expiresAt = new Date(Date.now() + 30 * DAY * 1000);
    const result = await shareReports(ledger.as("patient1"), id("patient1"), {
      reader: doctor2,
      reports: [reports[0]!.reportId, reports[1]!.reportId],
      expiresAt,
    });
    expect(result.transactionHashes).to.have.length(1);
    expect(result.shared).to.deep.equal([reports[0]!.reportId, reports[1]!.reportId]);
    const receipt = await ledger.reader().publicClient.getTransactionReceipt({ hash: result.transactionHashes[0]! });
    expect(parseEventLogs({ abi: medLedgerAbi, logs: receipt.logs, eventName: "AccessGranted" })).to.have.length(2);
    for (const report of reports.slice(0, 2)) {
      expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id("doctor2"))).bytes, report.file)).to.equal(true);
    }
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[2]!.reportId, id("doctor2")), "NO_ACCESS");
    const seconds = Math.floor(expiresAt.getTime() / 1000);
    expect(await listReportReaders(ledger.reader(), reports[0]!.reportId)).to.deep.equal([{ reader: doctor2, status: "active", expiresAt: seconds }]);
  });

  it("shares all of a patient's reports, skipping those already shared, under the same expiry", async () => {
    const doctor2 = addressOf(ledger, "doctor2");
    const before = await listReportReaders(ledger.reader(), reports[0]!.reportId);
    const result = await shareReports(ledger.as("patient1"), id("patient1"), { reader: doctor2, reports: "all" });
    expect(result.shared).to.deep.equal([reports[2]!.reportId]);
    expect(result.expiresAt).to.equal(before[0]!.expiresAt);
    expect(await listReportReaders(ledger.reader(), reports[2]!.reportId)).to.deep.equal(before);
    expect([...result.alreadyShared].sort()).to.deep.equal([reports[0]!.reportId, reports[1]!.reportId].sort());
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[2]!.reportId, id("doctor2"))).bytes, reports[2]!.file)).to.equal(true);
    // Nothing left to share and no new expiry: no transaction.
    const again = await shareReports(ledger.as("patient1"), id("patient1"), { reader: doctor2, reports: "all" });
    expect(again.transactionHashes).to.deep.equal([]);
  });

  it("checks the reader has published a key, the date lies ahead and the reports are the patient's", async () => {
    await expectCode(shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "patient2"), reports: "all" }), "NO_ENCRYPTION_KEY");
    expect(() => expirySeconds(new Date(Date.now() - 1000), Math.floor(Date.now() / 1000))).to.throw(/not in the future/);
    expect(expiryOfDay("2027-06-30").toISOString()).to.equal("2027-07-01T00:00:00.000Z");
    for (const bad of ["2027-02-30", "30/06/2027", "2027-6-30", ""]) expect(() => expiryOfDay(bad), bad).to.throw(/is not a date/);
    await expectCode(
      shareReports(ledger.as("patient1"), id("patient1"), {
        reader: addressOf(ledger, "stranger"),
        reports: "all",
        expiresAt: new Date(Date.now() - DAY * 1000),
      }),
      "INVALID_INPUT",
    );
    await expectCode(shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "patient1"), reports: "all" }), "INVALID_INPUT");
    await expectCode(prepareShare(ledger.reader(), id("doctor1"), { reader: addressOf(ledger, "stranger"), reports: [reports[0]!.reportId] }), "NO_ACCESS");
    await expectCode(shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "stranger"), reports: [] }), "INVALID_INPUT");
  });

  it("changes or removes the end date of everything shared with a reader", async () => {
    const stranger = addressOf(ledger, "stranger");
    const until = new Date(Date.now() + 10 * DAY * 1000);
    await shareReports(ledger.as("patient1"), id("patient1"), { reader: stranger, reports: [reports[1]!.reportId], expiresAt: until });
    expect((await listReportReaders(ledger.reader(), reports[1]!.reportId)).find((r) => r.reader === stranger)?.expiresAt).to.equal(
      Math.floor(until.getTime() / 1000),
    );
    // Already shared: only the end date changes (an empty grant), here removed.
    const cleared = await shareReports(ledger.as("patient1"), id("patient1"), { reader: stranger, reports: [reports[1]!.reportId], expiresAt: null });
    expect(cleared.shared).to.deep.equal([]);
    expect(cleared.transactionHashes).to.have.length(1);
    expect((await listReportReaders(ledger.reader(), reports[1]!.reportId)).find((r) => r.reader === stranger)).to.deep.equal({
      reader: stranger,
      status: "active",
      expiresAt: null,
    });
    await revokeAllShares(ledger.as("patient1"), stranger);
  });

  it("lets access expire, then revokes everything shared with a reader at once", async () => {
    const stranger = addressOf(ledger, "stranger");
    const doctor2 = addressOf(ledger, "doctor2");
    await shareReport(ledger.as("patient1"), reports[0]!.reportId, stranger, id("patient1"));
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("stranger"))).bytes, reports[0]!.file)).to.equal(true);

    await advanceTime(ledger, 31 * DAY);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")), "ACCESS_EXPIRED");
    const readers = await listReportReaders(ledger.reader(), reports[0]!.reportId);
    expect(readers.map((r) => [r.reader, r.status])).to.deep.equal([
      [doctor2, "expired"],
      [stranger, "active"],
    ]);
    await expectSameReaders();

    // A new share after the expiry starts afresh (the expired grants never come back).
    await shareReports(ledger.as("patient1"), id("patient1"), { reader: doctor2, reports: [reports[1]!.reportId] });
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2"))).bytes, reports[1]!.file)).to.equal(true);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")), "ACCESS_REVOKED");

    await revokeAllShares(ledger.as("patient1"), doctor2);
    for (const report of reports) {
      expect((await readLedger(ledger.reader(), "grantOf", [report.reportId, doctor2]))[0]).to.equal(0);
    }
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2")), "ACCESS_REVOKED");
    expect((await listReportReaders(ledger.reader(), reports[1]!.reportId)).map((r) => r.reader)).to.deep.equal([]);
    const history = await listSharesOfPatient(ledger.reader(), addressOf(ledger, "patient1"));
    for (const report of reports) expect(history.get(report.reportId)?.find((s) => s.reader === doctor2)?.active, report.reportId).to.equal(false);
    expect(history.get(reports[0]!.reportId)?.find((s) => s.reader === stranger)?.active).to.equal(true);
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("stranger"))).bytes, reports[0]!.file)).to.equal(true);
    await expectCode(revokeAllShares(ledger.as("patient1"), addressOf(ledger, "patient1")), "INVALID_INPUT");
    await expectSameReaders();
  });

  /** The readers of every report at once are those of each report asked alone (expired kept, revoked and lapsed left out). */
  async function expectSameReaders(): Promise<void> {
    const all = await listReadersOfPatient(ledger.reader(), addressOf(ledger, "patient1"));
    for (const report of reports) {
      const alone = await listReportReaders(ledger.reader(), report.reportId);
      const byReader = (list: readonly { reader: string }[]) => [...list].sort((a, b) => a.reader.localeCompare(b.reader));
      expect(byReader(all.get(report.reportId) ?? []), report.reportId).to.deep.equal(byReader(alone));
    }
  }
});
