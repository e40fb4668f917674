/**
 * The indexer against a real chain: the local stack (anvil, MedLedger, demo data) starts Ponder;
 * its pages are compared with the chain's own event reads (no duplicates, no gaps, newest first),
 * its input validation is exercised over HTTP, a listed report is checked against the contract,
 * issue 12's lists (a recovered patient's record under the successor, held results, emergency
 * accesses, guardians, the new events in the timeline) are checked on chain row by row, and a
 * reorganisation (evm_snapshot / evm_revert, then new blocks) drops the reverted rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import pg from "pg";
import { privateKeyToAccount, mnemonicToAccount } from "viem/accounts";
import { createPublicClient, http, keccak256, toHex, zeroHash, type Hex, type LocalAccount } from "viem";
import { readLedger, writeLedger, type WriteResult } from "#core/contract/calls.ts";
import { chainTime } from "#core/contract/clock.ts";
import { keyBindingTypedData } from "#core/contract/keyBinding.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import { DEV_MNEMONIC, findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount, devCustodianKey } from "#core/dev/demoKeys.ts";
import { isMedLedgerError } from "#core/errors.ts";
import {
  checkIndexedEmergencies,
  checkIndexedEmergency,
  checkIndexedGrant,
  checkIndexedGrants,
  checkIndexedGuardian,
  checkIndexedGuardians,
  checkIndexedPatient,
  checkIndexedPatients,
  checkIndexedReport,
  checkIndexedReports,
} from "#core/indexer/check.ts";
import { allPages, createIndexerClient, waitForIndexer, type IndexerClient } from "#core/indexer/client.ts";
import { cidToHex } from "#core/ipfs/cid.ts";
import { claimIdOf } from "#core/reports/claimId.ts";
import { checkedStaff } from "#core/indexer/staff.ts";
import { listedRecord } from "#core/indexer/listed.ts";
import { MAX_PAGE_SIZE } from "#core/indexer/wire.ts";
import { listStaff } from "#core/staff/staff.ts";
import { listPatients, patientsOfDoctor } from "#core/patients/patients.ts";
import { listReports } from "#core/reports/records.ts";
import { listReadersOfPatient } from "#core/reports/share.ts";
import { createLedgerReader, createLedgerWriter } from "#core/node/clients.ts";
import { startLocalStack, type LocalStack } from "#local-stack/index.ts";
import { indexerSchemaOf } from "#local-stack/indexer.ts";
import { freePort } from "#local-stack/processes.ts";
import { BACKENDS, POSTGRES_URL, scratchPostgres, type TestBackend } from "../support/server.ts";

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every run of the stack in one suite: the same backend, a fresh data folder each. */
async function stackOn(backend: TestBackend, database: string | undefined, seed = true): Promise<{ stack: LocalStack; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-indexer-"));
  const stack = await startLocalStack({
    rpcPort: await freePort(),
    ipfsPort: await freePort(),
    indexerPort: await freePort(),
    dataDir,
    seed,
    web: false,
    writeDeploymentFile: false,
    // PGlite: no DATABASE_URL even when the environment has one; PostgreSQL: a throw-away database of its server.
    env: { ...process.env, DATABASE_URL: backend === "postgres" ? database : "" },
  });
  return { stack, dataDir };
}

async function schemasOf(url: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const rows = await admin.query<{ name: string }>(
      "select schema_name as name from information_schema.schemata where schema_name like 'medledger%' order by 1",
    );
    return rows.rows.map((r) => r.name);
  } finally {
    await admin.end();
  }
}

for (const backend of BACKENDS) {
  describe(`indexer (Ponder) on a real chain [${backend === "postgres" ? "PostgreSQL" : "PGlite"}]`, function () {
    this.timeout(240_000);
    let dataDir: string;
    let stack: LocalStack;
    let client: IndexerClient;
    let scratch: Awaited<ReturnType<typeof scratchPostgres>> | undefined;
    const config = () => ({ rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: 1 });

    before(async () => {
      console.log(
        backend === "postgres"
          ? "      [test/indexer] Ponder's database: PostgreSQL (a throw-away database on the server of DATABASE_URL)"
          : `      [test/indexer] Ponder's database: PGlite (embedded)${POSTGRES_URL ? "" : "; set DATABASE_URL to also run this suite on PostgreSQL"}`,
      );
      if (backend === "postgres") scratch = await scratchPostgres(POSTGRES_URL!);
      ({ stack, dataDir } = await stackOn(backend, scratch?.url));
      client = createIndexerClient({ baseUrl: stack.indexerUrl });
    });

    after(async () => {
      await stack?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    });

    it(`keeps its index in ${backend === "postgres" ? "its own schema of the PostgreSQL database, named after the chain" : "PGlite in the stack's data folder"}`, async () => {
      if (backend === "pglite") {
        expect(stack.indexerDatabase).to.equal(`PGlite in ${join(dataDir, "indexer")}`);
        return;
      }
      const block = await createPublicClient({ transport: http(stack.rpcUrl) }).getBlock({ blockNumber: stack.deployment.deployBlock });
      const schema = indexerSchemaOf(stack.deployment.chainId, block.hash);
      expect(stack.indexerDatabase).to.match(new RegExp(`^PostgreSQL postgres.*\\(schema ${schema}\\)$`));
      expect(await schemasOf(scratch!.url)).to.deep.equal([schema]);
    });

    it("pages the timeline without duplicates or gaps, newest first, as the chain's events", async () => {
      const ledger = createLedgerReader(config());
      const onChain = await getLedgerEvents(ledger);
      const pages: number[] = [];
      const rows = await allPages(async (cursor) => {
        const page = await client.timeline({ limit: 7, cursor });
        pages.push(page.items.length);
        expect(page.total).to.equal(onChain.length);
        return page;
      });
      expect(rows.length).to.equal(onChain.length);
      expect(pages.slice(0, -1).every((n) => n === 7)).to.equal(true);
      const positions = rows.map((r) => `${r.blockNumber}-${r.logIndex}`);
      expect(new Set(positions).size).to.equal(rows.length);
      expect(positions).to.deep.equal(onChain.map((log) => `${log.blockNumber}-${log.logIndex}`).reverse());
      expect(rows.map((r) => r.eventName)).to.deep.equal(onChain.map((log) => log.eventName).reverse());
    });

    it("lists a patient's reports page by page exactly as the chain does, and each checks out against the contract", async () => {
      const ledger = createLedgerReader(config());
      const patient = findDemoPerson("patient1")!.address;
      const fromChain = await listReports(ledger, { patient });
      expect(fromChain.length).to.be.greaterThan(1);
      const listed = (await allPages((cursor) => client.reports({ patient, limit: 1, cursor }))).map(listedRecord);
      expect(listed.map((r) => r.reportId)).to.deep.equal(fromChain.map((r) => r.reportId));
      for (const row of listed) {
        const check = await checkIndexedReport(ledger, row);
        expect(check.ok ? [] : check.differences).to.deep.equal([]);
      }
      const tampered = await checkIndexedReport(ledger, { ...listed[0]!, fraudulent: !listed[0]!.fraudulent, registeredAt: 1 });
      expect(tampered.ok).to.equal(false);
      expect(tampered.ok ? [] : tampered.differences).to.deep.equal(["registration time", "fraud mark"]);
      // Keys an indexer made up (to show a title of its own) are caught by the registration's receipt; the chain's keys are kept.
      const forgedKeys = await checkIndexedReport(ledger, { ...listed[0]!, patientKey: listed[1]!.patientKey });
      expect(forgedKeys.ok ? [] : forgedKeys.differences).to.deep.equal(["stored file or keys"]);
      expect(forgedKeys.record?.patientKey).to.equal(listed[0]!.patientKey);
      // The listed keys are the registration's: what opens the report's encrypted head.
      expect(listed.map((r) => r.patientKey)).to.deep.equal(fromChain.map((r) => r.patientKey));
    });

    it("lists staff (checked on chain: the same directory as the chain's events), a doctor's patients and the grants of the demo data", async () => {
      const staff = await allPages((cursor) => client.staff({ limit: 2, cursor }));
      expect(staff.map((s) => s.name)).to.include("Dr. Ada Lovelace");
      const ledger = createLedgerReader(config());
      expect(await checkedStaff(ledger, staff)).to.deep.equal(await listStaff(ledger));
      const forged = await checkedStaff(ledger, [{ ...staff[0]!, name: "Dr. Impostor" }]);
      expect(forged[0]!.profileVerified).to.equal(false);
      const doctor = findDemoPerson("doctor1")!.address;
      const patients = await client.patients({ doctor });
      expect(patients.total).to.be.greaterThan(0);
      expect(patients.items.every((p) => p.doctor === doctor)).to.equal(true);
      const grants = await client.grants({ patient: findDemoPerson("patient1")!.address });
      expect(grants.items.every((g) => g.active)).to.equal(true);
      // A report shared with a reader checks out with its grant; claimed shared with anyone else, it does not.
      const grant = grants.items[0]!;
      const shared = await client.sharedWith({ reader: grant.reader });
      const row = listedRecord(shared.items.find((r) => r.reportId === grant.reportId)!);
      expect((await checkIndexedReport(ledger, row, grant.reader)).ok).to.equal(true);
      const notShared = await checkIndexedReport(ledger, row, findDemoPerson("stranger")!.address);
      expect(notShared.ok ? [] : notShared.differences).to.deep.equal(["access"]);
    });

    it("lists grants and patients that check out on chain in O(1), and catches a tampered or forged grant or patient row", async () => {
      const ledger = createLedgerReader(config());
      const patient1 = findDemoPerson("patient1")!.address;
      const doctor1 = findDemoPerson("doctor1")!.address;
      const stranger = findDemoPerson("stranger")!.address;

      // Grants: each listed one is on chain, with the chain's end date; the same readers as the chain's own reads.
      const grants = await allPages((cursor) => client.grants({ patient: patient1, limit: 1, cursor }));
      expect(grants.length).to.be.greaterThan(0);
      const checks = await checkIndexedGrants(ledger, grants);
      expect(checks.map((c) => (c.ok ? [] : c.differences))).to.deep.equal(grants.map(() => []));
      const fromChain = await listReadersOfPatient(ledger, patient1);
      const pairs = (list: Iterable<readonly [string, readonly { reader: string; expiresAt: number | null }[]]>) =>
        [...list].flatMap(([reportId, readers]) => readers.map((r) => `${reportId}:${r.reader}:${r.expiresAt}`)).sort();
      const fromIndexer = checks.flatMap((c) => (c.ok ? [[c.grant.reportId, [c.grant]] as const] : []));
      expect(pairs(fromIndexer)).to.deep.equal(pairs(fromChain));

      const grant = grants[0]!;
      // A made-up end date is caught; the chain's is what is shown.
      const endDate = await checkIndexedGrant(ledger, { ...grant, expiresAt: 1 });
      expect(endDate.ok ? [] : endDate.differences).to.deep.equal(["end date"]);
      expect(endDate.grant?.expiresAt).to.equal(grant.expiresAt);
      // A grant to someone the patient never shared with: the chain holds none, nothing to show.
      const forged = await checkIndexedGrant(ledger, { ...grant, reader: stranger });
      expect(forged.ok ? [] : forged.differences).to.deep.equal(["access"]);
      expect(forged.grant).to.equal(null);
      // Another patient's grant passed off as this patient's: the report's patient on chain says whose it is.
      const otherPatient = findDemoPerson("patient2")!.address;
      const misattributed = await checkIndexedGrant(ledger, { ...grant, patient: otherPatient });
      expect(misattributed.ok ? [] : misattributed.differences).to.deep.equal(["patient"]);
      expect(misattributed.grant?.patient).to.equal(patient1);
      const unknown = await checkIndexedGrant(ledger, { ...grant, reportId: `0x${"ab".repeat(32)}` });
      expect(unknown.ok ? [] : unknown.differences).to.deep.equal(["the contract has no such report"]);

      // Patients: the reception's list is the chain's (newest first), each row confirmed.
      const patients = await allPages((cursor) => client.patients({ limit: 2, cursor }));
      const chainPatients = await listPatients(ledger);
      expect(patients.map((p) => p.account)).to.deep.equal(chainPatients.map((p) => p.account).reverse());
      const patientChecks = await checkIndexedPatients(ledger, patients);
      expect(patientChecks.map((c) => (c.ok ? c.patient : c.differences))).to.deep.equal([...chainPatients].reverse());
      const row = patients.find((p) => p.account === patient1)!;
      const wrongProfile = await checkIndexedPatient(ledger, { ...row, profileCid: patients.find((p) => p.account !== patient1)!.profileCid });
      expect(wrongProfile.ok ? [] : wrongProfile.differences).to.deep.equal(["profile"]);
      expect(wrongProfile.patient?.profileCid).to.equal(chainPatients.find((p) => p.account === patient1)!.profileCid);
      const wrongRegistrar = await checkIndexedPatient(ledger, { ...row, registeredBy: doctor1 });
      expect(wrongRegistrar.ok ? [] : wrongRegistrar.differences).to.deep.equal(["registered by"]);
      expect(wrongRegistrar.patient?.registeredBy).to.equal(row.registeredBy);
      const notAPatient = await checkIndexedPatient(ledger, { ...row, account: stranger });
      expect(notAPatient.ok ? [] : notAPatient.differences).to.deep.equal(["not a patient"]);

      // A doctor's patients: each assignment holds on chain; one claimed for a doctor not assigned is caught.
      const mine = await allPages((cursor) => client.patients({ doctor: doctor1, cursor }));
      expect(mine.map((p) => p.account).sort()).to.deep.equal([...(await patientsOfDoctor(ledger, doctor1))].sort());
      for (const check of await checkIndexedPatients(ledger, mine, doctor1)) expect(check.ok ? [] : check.differences).to.deep.equal([]);
      // patient1 is doctor1's and doctor2's, never doctor3's.
      const notMine = await checkIndexedPatient(
        ledger,
        mine.find((p) => p.account === patient1)!,
        findDemoPerson("doctor3")!.address,
      );
      expect(notMine.ok ? [] : notMine.differences).to.deep.equal(["assignment"]);
    });

    // Issue 12: recovered records, held results, emergency accesses, guardians and their timeline (before the reorganisation and, on PostgreSQL, the fresh chain that drops this index).
    // Accounts of the development mnemonic that no demo person uses (anvil funds the first 20).
    const successor = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 13 });
    const guardian = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 14 });
    const custodian = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 15 });
    const as = (handle: string) => createLedgerWriter(config(), demoAccount(findDemoPerson(handle)!));
    const asAccount = (account: LocalAccount) => createLedgerWriter(config(), account);
    const addressOf = (handle: string) => findDemoPerson(handle)!.address;
    /** Waits until the indexer has the block of `written`. */
    const indexed = async (written: WriteResult) => {
      await waitForIndexer(client, written.receipt.blockNumber, { timeoutMs: 30_000 });
      return written;
    };
    const differencesOf = (check: { ok: boolean; differences?: readonly string[] }) => (check.ok ? [] : check.differences);
    const ledger = () => createLedgerReader(config());

    it("lists a recovered patient's reports, grants, doctors and profile under the successor, each checking out on chain", async () => {
      const patient2 = addressOf("patient2");
      const doctor1 = addressOf("doctor1");
      const doctor2 = addressOf("doctor2");
      const before = await allPages((cursor) => client.reports({ patient: patient2, cursor }));
      expect(before.length).to.be.greaterThan(0);
      const stress = before[0]!;
      // Before the recovery: a grant of the old account and an emergency access to it.
      await writeLedger(as("patient2"), "grantAccess", [stress.reportId, doctor2, "0xa1"]);
      await writeLedger(as("doctor2"), "breakGlass", [patient2, 1]);

      const reader = ledger();
      const key = keccak256(toHex("successor's encryption key"));
      const [nonce, version, now] = await Promise.all([
        readLedger(reader, "nonces", [successor.address]),
        readLedger(reader, "keyVersionOf", [successor.address]),
        chainTime(reader),
      ]);
      const deadline = BigInt(now + 3_600);
      const signature = await successor.signTypedData(
        keyBindingTypedData(stack.deployment, { account: successor.address, key, version: version + 1, nonce, deadline }),
      );
      // The profile re-sealed for the successor (here: another valid CID).
      const resealed = cidToHex(before[0]!.cid);
      await indexed(await writeLedger(as("receptionist1"), "recoverPatient", [patient2, successor.address, resealed, key, deadline, signature]));

      // Reports: every report of the record, listed for the successor and named by it, as getReport does; none for the retired account.
      const after = (await allPages((cursor) => client.reports({ patient: successor.address, limit: 1, cursor }))).map(listedRecord);
      expect(after.map((r) => r.reportId)).to.deep.equal(before.map((r) => r.reportId));
      expect(after.every((r) => r.patient === successor.address)).to.equal(true);
      expect((await client.reports({ patient: patient2 })).total).to.equal(0);
      for (const check of await checkIndexedReports(reader, after)) expect(differencesOf(check)).to.deep.equal([]);
      const byDoctor = (await allPages((cursor) => client.reports({ doctor: doctor1, cursor }))).find((r) => r.reportId === stress.reportId)!;
      expect(byDoctor.patient).to.equal(successor.address);
      // The old account is not the patient any more: a row that still names it is caught.
      const stale = await checkIndexedReport(reader, { ...after[0]!, patient: patient2 });
      expect(differencesOf(stale)).to.deep.equal(["patient"]);

      // Patients: the successor holds the record (with its registration), the retired account is not listed.
      const patients = await allPages((cursor) => client.patients({ cursor }));
      expect(patients.map((p) => p.account))
        .to.include(successor.address)
        .and.not.include(patient2);
      const row = patients.find((p) => p.account === successor.address)!;
      expect(row.record).to.equal(patient2);
      expect(row.profileCid).to.equal(resealed);
      expect(differencesOf(await checkIndexedPatient(reader, row))).to.deep.equal([]);
      expect(differencesOf(await checkIndexedPatient(reader, { ...row, record: addressOf("patient3") }))).to.deep.equal(["record"]);
      expect(differencesOf(await checkIndexedPatient(reader, { ...row, account: patient2 }))).to.deep.equal(["not a patient"]);
      // Doctors: the assignments of the record stand for the successor.
      const mine = await allPages((cursor) => client.patients({ doctor: doctor1, cursor }));
      const assigned = mine.find((p) => p.account === successor.address)!;
      expect(differencesOf(await checkIndexedPatient(reader, assigned, doctor1))).to.deep.equal([]);

      // Grants: the old account's grant is the successor's, and what it shares still shows for its reader.
      const grants = await allPages((cursor) => client.grants({ patient: successor.address, cursor }));
      expect(grants.map((g) => [g.reportId, g.reader, g.patient])).to.deep.include([stress.reportId, doctor2, successor.address]);
      for (const check of await checkIndexedGrants(reader, grants)) expect(differencesOf(check)).to.deep.equal([]);
      expect((await client.grants({ patient: patient2 })).total).to.equal(0);
      const shared = (await allPages((cursor) => client.sharedWith({ reader: doctor2, cursor }))).find((r) => r.reportId === stress.reportId)!;
      expect(shared.patient).to.equal(successor.address);
      expect(differencesOf(await checkIndexedReport(reader, listedRecord(shared), doctor2))).to.deep.equal([]);
    });

    it("lists a result held for review with its release time, then without once released, checked on chain", async () => {
      const reader = ledger();
      const patient1 = addressOf("patient1");
      const cid = cidToHex((await client.reports({ patient: patient1, limit: 1 })).items[0]!.cid);
      const held = (tag: string) => ({
        sha256Digest: keccak256(toHex(`held ${tag}`)),
        sha1Digest: keccak256(toHex(`held sha1 ${tag}`)).slice(0, 42) as Hex,
        patient: patient1,
        supersedes: zeroHash,
        cid,
        patientKey: "0x" as Hex,
        doctorKey: "0xd0" as Hex,
        custodianKey: "0xc0" as Hex,
        held: true,
      });
      const listed = async (reportId: Hex) =>
        listedRecord((await allPages((cursor) => client.reports({ patient: patient1, cursor }))).find((r) => r.reportId === reportId)!);

      // The hospital's default delay: released automatically 3 days after registration.
      const first = held("3 days");
      const { receipt } = await indexed(await writeLedger(as("doctor1"), "registerReport", [first]));
      const firstId = claimIdOf(first.sha256Digest, addressOf("doctor1"));
      const registeredAt = Number((await reader.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
      const wire = (await client.reports({ patient: patient1, limit: 1 })).items[0]!;
      expect(wire.reportId).to.equal(firstId);
      expect(wire.heldUntil).to.equal(registeredAt + 3 * 24 * 3600);
      const heldRow = await listed(firstId);
      expect(heldRow.heldUntil).to.equal(registeredAt + 3 * 24 * 3600);
      expect(differencesOf(await checkIndexedReport(reader, heldRow))).to.deep.equal([]);
      // An indexer that hides the hold (or makes one up) is caught.
      expect(differencesOf(await checkIndexedReport(reader, { ...heldRow, heldUntil: null }))).to.deep.equal(["hold"]);

      // No automatic release: 2^40 - 1 on the wire, "only the doctor releases it" (Infinity) in the record.
      await indexed(await writeLedger(as("admin"), "setCarePolicy", [24 * 3600, 0]));
      const second = held("doctor only");
      await indexed(await writeLedger(as("doctor1"), "registerReport", [second]));
      const secondId = claimIdOf(second.sha256Digest, addressOf("doctor1"));
      expect((await client.reports({ patient: patient1, limit: 1 })).items[0]!.heldUntil).to.equal(2 ** 40 - 1);
      const doctorOnly = await listed(secondId);
      expect(doctorOnly.heldUntil).to.equal(Number.POSITIVE_INFINITY);
      expect(differencesOf(await checkIndexedReport(reader, doctorOnly))).to.deep.equal([]);
      expect(differencesOf(await checkIndexedReport(reader, { ...doctorOnly, heldUntil: registeredAt }))).to.deep.equal(["hold"]);

      // Released by the doctor: no longer held, on the wire and on chain.
      for (const reportId of [firstId, secondId]) await indexed(await writeLedger(as("doctor1"), "releaseReport", [reportId, "0xa0"]));
      for (const reportId of [firstId, secondId]) {
        const released = await listed(reportId);
        expect(released.heldUntil).to.equal(null);
        expect(differencesOf(await checkIndexedReport(reader, released))).to.deep.equal([]);
        expect(differencesOf(await checkIndexedReport(reader, { ...released, heldUntil: registeredAt }))).to.deep.equal(["hold"]);
      }
      const wireReleased = (await allPages((cursor) => client.reports({ patient: patient1, cursor }))).filter((r) => r.reportId === firstId);
      expect(wireReleased.map((r) => r.heldUntil)).to.deep.equal([null]);
    });

    it("lists emergency accesses and guardians that check out on chain, catches tampered rows, and files every new event in the timeline", async () => {
      const reader = ledger();
      const patient2 = addressOf("patient2");
      const patient3 = addressOf("patient3");
      const doctor3 = addressOf("doctor3");
      const stranger = addressOf("stranger");

      // Emergency accesses: one to the old account (before the recovery), one to the successor.
      await indexed(await writeLedger(as("doctor3"), "breakGlass", [successor.address, 2]));
      const history = await allPages((cursor) => client.emergencies({ patient: successor.address, limit: 1, cursor }));
      expect(history.map((e) => [e.doctor, e.reason, e.patient, e.record])).to.deep.equal([
        [doctor3, 2, successor.address, patient2],
        [addressOf("doctor2"), 1, successor.address, patient2],
      ]);
      for (const check of await checkIndexedEmergencies(reader, history)) expect(differencesOf(check)).to.deep.equal([]);
      const latest = history[0]!;
      const check = await checkIndexedEmergency(reader, latest);
      expect(check.ok && check.access.until).to.equal(await readLedger(reader, "emergencyAccessUntil", [successor.address, doctor3]));
      expect((await client.emergencies({ patient: patient2 })).total).to.equal(0);
      expect((await client.emergencies({ doctor: doctor3 })).items.map((e) => e.transactionHash)).to.deep.equal([latest.transactionHash]);
      // The admin's review list: every emergency access on chain, newest first.
      const all = await allPages((cursor) => client.emergencies({ limit: 1, cursor }));
      const onChain = await getLedgerEvents(reader, { eventName: "EmergencyAccessed" });
      expect(all.map((e) => `${e.blockNumber}-${e.logIndex}`)).to.deep.equal(onChain.map((l) => `${l.blockNumber}-${l.logIndex}`).reverse());
      // Rows an indexer made up: each check names what is wrong.
      expect(differencesOf(await checkIndexedEmergency(reader, { ...latest, reason: 4 }))).to.deep.equal(["reason"]);
      expect(differencesOf(await checkIndexedEmergency(reader, { ...latest, until: latest.until + 3_600 }))).to.deep.equal(["end date"]);
      expect(differencesOf(await checkIndexedEmergency(reader, { ...latest, doctor: addressOf("doctor1") }))).to.deep.equal(["doctor"]);
      expect(differencesOf(await checkIndexedEmergency(reader, { ...latest, patient: patient3, record: patient3 }))).to.deep.equal(["patient"]);
      expect(differencesOf(await checkIndexedEmergency(reader, { ...latest, accessedAt: latest.accessedAt - 60 }))).to.deep.equal(["time"]);
      const forged = await checkIndexedEmergency(reader, { ...latest, logIndex: latest.logIndex + 1 });
      expect(differencesOf(forged)).to.deep.equal(["emergency access"]);
      expect(forged.ok ? undefined : forged.access).to.equal(null);

      // Guardians: one the successor appointed (no end), one the reception appointed for patient3 until a date, then ended.
      await writeLedger(asAccount(successor), "appointGuardian", [successor.address, guardian.address, 0]);
      const until = (await chainTime(reader)) + 30 * 24 * 3600;
      await writeLedger(as("receptionist2"), "appointGuardian", [patient3, guardian.address, until]);
      // The guardian shares one of the successor's reports for them (attributed to the guardian by ActedAsGuardian).
      const [report] = (await client.reports({ patient: successor.address, limit: 1 })).items;
      await indexed(
        await writeLedger(asAccount(guardian), "grantAccessAsGuardian", [
          successor.address,
          { reader: doctor3, reportIds: [report!.reportId], wrappedKeys: ["0xb1"], expiresAt: 0 },
        ]),
      );
      // Shared after the recovery, in the successor's name: filed under the record like the old account's grants.
      const guarded = (await allPages((cursor) => client.grants({ patient: successor.address, cursor }))).find((g) => g.reader === doctor3)!;
      expect([guarded.reportId, guarded.patient]).to.deep.equal([report!.reportId, successor.address]);
      expect(differencesOf(await checkIndexedGrant(reader, guarded))).to.deep.equal([]);
      const mine = await allPages((cursor) => client.guardians({ guardian: guardian.address, limit: 1, cursor }));
      expect(mine.map((g) => [g.patient, g.record, g.until, g.byReception])).to.deep.equal([
        [patient3, patient3, until, true],
        [successor.address, patient2, null, false],
      ]);
      for (const c of await checkIndexedGuardians(reader, mine)) expect(differencesOf(c)).to.deep.equal([]);
      const ofSuccessor = await client.guardians({ patient: successor.address });
      expect(ofSuccessor.items.map((g) => g.guardian)).to.deep.equal([guardian.address]);
      expect((await client.guardians({ patient: patient2 })).total).to.equal(0);
      const byPatient = ofSuccessor.items[0]!;
      expect(differencesOf(await checkIndexedGuardian(reader, { ...byPatient, byReception: true }))).to.deep.equal(["appointed by"]);
      expect(differencesOf(await checkIndexedGuardian(reader, { ...byPatient, until }))).to.deep.equal(["end date"]);
      expect(differencesOf(await checkIndexedGuardian(reader, { ...byPatient, record: patient3 }))).to.deep.equal(["patient"]);
      const notGuardian = await checkIndexedGuardian(reader, { ...byPatient, guardian: stranger });
      expect(differencesOf(notGuardian)).to.deep.equal(["guardianship"]);
      expect(notGuardian.guardian).to.equal(null);
      // Ended: no longer listed, and a row that still says so is caught.
      const ended = mine[0]!;
      await indexed(await writeLedger(as("receptionist2"), "endGuardianship", [patient3, guardian.address]));
      expect((await client.guardians({ guardian: guardian.address })).items.map((g) => g.patient)).to.deep.equal([successor.address]);
      expect(differencesOf(await checkIndexedGuardian(reader, ended))).to.deep.equal(["guardianship"]);

      // The records custodian re-wraps a report key for the successor.
      await writeLedger(as("admin"), "setRecordsCustodian", [custodian.address]);
      await writeLedger(asAccount(custodian), "publishEncryptionKey", [keccak256(toHex("custodian's encryption key"))]);
      await indexed(await writeLedger(asAccount(custodian), "custodianRewrap", [successor.address, [report!.reportId], ["0xc1"]]));

      // The timeline: every event of the chain, each new one with its actor.
      const timeline = await allPages((cursor) => client.timeline({ limit: 100, cursor }));
      const events = await getLedgerEvents(reader);
      expect(timeline.map((e) => `${e.blockNumber}-${e.logIndex}:${e.eventName}`)).to.deep.equal(
        events.map((l) => `${l.blockNumber}-${l.logIndex}:${l.eventName}`).reverse(),
      );
      const actorsOf = (eventName: string) => timeline.filter((e) => e.eventName === eventName).map((e) => e.actor);
      expect(actorsOf("PatientRecovered")).to.deep.equal([addressOf("receptionist1")]);
      expect(actorsOf("GuardianAppointed")).to.deep.equal([addressOf("receptionist2"), successor.address]);
      expect(actorsOf("GuardianshipEnded")).to.deep.equal([addressOf("receptionist2")]);
      expect(actorsOf("ActedAsGuardian")).to.deep.equal([guardian.address]);
      expect(actorsOf("EmergencyAccessed")).to.deep.equal([doctor3, addressOf("doctor2")]);
      expect(actorsOf("ReportReleased")).to.deep.equal([addressOf("doctor1"), addressOf("doctor1")]);
      // The stack's own records custodian (its worker delivers keys after the recovery and the appointments) and this test's.
      const stackCustodian = privateKeyToAccount(devCustodianKey()).address;
      expect(actorsOf("KeysRewrappedByCustodian")).to.include(custodian.address);
      expect(actorsOf("KeysRewrappedByCustodian").every((a) => a === custodian.address || a === stackCustodian)).to.equal(true);
      expect([...new Set(actorsOf("RecordsCustodianSet"))]).to.deep.equal([addressOf("admin")]);
      expect(actorsOf("CarePolicySet")).to.deep.equal([addressOf("admin")]);
      // By actor: the guardian's and the custodian's doings.
      const byGuardian = await allPages((cursor) => client.timeline({ actor: guardian.address, cursor }));
      expect(byGuardian.map((e) => e.eventName)).to.include.members(["ActedAsGuardian", "AccessGranted"]);
      const byCustodian = await allPages((cursor) => client.timeline({ actor: custodian.address, cursor }));
      expect(byCustodian.map((e) => e.eventName)).to.include.members(["KeysRewrappedByCustodian", "ReportKeyRewrapped", "EncryptionKeyPublished"]);
      // By patient (their current account): the whole record, before and after the recovery; nothing for the retired account.
      const aboutRecord = await allPages((cursor) => client.timeline({ patient: successor.address, limit: 5, cursor }));
      expect(aboutRecord.map((e) => e.eventName)).to.include.members([
        "PatientRegistered",
        // The key publications of the registration and of the recovery (before their record was known to the indexer).
        "EncryptionKeyPublished",
        "DoctorAssigned",
        "ReportRegistered",
        "AccessGranted",
        "PatientRecovered",
        "PatientProfileUpdated",
        "EmergencyAccessed",
        "GuardianAppointed",
        "ActedAsGuardian",
        "KeysRewrappedByCustodian",
        "ReportKeyRewrapped",
      ]);
      const recordReports = new Set((await allPages((cursor) => client.reports({ patient: successor.address, cursor }))).map((r) => r.reportId.toLowerCase()));
      const mentions = (e: (typeof aboutRecord)[number]) =>
        [e.args.record, e.args.patient, e.args.reader, e.args.account, e.args.reportId].some(
          (v) => typeof v === "string" && [patient2.toLowerCase(), successor.address.toLowerCase()].concat([...recordReports]).includes(v.toLowerCase()),
        );
      expect(aboutRecord.filter((e) => !mentions(e)).map((e) => e.eventName)).to.deep.equal([]);
      const keys = aboutRecord.filter((e) => e.eventName === "EncryptionKeyPublished").map((e) => e.args.account);
      expect(keys).to.deep.equal([successor.address, patient2]);
      expect((await client.timeline({ patient: patient2 })).total).to.equal(0);
      const aboutPatient3 = await allPages((cursor) => client.timeline({ patient: patient3, cursor }));
      expect(aboutPatient3.map((e) => e.eventName)).to.include.members(["GuardianAppointed", "GuardianshipEnded"]);
    });

    it("refuses a page size above the cap and a malformed cursor or address with 400", async () => {
      for (const query of [`limit=${MAX_PAGE_SIZE + 1}`, "limit=0", "cursor=12", "cursor=1-x", "patient=0x123", "unknown=1"]) {
        const response = await fetch(`${stack.indexerUrl}/v1/reports?${query}`);
        expect(response.status, query).to.equal(400);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).to.equal("INVALID_INPUT");
      }
      const refused = await client.timeline({ limit: MAX_PAGE_SIZE + 1 }).catch((error: unknown) => error);
      expect(isMedLedgerError(refused, "INVALID_INPUT")).to.equal(true);
    });

    it("says INDEXER_UNAVAILABLE, in words a patient understands, when the indexer does not answer", async () => {
      const gone = createIndexerClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 });
      const error = await gone.reports({}).catch((e: unknown) => e);
      expect(isMedLedgerError(error, "INDEXER_UNAVAILABLE")).to.equal(true);
      expect((error as Error).message).to.match(/cannot be loaded right now/);
    });

    it("drops the rows of blocks a reorganisation removed", async () => {
      const rpc = createPublicClient({ transport: http(stack.rpcUrl) });
      const admin = createLedgerWriter(config(), demoAccount(findDemoPerson("admin")!));
      const snapshot = await rpc.request<{ Method: "evm_snapshot"; Parameters: []; ReturnType: Hex }>({ method: "evm_snapshot", params: [] });
      await writeLedger(admin, "pause", []);
      await eventually("the indexer lists the Paused event", async () => (await client.timeline({ limit: 1, event: "Paused" })).total === 1);

      const reverted = await rpc.request<{ Method: "evm_revert"; Parameters: [Hex]; ReturnType: boolean }>({ method: "evm_revert", params: [snapshot] });
      expect(reverted).to.equal(true);
      // New blocks on the other branch: the indexer sees their parent hashes differ from what it indexed.
      await rpc.request<{ Method: "anvil_mine"; Parameters: [Hex]; ReturnType: null }>({ method: "anvil_mine", params: ["0x3"] });
      const head = await rpc.getBlockNumber();
      await eventually("the indexer reaches the new branch's head", async () => (await client.indexedBlock()) >= head);
      await eventually("the reverted Paused event is gone", async () => (await client.timeline({ limit: 1, event: "Paused" })).total === 0);
    });

    if (backend === "postgres")
      it("a fresh local chain on the same PostgreSQL database gets a new index: nothing of the earlier chain's is reused", async () => {
        const before = await schemasOf(scratch!.url);
        // A new anvil, the same chain id, the same deployer: the contract has the same address as the earlier chain's.
        const second = await stackOn(backend, scratch!.url, false);
        try {
          expect(second.stack.deployment.address).to.equal(stack.deployment.address);
          const schemas = await schemasOf(scratch!.url);
          expect(schemas).to.have.length(1);
          expect(schemas[0]).to.not.equal(before[0]);
          expect(second.stack.indexerDatabase).to.contain(`(schema ${schemas[0]})`);
          // The new chain has no staff, patients or reports yet: neither the old index nor Ponder's RPC cache of the old chain shows through.
          const fresh = createIndexerClient({ baseUrl: second.stack.indexerUrl });
          expect((await fresh.reports({})).total).to.equal(0);
          expect((await fresh.patients({})).total).to.equal(0);
          const events = await getLedgerEvents(createLedgerReader({ ...config(), rpcUrl: second.stack.rpcUrl, deployment: second.stack.deployment }));
          expect((await fresh.timeline({})).total).to.equal(events.length);
        } finally {
          await second.stack.stop();
          rmSync(second.dataDir, { recursive: true, force: true });
        }
      });
  });
}
