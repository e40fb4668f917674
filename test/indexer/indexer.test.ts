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
import { createPublicClient, http, type Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import { findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { checkIndexedReport } from "#core/indexer/check.ts";
import { allPages, createIndexerClient, type IndexerClient } from "#core/indexer/client.ts";
import { checkedStaff } from "#core/indexer/staff.ts";
import { MAX_PAGE_SIZE } from "#core/indexer/wire.ts";
import { listStaff } from "#core/staff/staff.ts";
import { listReports } from "#core/reports/records.ts";
import { createLedgerReader, createLedgerWriter } from "#core/node/clients.ts";
import { startLocalStack, type LocalStack } from "#local-stack/index.ts";
import { freePort } from "#local-stack/processes.ts";

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("indexer (Ponder) on a real chain", function () {
  this.timeout(240_000);
  let dataDir: string;
  let stack: LocalStack;
  let client: IndexerClient;
  const config = () => ({ rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: 1 });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "medledger-indexer-"));
    stack = await startLocalStack({
      rpcPort: await freePort(),
      ipfsPort: await freePort(),
      indexerPort: await freePort(),
      dataDir,
      seed: true,
      web: false,
      writeDeploymentFile: false,
    });
    client = createIndexerClient({ baseUrl: stack.indexerUrl });
  });

  after(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
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
    const listed = await allPages((cursor) => client.reports({ patient, limit: 1, cursor }));
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
    const row = shared.items.find((r) => r.reportId === grant.reportId)!;
    expect((await checkIndexedReport(ledger, row, grant.reader)).ok).to.equal(true);
    const notShared = await checkIndexedReport(ledger, row, findDemoPerson("stranger")!.address);
    expect(notShared.ok ? [] : notShared.differences).to.deep.equal(["access"]);
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
});
