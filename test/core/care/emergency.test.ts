import { expect } from "chai";
import { createWalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  allEmergencyAccesses,
  emergencyAccessesOf,
  emergencyPatientsOf,
  EMERGENCY_REASONS,
  openEmergencyAccess,
  parseEmergencyReason,
  type EmergencyReasonCode,
} from "#core/care/emergency.ts";
import { writeLedger } from "#core/contract/calls.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { appointRecordsCustodian } from "#core/custody/custodian.ts";
import { softwareKeystore, type CustodianKeystore } from "#core/custody/keystore.ts";
import { rewrapForReader } from "#core/custody/rewrap.ts";
import { devCustodianKey, devCustodianSecret } from "#core/dev/demoKeys.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { readReport, readReportSummaries } from "#core/reports/read.ts";
import { listReports } from "#core/reports/records.ts";
import { x25519 } from "@noble/curves/ed25519.js";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { advanceTime, issueReports, same, type IssuedReport } from "#test/support/sharing.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

const DAY = 24 * 60 * 60;

/** The expected failure, with its message. */
async function refused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}`),
    (e: unknown) => e as { code?: string; message: string },
  );
  expect(error.code, error.message).to.equal(code);
  expect(error.message).to.match(message);
}

describe("Emergency (break-glass) access: open, re-wrap by the custodian, read, expire, review", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let reports: IssuedReport[];
  let custodian: LedgerWriter;
  let keystore: CustodianKeystore;
  const id = (handle: string) => ids.get(handle)!;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    const admin = ledger.as("admin");
    custodian = {
      ...admin,
      walletClient: createWalletClient({ account: privateKeyToAccount(devCustodianKey()), chain: admin.walletClient.chain, transport: ledger.transport }),
    };
    keystore = softwareKeystore(custodian.walletClient.account.address, devCustodianSecret());
    await appointRecordsCustodian(admin, custodian, x25519.getPublicKey(devCustodianSecret()));
    reports = await issueReports(ledger, ipfs.store, 2, addressOf(ledger, "patient1"));
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("names every reason once, by code and CLI name", () => {
    expect(EMERGENCY_REASONS.map((r) => r.code)).to.deep.equal([1, 2, 3, 4]);
    expect(parseEmergencyReason("life-threatening").code).to.equal(2);
    expect(() => parseEmergencyReason("broken leg")).to.throw(/not an emergency reason/);
  });

  it("an unassigned doctor opens access, the custodian re-wraps the keys, the doctor reads the reports", async () => {
    const patient = addressOf(ledger, "patient1");
    const doctor2 = addressOf(ledger, "doctor2");
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")), "NO_ACCESS");
    const opened = await openEmergencyAccess(ledger.as("doctor2"), patient, 1);
    const block = await ledger.reader().publicClient.getBlock({ blockTag: "latest" });
    expect(opened).to.include({ patient, doctor: doctor2, until: Number(block.timestamp) + DAY });
    expect(opened.reason.name).to.equal("unable-to-consent");

    // Allowed by the chain, but no key until the custodian re-wraps it.
    await refused(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")), "NO_ACCESS", /not given you its key yet/);
    const records = await listReports(ledger.reader(), { patient });
    const outcome = await rewrapForReader(custodian, keystore, doctor2, records);
    expect([...outcome.rewrapped].sort()).to.deep.equal(reports.map((r) => r.reportId).sort());

    for (const report of reports) {
      expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id("doctor2"))).bytes, report.file)).to.equal(true);
    }
    const summaries = await readReportSummaries(ledger.reader(), ipfs.store, records, id("doctor2"));
    expect([...summaries.values()].filter((s) => s instanceof Error)).to.deep.equal([]);
    expect(await emergencyPatientsOf(ledger.reader(), doctor2)).to.deep.equal([
      { record: patient, patient, reason: opened.reason, at: Number(block.timestamp), until: opened.until },
    ]);
    // The custodian re-wraps for nobody the chain does not allow.
    const stranger = await rewrapForReader(custodian, keystore, addressOf(ledger, "stranger"), records);
    expect(stranger.rewrapped).to.deep.equal([]);
    expect(stranger.notAllowed).to.have.length(2);
  });

  it("refuses a non-doctor, an assigned doctor, an unregistered patient, no reason, and while paused", async () => {
    const patient = addressOf(ledger, "patient1");
    await refused(openEmergencyAccess(ledger.as("stranger"), patient, 2), "NO_ACCESS", /Only an active doctor/);
    await refused(openEmergencyAccess(ledger.as("receptionist1"), patient, 2), "NO_ACCESS", /Only an active doctor/);
    await refused(openEmergencyAccess(ledger.as("doctor1"), patient, 2), "INVALID_INPUT", /You are assigned to this patient, open their reports normally/);
    await refused(openEmergencyAccess(ledger.as("doctor2"), addressOf(ledger, "patient2"), 2), "INVALID_INPUT", /not a registered patient/);
    await refused(openEmergencyAccess(ledger.as("doctor2"), patient, 0 as EmergencyReasonCode), "INVALID_INPUT", /Choose why/);
    await writeLedger(ledger.as("admin"), "pause", []);
    try {
      await refused(openEmergencyAccess(ledger.as("doctor2"), patient, 2), "CONTRACT_REVERT", /paused/);
    } finally {
      await writeLedger(ledger.as("admin"), "unpause", []);
    }
    // The refusals recorded nothing.
    expect(await allEmergencyAccesses(ledger.reader())).to.have.length(1);
  });

  it("lists the access for the patient and for the administrator's review, newest first", async () => {
    const patient = addressOf(ledger, "patient1");
    const doctor2 = addressOf(ledger, "doctor2");
    const ofPatient = await emergencyAccessesOf(ledger.reader(), patient);
    expect(ofPatient).to.have.length(1);
    expect(ofPatient[0]).to.include({ record: patient, patient, doctor: doctor2, active: true });
    expect(ofPatient[0]!.reason.label).to.equal(EMERGENCY_REASONS[0]!.label);
    expect(ofPatient[0]!.until - ofPatient[0]!.at).to.equal(DAY);
    expect(await emergencyAccessesOf(ledger.reader(), addressOf(ledger, "patient2"))).to.deep.equal([]);
    // A second access (another reason, later) comes first in the review list.
    await advanceTime(ledger, 60);
    await openEmergencyAccess(ledger.as("doctor2"), patient, 4);
    const all = await allEmergencyAccesses(ledger.reader());
    expect(all.map((a) => a.reason.name)).to.deep.equal(["other-emergency", "unable-to-consent"]);
    expect(all[0]!.at).to.be.greaterThan(all[1]!.at);
    expect(all.every((a) => a.active)).to.equal(true);
  });

  it("ends with the chain's time: reading is refused with the end date, the lists say it ended", async () => {
    const patient = addressOf(ledger, "patient1");
    const doctor2 = addressOf(ledger, "doctor2");
    const [latest] = await emergencyAccessesOf(ledger.reader(), patient);
    await advanceTime(ledger, DAY + 1);
    const ended = new Date(latest!.until * 1000).toUTCString();
    await refused(
      readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")),
      "ACCESS_EXPIRED",
      new RegExp(`^Your emergency access to this patient ended on ${ended}\\.$`),
    );
    expect((await allEmergencyAccesses(ledger.reader())).map((a) => a.active)).to.deep.equal([false, false]);
    expect(await emergencyPatientsOf(ledger.reader(), doctor2)).to.deep.equal([]);
    // The patient and the issuing doctor still read as before.
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("patient1"))).bytes, reports[0]!.file)).to.equal(true);
  });
});
