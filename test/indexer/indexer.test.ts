/**
 * The indexer against a real chain: the local stack (anvil, MedLedger, demo data) starts Ponder;
 * its pages are compared with the chain's own event reads (no duplicates, no gaps, newest first),
 * its input validation is exercised over HTTP, a listed report is checked against the contract,
 * and a reorganisation (evm_snapshot / evm_revert, then new blocks) drops the reverted rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import pg from "pg";
import { createPublicClient, http, type Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import { findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { checkIndexedGrant, checkIndexedGrants, checkIndexedPatient, checkIndexedPatients, checkIndexedReport } from "#core/indexer/check.ts";
import { allPages, createIndexerClient, type IndexerClient } from "#core/indexer/client.ts";
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
