/**
 * The records custodian (issue 12): a lost wallet recovered at the reception, the custodian's
 * worker delivering the report keys to the new wallet, to a guardian (also for later reports) and
 * releasing a held result when due — on the in-process Hardhat EVM with the embedded IPFS node.
 * And what the custodian's key must never do: open anything for an account the chain does not
 * allow, or act without leaving events on chain.
 */
import { expect } from "chai";
import type { Address, Hex } from "viem";
import { createWalletClient, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readLedger, writeLedger } from "#core/contract/calls.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { appointRecordsCustodian, carePolicyOf } from "#core/custody/custodian.ts";
import { softwareKeystore, type CustodianKeystore } from "#core/custody/keystore.ts";
import { rewrapForReader } from "#core/custody/rewrap.ts";
import { devCustodianKey, devCustodianSecret } from "#core/dev/demoKeys.ts";
import { unwrapKey } from "#core/crypto/keyWrap.ts";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { loadPatientProfile, currentProfileCid } from "#core/patients/profile.ts";
import { createRegistrationRequest } from "#core/patients/registration.ts";
import { recoverPatient, recoveryProgressOf } from "#core/patients/recovery.ts";
import { listPatients, patientsOfDoctor } from "#core/patients/patients.ts";
import { readReport } from "#core/reports/read.ts";
import { listReports } from "#core/reports/records.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { startCustodyWorker, type CustodyWorker } from "#server/custody/worker.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "#test/support/story.ts";

describe("The records custodian: recovery of a lost wallet, keys for guardians, held results released", function () {
  this.timeout(180_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let custodian: LedgerWriter;
  let keystore: CustodianKeystore;
  let worker: CustodyWorker;
  const reports: Hex[] = [];
  const id = (handle: string) => ids.get(handle)!;
  const upload = async (title: string, options: { held?: boolean; patient?: Address } = {}) => {
    const result = await uploadReport(ledger.as("doctor1"), ipfs.store, {
      file: await reportPdf(title),
      patient: options.patient ?? addressOf(ledger, "patient1"),
      held: options.held,
    });
    return result.reportId;
  };

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    const account = privateKeyToAccount(devCustodianKey());
    const reader = ledger.reader();
    custodian = { ...reader, walletClient: createWalletClient({ account, chain: reader.publicClient.chain, transport: ledger.transport }) };
    keystore = softwareKeystore(account.address, devCustodianSecret());
    await appointRecordsCustodian(ledger.as("admin"), custodian, keystore.publicKey);
    for (const handle of ["patient4", "patient5"]) {
      ids.set(handle, await unlockIdentity(ledger.as(handle).walletClient, ledger.deployment, ledger.as(handle)));
    }
    await ensureKeyPublished(ledger.as("patient5"), id("patient5"));
    reports.push(await upload("Blood count"), await upload("Chest X-ray"));
    // Long interval: the tests drive the worker pass by pass.
    worker = startCustodyWorker({ custodian, keystore, intervalMs: 3_600_000 });
  });
  after(async () => {
    await worker?.stop();
    await ipfs?.close();
    await ledger?.close();
  });

  it("every report key is wrapped for the custodian, and only the keystore opens that wrap", async () => {
    const { custodian: named } = await carePolicyOf(ledger.reader());
    expect(named).to.equal(keystore.account);
    const [log] = await getLedgerEvents(ledger.reader(), { eventName: "ReportRegistered", args: { reportId: undefined } }).then((logs) =>
      logs.filter((l) => l.args.reportId === reports[0]),
    );
    expect(log!.args.custodianKey).to.not.equal("0x");
    // The patient's secret does not open the custodian's wrap.
    expect(() => unwrapKey(hexToBytes(log!.args.custodianKey), id("patient1").secretKey, { reportId: reports[0]!, reader: keystore.account })).to.throw();
  });

  it("attack: the custodian's keystore re-wraps for nobody the chain does not allow (a stranger, another patient), and publishes nothing", async () => {
    const records = await listReports(ledger.reader(), { patient: addressOf(ledger, "patient1") });
    for (const handle of ["stranger", "patient5"]) {
      const outcome = await rewrapForReader(custodian, keystore, addressOf(ledger, handle), records);
      expect(outcome.notAllowed).to.have.members(reports);
      expect(outcome.rewrapped).to.deep.equal([]);
      expect(outcome.transactionHashes).to.deep.equal([]);
    }
    const delivered = await getLedgerEvents(ledger.reader(), { eventName: "KeysRewrappedByCustodian" });
    expect(delivered).to.deep.equal([]);
  });

  it("the reception moves a lost wallet's record to the new wallet; the custodian delivers every key; the old wallet opens nothing", async () => {
    const lost = addressOf(ledger, "patient1");
    const fresh = addressOf(ledger, "patient4");
    const request = await createRegistrationRequest(ledger.as("patient4"), ledger.as("patient4").walletClient, id("patient4"));
    const steps: string[] = [];
    const result = await recoverPatient(ledger.as("receptionist1"), ipfs.store, id("receptionist1"), lost, request, { onProgress: (s) => steps.push(s) });
    expect(steps).to.deep.equal(["checking", "sealing", "recovering", "done"]);
    expect(result).to.include({ previous: lost, successor: fresh, record: lost });
    // Before the custodian's pass, the new wallet is told plainly that its keys are on their way.
    expect(await recoveryProgressOf(ledger.reader(), fresh)).to.deep.equal({ reports: 2, readable: 0 });
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!, id("patient4")), "NO_ACCESS");

    const pass = await worker.runOnce();
    expect(pass.rewraps.find((r) => r.reader === fresh)?.rewrapped).to.have.members(reports);
    expect(await recoveryProgressOf(ledger.reader(), fresh)).to.deep.equal({ reports: 2, readable: 2 });
    for (const reportId of reports) {
      const opened = await readReport(ledger.reader(), ipfs.store, reportId, id("patient4"));
      expect(opened.record.patient).to.equal(fresh);
      expect(opened.bytes.length).to.be.greaterThan(0);
      await expectCode(readReport(ledger.reader(), ipfs.store, reportId, id("patient1")), "NO_ACCESS");
    }
    // The profile is sealed for the new key; lists name the new wallet, the doctor keeps the patient.
    const profile = await loadPatientProfile(ipfs.store, await currentProfileCid(ledger.reader(), fresh), id("patient4"));
    expect(profile.name).to.equal("Alice Martin");
    expect((await listPatients(ledger.reader())).map((p) => p.account))
      .to.include(fresh)
      .and.not.include(lost);
    expect(await patientsOfDoctor(ledger.reader(), addressOf(ledger, "doctor1"))).to.deep.equal([fresh]);
    // The custodian's delivery is public and attributed.
    const delivered = await getLedgerEvents(ledger.reader(), { eventName: "KeysRewrappedByCustodian", args: { reader: fresh } });
    expect(delivered.map((l) => l.args.count)).to.deep.equal([2n]);
    // A second pass delivers nothing twice.
    const again = await worker.runOnce();
    expect(again.rewraps.flatMap((r) => r.rewrapped)).to.deep.equal([]);
    // Nothing for the retired wallet, even asked directly.
    const records = await listReports(ledger.reader(), { patient: fresh });
    const refused = await rewrapForReader(custodian, keystore, lost, records);
    expect(refused.notAllowed).to.have.members(reports);
    // The retired wallet cannot be recovered to, nor registered again.
    await expectCode(
      recoverPatient(
        ledger.as("receptionist1"),
        ipfs.store,
        id("receptionist1"),
        fresh,
        await createRegistrationRequest(ledger.as("patient1"), ledger.as("patient1").walletClient, id("patient1")),
      ),
      "CONTRACT_REVERT",
    );
  });

  it("a guardian gets the keys of every report of the patient, also of a report registered later", async () => {
    const patient = addressOf(ledger, "patient4");
    const guardian = addressOf(ledger, "patient5");
    await writeLedger(ledger.as("receptionist1"), "appointGuardian", [patient, guardian, 0]);
    await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!, id("patient5")), "NO_ACCESS");
    await worker.runOnce();
    for (const reportId of reports) expect((await readReport(ledger.reader(), ipfs.store, reportId, id("patient5"))).bytes.length).to.be.greaterThan(0);
    const later = await upload("Discharge summary", { patient });
    await worker.runOnce();
    expect((await readReport(ledger.reader(), ipfs.store, later, id("patient5"))).record.reportId).to.equal(later);
    reports.push(later);
  });

  it("a result held for review is released by the custodian once the hospital's delay has passed, not before", async () => {
    const patient = addressOf(ledger, "patient4");
    await writeLedger(ledger.as("admin"), "setCarePolicy", [3600, 600]);
    const held = await upload("Biopsy", { held: true, patient });
    await expectCode(readReport(ledger.reader(), ipfs.store, held, id("patient4")), "RESULT_HELD");
    expect((await worker.runOnce()).released).to.deep.equal([]);
    const client = ledger.reader().publicClient;
    await client.request({ method: "evm_increaseTime" as never, params: [601] as never });
    await client.request({ method: "evm_mine" as never });
    expect((await worker.runOnce()).released).to.deep.equal([held]);
    expect((await readLedger(ledger.reader(), "getReport", [held])).heldUntil).to.equal(0);
    expect((await readReport(ledger.reader(), ipfs.store, held, id("patient4"))).record.reportId).to.equal(held);
    // Released, it reaches the guardian too.
    await worker.runOnce();
    expect((await readReport(ledger.reader(), ipfs.store, held, id("patient5"))).record.reportId).to.equal(held);
  });
});
