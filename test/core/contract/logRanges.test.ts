/**
 * Listings over a long history (> 1,000,000 blocks) behind RPC providers that cap eth_getLogs:
 * the range is read in chunks the provider accepts, learned from its errors, in block order; a
 * provider that cannot be reached or refuses even one block gives a clear error, never a "revert".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createPublicClient, http, toHex } from "viem";
import { isMedLedgerError, type MedLedgerError } from "#core/errors.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/config.ts";
import { getLedgerEvents } from "#core/contract/events.ts";
import { learnedChunkBlocks, limitKindOf } from "#core/contract/logRanges.ts";
import type { LedgerReader } from "#core/contract/ledger.ts";
import { createLedgerReader } from "#core/node/clients.ts";
import { listReports } from "#core/reports/records.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { listStaff } from "#core/staff/staff.ts";
import { verifyReport } from "#core/verify/verify.ts";
import { startCappedProxy, type CappedProxy, type GetLogsCall } from "#harness/rpc/cappedProxy.ts";
import { freePort } from "#local-stack/processes.ts";
import { cleanEnv, json, runCli } from "#test/support/cli.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, ledgerThrough, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, reportPdf, runStory, setUpClinic } from "#test/support/story.ts";

const span = (call: GetLogsCall): bigint => call.toBlock - call.fromBlock + 1n;

async function expectLedgerError(promise: Promise<unknown>, code: string): Promise<MedLedgerError> {
  try {
    await promise;
  } catch (error) {
    expect(isMedLedgerError(error), String(error)).to.equal(true);
    expect((error as { code: string }).code, (error as Error).message).to.equal(code);
    return error as MedLedgerError;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

describe("Event listings over a long history behind a capped RPC provider", function () {
  this.timeout(300_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let issued: Uint8Array;
  const proxies: CappedProxy[] = [];

  const mine = async (blocks: number): Promise<void> => {
    await ledger.transport({}).request({ method: "hardhat_mine", params: [toHex(blocks)] });
  };
  const readerAt = (rpcUrl: string): LedgerReader =>
    createLedgerReader({ rpcUrl, ipfsApiUrl: ipfs.apiUrl, deployment: ledger.deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
  const proxy = async (options: Omit<Parameters<typeof startCappedProxy>[0], "upstream">): Promise<CappedProxy> => {
    const started = await startCappedProxy({ upstream: ledger.transport({}), ...options });
    proxies.push(started);
    return started;
  };

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await mine(300_000);
    await setUpClinic(ledger, ipfs.store);
    await mine(400_000);
    await uploadReport(ledger.as("doctor1"), ipfs.store, { file: await reportPdf("first report"), patient: addressOf(ledger, "patient1") });
    await mine(300_000);
    const second = await uploadReport(ledger.as("doctor1"), ipfs.store, { file: await reportPdf("second report"), patient: addressOf(ledger, "patient1") });
    issued = second.prepared.issuedFile!;
    await mine(100_000);
    const latest = await ledger.reader().publicClient.getBlockNumber();
    expect(latest - ledger.deployment.deployBlock > 1_000_000n).to.equal(true);
  });
  after(async () => {
    for (const started of proxies) await started.close();
    await ipfs?.close();
    await ledger?.close();
  });

  it("lists a patient's reports, the staff and verifies a file through a 10,000-block cap, every call within it", async () => {
    const capped = await proxy({ maxBlockRange: 10_000 });
    const reader = readerAt(capped.url);
    const patient = addressOf(ledger, "patient1");
    const reports = await listReports(reader, { patient });
    expect(reports).to.have.length(2);
    expect(reports.map((r) => r.reportId)).to.deep.equal((await listReports(ledger.reader(), { patient })).map((r) => r.reportId));
    const listingCalls = capped.calls.length;
    expect(listingCalls).to.be.within(100, 130);
    const staff = await listStaff(reader);
    expect(staff.map((m) => m.profile.name)).to.deep.equal(["Rita Reyes", "Dr. Ada Lovelace", "Dr. Gregory House"]);
    expect((await verifyReport(reader, { kind: "file", file: issued })).status).to.equal("genuine");
    expect(capped.calls.every((call) => call.outcome === "answered" && span(call) <= 10_000n)).to.equal(true);
    expect(learnedChunkBlocks(capped.url)).to.equal(10_000n);
  });

  it("the CLI's `report list --as patient1` works through a 10,000-block cap (cliListThroughCappedRpcMs)", async () => {
    const capped = await proxy({ maxBlockRange: 10_000 });
    const state = mkdtempSync(join(tmpdir(), "medledger-logranges-"));
    const env = cleanEnv({
      MEDLEDGER_CHAIN_ID: String(ledger.deployment.chainId),
      MEDLEDGER_CONTRACT: ledger.deployment.address,
      MEDLEDGER_DEPLOY_BLOCK: String(ledger.deployment.deployBlock),
      MEDLEDGER_IPFS_API_URL: ipfs.apiUrl,
      MEDLEDGER_STATE_DIR: state,
    });
    const started = performance.now();
    const result = await runCli(["--rpc", capped.url, "report", "list", "--as", "patient1", "--json"], { env, cwd: state });
    const elapsed = Math.round(performance.now() - started);
    rmSync(state, { recursive: true, force: true });
    expect(result.code, result.stderr).to.equal(0);
    const listed = json<{ reports: { patient: string; relation?: string }[] }>(result).reports;
    expect(listed.map((r) => [r.patient, r.relation])).to.deep.equal([
      [addressOf(ledger, "patient1"), "patient"],
      [addressOf(ledger, "patient1"), "patient"],
    ]);
    expect(capped.calls.every((call) => call.outcome === "answered" && span(call) <= 10_000n)).to.equal(true);
    const blocks = (await ledger.reader().publicClient.getBlockNumber()) - ledger.deployment.deployBlock;
    console.log(`      cliListThroughCappedRpcMs=${elapsed} getLogsCalls=${capped.calls.length} blocks=${blocks}`);
  });

  it("learns a 2,000-block cap from the provider's errors (halving from 10,000) and keeps it for the URL", async () => {
    const capped = await proxy({ maxBlockRange: 2_000, rangeError: { code: -32600, message: "exceed maximum block range: 2000" } });
    const reader = readerAt(capped.url);
    const patient = addressOf(ledger, "patient1");
    const reports = await listReports(reader, { patient });
    expect(reports).to.have.length(2);
    const first = capped.calls.slice();
    const refused = first.filter((call) => call.outcome !== "answered");
    expect(refused.length).to.be.greaterThan(0);
    expect(refused.length).to.be.lessThan(40);
    expect(first.filter((call) => call.outcome === "answered").every((call) => span(call) <= 2_000n)).to.equal(true);
    const learned = learnedChunkBlocks(capped.url)!;
    expect(learned <= 2_000n && learned >= 1_000n, `learned ${learned}`).to.equal(true);
    capped.resetCalls();
    expect(await listStaff(reader)).to.have.length(3);
    // Learned: the next listings (three queries at once) go straight to ~2,000-block chunks.
    expect(capped.calls.filter((call) => call.outcome !== "answered").length).to.be.at.most(2);
    expect(capped.calls.every((call) => span(call) <= 2_001n)).to.equal(true);
  });

  it("splits a dense range when the provider caps the number of results", async () => {
    const capped = await proxy({ maxBlockRange: Number.POSITIVE_INFINITY, maxResults: 2 });
    const reader = readerAt(capped.url);
    const staff = await listStaff(reader);
    expect(staff).to.have.length(3);
    expect(capped.calls.some((call) => call.outcome === "results-refused")).to.equal(true);
    expect(capped.calls.filter((call) => call.outcome === "answered").every((call) => call.results <= 2)).to.equal(true);
    const logs = await getLedgerEvents(reader, { eventName: "StaffAdded" });
    expect(logs.map((log) => log.args.account)).to.deep.equal(
      (await getLedgerEvents(ledger.reader(), { eventName: "StaffAdded" })).map((log) => log.args.account),
    );
  });

  it("an unreachable node gives RPC_UNREACHABLE naming the URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await expectLedgerError(listStaff(readerAt(url)), "RPC_UNREACHABLE");
    expect(error.details).to.contain(url);
  });

  it("a provider that never answers large ranges times out as RPC_UNREACHABLE, with its URL", async () => {
    const capped = await proxy({ maxBlockRange: 2_000, mode: "hang" });
    const publicClient = createPublicClient({ transport: http(capped.url, { retryCount: 0, timeout: 1_000 }) });
    const reader: LedgerReader = { publicClient, deployment: ledger.deployment, rpcUrl: capped.url };
    const error = await expectLedgerError(getLedgerEvents(reader, { eventName: "StaffAdded" }), "RPC_UNREACHABLE");
    expect(error.details).to.contain(capped.url);
    expect(error.message).to.contain("in time");
  });

  it("a provider that refuses even a single block gives RPC_LIMIT with its own explanation", async () => {
    const capped = await proxy({ maxBlockRange: 0, rangeError: { code: -32005, message: "block range too large" } });
    const error = await expectLedgerError(listStaff(readerAt(capped.url)), "RPC_LIMIT");
    expect(error.details).to.contain(capped.url);
    expect(error.details).to.contain("block range too large");
    // Three queries at once (listStaff), each halving from 10,000 down to 1 block (14 steps) with up to 4 chunks in flight.
    expect(capped.calls.length).to.be.lessThan(3 * 4 * 16);
  });

  it("a provider error that is not about limits is RPC_UNREACHABLE with its own words, never CONTRACT_REVERT, and not retried", async () => {
    const capped = await proxy({ maxBlockRange: 0, rangeError: { code: -32000, message: "header not found" } });
    const error = await expectLedgerError(getLedgerEvents(readerAt(capped.url), { eventName: "StaffAdded" }), "RPC_UNREACHABLE");
    expect(error.details).to.contain(capped.url);
    expect(error.details).to.contain("header not found");
    expect(capped.calls.length).to.be.at.most(4);
  });

  it("recognises the providers' usual limit answers, and nothing else", () => {
    const rpc = (code: number, message: string) => Object.assign(new Error(message), { code });
    expect(limitKindOf(rpc(-32005, "query returned more than 10000 results"))).to.equal("size");
    expect(limitKindOf(rpc(-32602, "block range too large"))).to.equal("range");
    expect(limitKindOf(rpc(-32600, "exceed maximum block range: 10000"))).to.equal("range");
    expect(limitKindOf(rpc(-32000, "Log response size exceeded."))).to.equal("size");
    expect(limitKindOf(rpc(-32005, "limit exceeded"))).to.equal("size");
    expect(limitKindOf(new Error("HTTP response body exceeded the size limit."))).to.equal("size");
    expect(limitKindOf(rpc(-32602, "invalid argument 0: hex string without 0x prefix"))).to.equal(undefined);
    expect(limitKindOf(new Error("fetch failed"))).to.equal(undefined);
    expect(limitKindOf(rpc(-32005, "daily request count exceeded, request rate limited"))).to.equal(undefined);
    expect(limitKindOf(rpc(-32005, "rate limit exceeded"))).to.equal(undefined);
  });
});

describe("The whole product story behind a provider capping eth_getLogs at 10,000 blocks and 10,000 results, over 1,000,000 blocks of history", function () {
  this.timeout(300_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let capped: CappedProxy;

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    await ledger.transport({}).request({ method: "hardhat_mine", params: [toHex(1_000_001)] });
    capped = await startCappedProxy({ upstream: ledger.transport({}), maxBlockRange: 10_000, maxResults: 10_000 });
  });
  after(async () => {
    await capped?.close();
    await ipfs?.close();
    await ledger?.close();
  });

  it("staff, enrolment, upload, read, share, revoke and verify all work through the proxy, every query within its caps", async () => {
    await runStory(ledgerThrough(ledger, capped.url), ipfs.store);
    const latest = await ledger.reader().publicClient.getBlockNumber();
    expect(latest - ledger.deployment.deployBlock > 1_000_000n).to.equal(true);
    expect(capped.calls.length).to.be.greaterThan(100);
    expect(capped.calls.every((call) => call.outcome === "answered" && span(call) <= 10_000n && call.results <= 10_000)).to.equal(true);
  });
});
