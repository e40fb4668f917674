import { expect } from "chai";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { readReport } from "#core/reports/read.ts";
import { rekeyReport, revokeAndRekey } from "#core/reports/rekey.ts";
import { getReportRecord } from "#core/reports/records.ts";
import { shareReports } from "#core/reports/share.ts";
import { currentVersion, readerKeyOf } from "#core/reports/versions.ts";
import { unwrapKey } from "#core/crypto/keyWrap.ts";
import { decryptReport } from "#core/crypto/reportCipher.ts";
import { hexToBytes } from "viem";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { issueReports, same, type IssuedReport } from "#test/support/sharing.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

describe("Revoke and re-key: the next version opens for the remaining readers only", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let report: IssuedReport;
  const id = (handle: string) => ids.get(handle)!;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    report = (await issueReports(ledger, ipfs.store, 1, addressOf(ledger, "patient1")))[0]!;
    await shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "doctor2"), reports: [report.reportId] });
    await shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "stranger"), reports: [report.reportId] });
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("revokes a reader and re-encrypts: the revoked reader's old key opens nothing new, the old CID is unpinned", async () => {
    const record = await getReportRecord(ledger.reader(), report.reportId);
    // What the reader could have kept: the report key of version 0.
    const kept = unwrapKey(hexToBytes((await readerKeyOf(ledger.reader(), record, addressOf(ledger, "stranger"))).wrappedKey), id("stranger").secretKey, {
      reportId: report.reportId,
      reader: addressOf(ledger, "stranger"),
    });
    const steps: string[] = [];
    const result = await revokeAndRekey(ledger.as("patient1"), ipfs.store, report.reportId, addressOf(ledger, "stranger"), id("patient1"), {
      onProgress: (step) => steps.push(step),
    });
    expect(steps).to.deep.equal(["decrypting", "encrypting", "uploading", "signing", "unpinning", "done"]);
    expect(result.version).to.equal(1);
    expect(result.readers).to.deep.equal([addressOf(ledger, "doctor2")]);
    expect(result.previousCid).to.equal(record.cid);
    expect(result.unpinned).to.equal(true);
    expect(await ipfs.helia.isPinned(record.cid)).to.equal(false);
    expect(await ipfs.helia.isPinned(result.cid)).to.equal(true);
    // Unpinning is idempotent through the Kubo RPC endpoint ("not pinned" → false).
    expect(await ipfs.store.unpin!(record.cid)).to.equal(false);
    expect((await currentVersion(ledger.reader(), record)).cid).to.equal(result.cid);

    await expectCode(readReport(ledger.reader(), ipfs.store, report.reportId, id("stranger")), "ACCESS_REVOKED");
    await expectCode(decryptReport(await ipfs.store.cat(result.cid), kept, report.reportId), "TAMPERED_CIPHERTEXT");
    for (const handle of ["patient1", "doctor1", "doctor2"]) {
      expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id(handle))).bytes, report.file), handle).to.equal(true);
    }
  });

  it("lets the issuing doctor re-key too, and refuses anyone else", async () => {
    const result = await rekeyReport(ledger.as("doctor1"), ipfs.store, report.reportId, id("doctor1"));
    expect(result.version).to.equal(2);
    for (const handle of ["patient1", "doctor1", "doctor2"]) {
      expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id(handle))).bytes, report.file), handle).to.equal(true);
    }
    await expectCode(rekeyReport(ledger.as("doctor2"), ipfs.store, report.reportId, id("doctor2")), "NO_ACCESS");
    // A reader shared with after the re-key gets the current version's key.
    await shareReports(ledger.as("patient1"), id("patient1"), { reader: addressOf(ledger, "stranger"), reports: [report.reportId] });
    expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id("stranger"))).bytes, report.file)).to.equal(true);
  });
});
