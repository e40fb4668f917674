/**
 * Guardians end to end on a real EVM and a real IPFS node: a patient appoints a guardian, the
 * hospital's records custodian re-wraps the report keys for them, the guardian reads, shares with a
 * doctor in the patient's name (attributed to the guardian by ActedAsGuardian) and stops sharing;
 * a reception-appointed guardianship with an end date that the patient cannot end, and that ends by
 * its date (chain time travel); every refusal the core explains before a wallet prompt.
 */
import { expect } from "chai";
import { createWalletClient, parseEventLogs, toFunctionSelector, type Address, type Hash } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  appointGuardian,
  endGuardianship,
  guardianSender,
  guardianshipEndOfDay,
  guardianStateOf,
  listGuardians,
  listPatientsOfGuardian,
} from "#core/care/guardians.ts";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { appointRecordsCustodian } from "#core/custody/custodian.ts";
import { softwareKeystore, type CustodianKeystore } from "#core/custody/keystore.ts";
import { rewrapForReader } from "#core/custody/rewrap.ts";
import { devCustodianKey, devCustodianSecret } from "#core/dev/demoKeys.ts";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { readReport, readReportSummaries } from "#core/reports/read.ts";
import { listReports } from "#core/reports/records.ts";
import { revokeAllShares, revokeShare, shareReports } from "#core/reports/share.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { advanceTime, issueReports, same, type IssuedReport } from "#test/support/sharing.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

const DAY = 24 * 60 * 60;

describe("Guardians: appointed, given the keys by the custodian, reading and sharing for the patient", function () {
  this.timeout(180_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let reports: IssuedReport[];
  let custodian: LedgerWriter;
  let keystore: CustodianKeystore;
  const id = (handle: string) => ids.get(handle)!;
  let patient: Address;
  let guardian: Address;
  let parent: Address;
  let doctor2: Address;

  async function receiptEvents(hash: Hash) {
    const receipt = await ledger.reader().publicClient.getTransactionReceipt({ hash });
    return receipt.logs;
  }

  /** The custodian (as the server's worker does) re-wraps all of the patient's report keys for `reader`. */
  async function deliverKeys(reader: Address) {
    return rewrapForReader(custodian, keystore, reader, await listReports(ledger.reader(), { patient }));
  }

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    const template = ledger.as("admin");
    custodian = {
      ...template,
      walletClient: createWalletClient({ account: privateKeyToAccount(devCustodianKey()), chain: template.walletClient.chain, transport: ledger.transport }),
    };
    keystore = softwareKeystore(custodian.walletClient.account.address, devCustodianSecret());
    await appointRecordsCustodian(ledger.as("admin"), custodian, keystore.publicKey);
    // A parent's account (not a patient): only a published key.
    const parentIdentity = await unlockIdentity(ledger.as("patient4").walletClient, ledger.deployment, ledger.as("patient4"));
    await ensureKeyPublished(ledger.as("patient4"), parentIdentity);
    ids.set("patient4", parentIdentity);
    patient = addressOf(ledger, "patient1");
    guardian = addressOf(ledger, "stranger");
    parent = addressOf(ledger, "patient4");
    doctor2 = addressOf(ledger, "doctor2");
    reports = await issueReports(ledger, ipfs.store, 2, patient);
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("refuses a stranger appointing, the patient as their own guardian, a past date, a guardian without a key, a non-patient", async () => {
    await expectCode(appointGuardian(ledger.as("doctor2"), { patient, guardian }), "NO_ACCESS");
    await expectCode(appointGuardian(ledger.as("stranger"), { patient, guardian }), "NO_ACCESS");
    await expectCode(appointGuardian(ledger.as("patient1"), { patient, guardian: patient }), "INVALID_INPUT");
    await expectCode(appointGuardian(ledger.as("receptionist1"), { patient, guardian: patient }), "INVALID_INPUT");
    await expectCode(appointGuardian(ledger.as("patient1"), { patient, guardian, until: new Date(Date.now() - DAY * 1000) }), "INVALID_INPUT");
    await expectCode(appointGuardian(ledger.as("patient1"), { patient, guardian: addressOf(ledger, "patient5") }), "NO_ENCRYPTION_KEY");
    await expectCode(appointGuardian(ledger.as("receptionist1"), { patient: addressOf(ledger, "patient2"), guardian }), "INVALID_INPUT");
    await expectCode(endGuardianship(ledger.as("patient1"), patient, guardian), "INVALID_INPUT");
    expect(await listGuardians(ledger.reader(), patient)).to.deep.equal([]);
    // Nothing was sent: no appointment event at all.
    expect(
      await ledger
        .reader()
        .publicClient.getContractEvents({ address: ledger.deployment.address, abi: medLedgerAbi, eventName: "GuardianAppointed", fromBlock: 0n }),
    ).to.have.length(0);
  });

  it("the patient appoints a guardian, who reads the reports once the custodian re-wrapped their keys", async () => {
    const { hash } = await appointGuardian(ledger.as("patient1"), { patient, guardian });
    const [appointed] = parseEventLogs({ abi: medLedgerAbi, logs: await receiptEvents(hash), eventName: "GuardianAppointed" });
    expect(appointed!.args).to.deep.include({ record: patient, guardian, by: patient, byReception: false });
    expect(await guardianStateOf(ledger.reader(), patient, guardian)).to.deep.equal({ active: true, until: null, byReception: false });
    const [listed] = await listGuardians(ledger.reader(), patient);
    expect(listed).to.deep.equal({ patient, record: patient, guardian, until: null, byReception: false, appointedBy: patient });
    expect(await listPatientsOfGuardian(ledger.reader(), guardian)).to.deep.equal([listed]);

    // The chain allows it, but no key was delivered yet.
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("stranger")), "NO_ACCESS");
    const delivered = await deliverKeys(guardian);
    expect([...delivered.rewrapped].sort()).to.deep.equal(reports.map((r) => r.reportId).sort());
    expect((await deliverKeys(guardian)).alreadyDelivered, "idempotent").to.have.length(2);
    for (const report of reports) {
      expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id("stranger"))).bytes, report.file)).to.equal(true);
    }
    const summaries = await readReportSummaries(ledger.reader(), ipfs.store, await listReports(ledger.reader(), { patient }), id("stranger"));
    // The list heads open with the guardian's keys too (these reports carry no title: null, not an error).
    expect([...summaries.values()]).to.deep.equal([null, null]);
  });

  it("the guardian shares with a doctor in the patient's name, attributed to the guardian, and stops sharing", async () => {
    const send = guardianSender(ledger.as("stranger"), patient);
    const shared = await shareReports(ledger.as("stranger"), id("stranger"), { reader: doctor2, reports: [reports[0]!.reportId], forPatient: patient }, send);
    expect(shared.shared).to.deep.equal([reports[0]!.reportId]);
    const logs = await receiptEvents(shared.transactionHashes[0]!);
    const [acted] = parseEventLogs({ abi: medLedgerAbi, logs, eventName: "ActedAsGuardian" });
    expect(acted!.args).to.deep.equal({ patient, guardian, action: toFunctionSelector("grantAccessAsGuardian(address,(address,bytes32[],bytes[],uint40))") });
    const [granted] = parseEventLogs({ abi: medLedgerAbi, logs, eventName: "AccessGranted" });
    expect(granted!.args).to.deep.include({ reportId: reports[0]!.reportId, patient, reader: doctor2 });
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2"))).bytes, reports[0]!.file)).to.equal(true);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2")), "NO_ACCESS");

    // Not with the patient or the guardian themselves.
    await expectCode(shareReports(ledger.as("stranger"), id("stranger"), { reader: patient, reports: "all", forPatient: patient }, send), "INVALID_INPUT");
    await expectCode(shareReports(ledger.as("stranger"), id("stranger"), { reader: guardian, reports: "all", forPatient: patient }, send), "INVALID_INPUT");

    const revoked = await revokeShare(ledger.as("stranger"), reports[0]!.reportId, doctor2, send);
    const [actedRevoke] = parseEventLogs({ abi: medLedgerAbi, logs: await receiptEvents(revoked), eventName: "ActedAsGuardian" });
    expect(actedRevoke!.args).to.deep.equal({ patient, guardian, action: toFunctionSelector("revokeAccessAsGuardian(address,bytes32,address)") });
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")), "ACCESS_REVOKED");

    // Everything at once: share all, stop all.
    await shareReports(ledger.as("stranger"), id("stranger"), { reader: doctor2, reports: "all", forPatient: patient }, send);
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2"))).bytes, reports[1]!.file)).to.equal(true);
    await revokeAllShares(ledger.as("stranger"), doctor2, send);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2")), "ACCESS_REVOKED");
    // Re-encrypting stays with the patient.
    await expectCode(
      send({
        kind: "rekey",
        rekey: { reportId: reports[0]!.reportId, cid: "0x01", patientKey: "0x01", doctorKey: "0x01", custodianKey: "0x01", readers: [], readerKeys: [] },
      }),
      "NO_ACCESS",
    );
  });

  it("the patient ends the guardianship they appointed: the guardian no longer reads or shares", async () => {
    await endGuardianship(ledger.as("patient1"), patient, guardian);
    expect((await guardianStateOf(ledger.reader(), patient, guardian)).active).to.equal(false);
    expect(await listGuardians(ledger.reader(), patient)).to.deep.equal([]);
    expect(await listPatientsOfGuardian(ledger.reader(), guardian)).to.deep.equal([]);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("stranger")), "NO_ACCESS");
    const send = guardianSender(ledger.as("stranger"), patient);
    await expectCode(shareReports(ledger.as("stranger"), id("stranger"), { reader: doctor2, reports: "all", forPatient: patient }, send), "NO_ACCESS");
  });

  it("the reception appoints a guardian until a date: the patient cannot end it, the date does", async () => {
    const until = guardianshipEndOfDay(new Date((Math.floor(Date.now() / 1000) + 10 * DAY) * 1000).toISOString().slice(0, 10));
    const { hash } = await appointGuardian(ledger.as("receptionist1"), { patient, guardian: parent, until });
    const [appointed] = parseEventLogs({ abi: medLedgerAbi, logs: await receiptEvents(hash), eventName: "GuardianAppointed" });
    expect(appointed!.args).to.deep.include({ guardian: parent, by: addressOf(ledger, "receptionist1"), byReception: true, until: until.getTime() / 1000 });
    expect((await listGuardians(ledger.reader(), patient)).map((g) => [g.guardian, g.byReception, g.until])).to.deep.equal([
      [parent, true, until.getTime() / 1000],
    ]);

    try {
      await endGuardianship(ledger.as("patient1"), patient, parent);
      expect.fail("the patient ended a reception-appointed guardianship");
    } catch (error) {
      expect((error as { code?: string }).code).to.equal("NO_ACCESS");
      expect((error as Error).message).to.equal("The reception appointed this guardian; ask the reception to end it.");
    }
    await deliverKeys(parent);
    expect(same((await readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("patient4"))).bytes, reports[1]!.file)).to.equal(true);

    await advanceTime(ledger, 11 * DAY);
    expect((await guardianStateOf(ledger.reader(), patient, parent)).active).to.equal(false);
    expect(await listGuardians(ledger.reader(), patient)).to.deep.equal([]);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("patient4")), "NO_ACCESS");
  });

  it("the reception ends any guardianship, also one the patient appointed", async () => {
    await appointGuardian(ledger.as("patient1"), { patient, guardian });
    await endGuardianship(ledger.as("receptionist1"), patient, guardian);
    expect((await guardianStateOf(ledger.reader(), patient, guardian)).active).to.equal(false);
    await expectCode(endGuardianship(ledger.as("doctor2"), patient, guardian), "NO_ACCESS");
  });
});
