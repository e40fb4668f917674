/**
 * The local stack's lifecycle with real processes (anvil, the embedded IPFS node, the web server,
 * `node scripts/start.ts`): chain, IPFS and database are kept across a restart or all start
 * afresh together; no child outlives a SIGKILLed start; a port in use is named with its holder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Hex } from "viem";
import { getLedgerEvents } from "#core/contract/events.ts";
import { findDemoPerson } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { cidFromBytes } from "#core/ipfs/cid.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { createLedgerReader, createLedgerWriter } from "#core/node/clients.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";
import { verifyReport } from "#core/verify/verify.ts";
import { allActivity, appendActivity } from "#server/activity/log.ts";
import { anchorAuditHead, readAuditAnchors, verifyAuditLog } from "#server/activity/verify.ts";
import { openDatabase } from "#server/db/open.ts";
import { describeState, startLocalStack, type LocalStack, type LocalStackOptions } from "#local-stack/index.ts";
import { freePort, portInUse, processAlive } from "#local-stack/processes.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { createIndexerClient } from "#core/indexer/client.ts";

/** The embedded database of the stack: these tests do not touch a PostgreSQL of the environment. */
const { DATABASE_URL: _ignored, ...ENV } = process.env;

async function stackOn(dataDir: string, extra: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({
    rpcPort: await freePort(),
    ipfsPort: await freePort(),
    indexerPort: await freePort(),
    dataDir,
    web: false,
    writeDeploymentFile: false,
    env: ENV,
    ...extra,
  });
}

function config(stack: LocalStack) {
  return { rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
}

/** The seeded reports: digests and CID of each. */
async function reports(stack: LocalStack): Promise<{ sha1: Hex; sha256: Hex; reportId: Hex; cid: string }[]> {
  const logs = await getLedgerEvents(createLedgerReader(config(stack)), { eventName: "ReportRegistered" });
  return logs.map((log) => ({ sha1: log.args.sha1Digest, sha256: log.args.sha256Digest, reportId: log.args.reportId, cid: cidFromBytes(log.args.cid) }));
}

async function withDatabase<T>(dataDir: string, use: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const database = await openDatabase({ env: ENV, dataDir: join(dataDir, "pglite") });
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

describe("local stack state (all or nothing)", function () {
  // Each start includes the indexer catching up with the chain.
  this.timeout(240_000);
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "medledger-state-"));
  });
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps chain, IPFS and database across a restart, and --fresh discards all three", async () => {
    stack = await stackOn(dataDir, { seed: true });
    expect(stack.state).to.deep.include({ kept: false, reason: "nothing kept yet" });
    const [first] = await reports(stack);
    expect(first).to.not.equal(undefined);
    // The activity log gets entries and an anchor on chain, as the admin's Activity page does.
    const admin = createLedgerWriter(config(stack), demoAccount(findDemoPerson("admin")!));
    await withDatabase(dataDir, async ({ db }) => {
      for (const kind of ["login", "report_opened", "logout"] as const) {
        await appendActivity(db, {
          actor: admin.walletClient.account.address,
          roles: ["admin"],
          kind,
          ...(kind === "report_opened" ? { reportId: first!.reportId } : {}),
        });
      }
      await anchorAuditHead(admin, db);
    });
    const address = stack.deployment.address;
    await stack.stop();

    stack = await stackOn(dataDir);
    expect(stack.state.kept, JSON.stringify(stack.state)).to.equal(true);
    expect(describeState(stack.state)).to.match(/^State: kept from the last run in .* \(chain, IPFS, database\) — `npm start -- --fresh` to start over$/);
    expect(stack.deployment.address).to.equal(address);
    expect(stack.seeded).to.equal(true);
    const ledger = createLedgerReader(config(stack));
    const verified = await verifyReport(ledger, { kind: "digests", digests: { sha1: first!.sha1, sha256: first!.sha256 } });
    expect(verified.status).to.equal("genuine");
    expect((await createKuboStore(stack.ipfsApiUrl).cat(first!.cid)).byteLength).to.be.greaterThan(0);
    // The indexer's database was kept too, and lists what the chain holds.
    expect(existsSync(join(dataDir, "indexer"))).to.equal(true);
    const indexed = await createIndexerClient({ baseUrl: stack.indexerUrl }).reports({ limit: 500 });
    expect(indexed.items.map((r) => r.reportId).sort()).to.deep.equal((await reports(stack)).map((r) => r.reportId).sort());
    const anchors = await readAuditAnchors(ledger);
    await withDatabase(dataDir, async ({ db }) => {
      expect(await allActivity(db)).to.have.length(3);
      const check = await verifyAuditLog(db, anchors);
      expect(check.ok).to.equal(true);
      expect(check.anchorsChecked).to.equal(1);
      expect(check.unanchoredEntries).to.equal(0);
    });
    await stack.stop();

    // Without the seed (whose demo PDFs are the same every time): nothing of the last run is left.
    stack = await stackOn(dataDir, { fresh: true, seed: false });
    expect(stack.state).to.deep.include({ kept: false, reason: "--fresh" });
    expect(describeState(stack.state)).to.match(/^State: fresh \(--fresh\)/);
    const fresh = createLedgerReader(config(stack));
    expect((await verifyReport(fresh, { kind: "digests", digests: { sha1: first!.sha1, sha256: first!.sha256 } })).status).to.equal("not-registered");
    expect(await readAuditAnchors(fresh)).to.have.length(0);
    let missing: unknown;
    await createKuboStore(stack.ipfsApiUrl)
      .cat(first!.cid)
      .catch((error: unknown) => (missing = error));
    expect(missing, "the old report's file is gone from IPFS").to.be.instanceOf(Error);
    expect((await createIndexerClient({ baseUrl: stack.indexerUrl }).reports({})).total, "the old index is gone").to.equal(0);
    await stack.stop();
    stack = undefined;
    await withDatabase(dataDir, async ({ db }) => expect(await allActivity(db)).to.have.length(0));
  });

  it("starts all of it afresh, saying why, when one part of the kept state is missing", async () => {
    stack = await stackOn(dataDir, { seed: false });
    await withDatabase(dataDir, ({ db }) => appendActivity(db, { actor: "0x0000000000000000000000000000000000000001", roles: [], kind: "login" }));
    await stack.stop();
    rmSync(join(dataDir, "chain", "state.json"));

    stack = await stackOn(dataDir, { seed: false });
    expect(stack.state.kept).to.equal(false);
    expect(describeState(stack.state)).to.match(/^State: fresh \(the chain's state file .*state\.json is missing\)/);
    await stack.stop();
    stack = undefined;
    await withDatabase(dataDir, async ({ db }) => expect(await allActivity(db), "the database started afresh too").to.have.length(0));
  });

  it("names the port, the service and the process holding it", async () => {
    const port = await freePort();
    const holder = spawn(process.execPath, ["-e", `require("node:net").createServer().listen(${port}, "127.0.0.1", () => console.log("ready"))`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise((resolve) => holder.stdout!.once("data", resolve));
      let failure: unknown;
      await startLocalStack({ rpcPort: port, ipfsPort: await freePort(), indexerPort: await freePort(), dataDir, writeDeploymentFile: false }).catch(
        (error: unknown) => (failure = error),
      );
      expect(failure).to.be.instanceOf(Error);
      const message = (failure as Error).message;
      expect(message).to.include(`Port ${port} (Ethereum node) is already in use by process ${holder.pid}`);
      expect(message).to.include(`kill ${holder.pid}`);
      expect(message).to.include("--rpc-port");
      expect(existsSync(join(dataDir, "stack.json")), "nothing was started").to.equal(false);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

/** Every descendant of `pid` (via /proc), e.g. the supervisors, anvil and the web server of a start. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid …: the command may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

interface StartRun {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the stack is up ("Press Ctrl-C"), rejects when the process exits first. */
  readonly ready: Promise<void>;
}

function npmStart(args: readonly string[]): StartRun {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "scripts/start.ts"), ...args], { cwd: PROJECT_ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Press Ctrl-C")) resolve();
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code, signal) => reject(new Error(`scripts/start.ts exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
  ready.catch(() => {});
  return { child, output: () => output, ready };
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("npm start and SIGKILL", function () {
  this.timeout(120_000);
  let dataDir: string;
  const runs: StartRun[] = [];

  before(function () {
    // The web server is part of what must not be orphaned; it needs a build (`npm test` builds first).
    if (!existsSync(join(PROJECT_ROOT, "web", ".next", "BUILD_ID"))) throw new Error("No web build: run `npm run build:web` first.");
    dataDir = mkdtempSync(join(tmpdir(), "medledger-sigkill-"));
  });
  after(async () => {
    for (const run of runs) {
      for (const pid of [run.child.pid!, ...descendants(run.child.pid!)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a SIGKILL of the start process leaves no child alive, and the next start works and keeps the state", async () => {
    const ports = { rpc: await freePort(), ipfs: await freePort(), web: await freePort(), indexer: await freePort() };
    const args = [
      "--rpc-port",
      String(ports.rpc),
      "--ipfs-port",
      String(ports.ipfs),
      "--web-port",
      String(ports.web),
      "--indexer-port",
      String(ports.indexer),
      "--data-dir",
      dataDir,
      "--no-deployment-file",
      "--no-seed",
    ];
    const first = npmStart(args);
    runs.push(first);
    await first.ready;
    expect(first.output()).to.include("State: fresh (nothing kept yet)");
    const children = descendants(first.child.pid!);
    const commands = children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    expect(
      commands.some((c) => /\banvil\b.*--port/.test(c)),
      commands.join("\n"),
    ).to.equal(true);
    expect(
      commands.some((c) => /next.* start web/.test(c)),
      commands.join("\n"),
    ).to.equal(true);
    expect(
      commands.some((c) => /ponder.*--root indexer.* start/.test(c)),
      commands.join("\n"),
    ).to.equal(true);

    first.child.kill("SIGKILL");
    await waitFor("every child of the killed start to exit", () => children.every((pid) => !processAlive(pid)), 10_000);
    await waitFor(
      "the ports to be free",
      async () => !(await portInUse(ports.rpc)) && !(await portInUse(ports.ipfs)) && !(await portInUse(ports.web)) && !(await portInUse(ports.indexer)),
      5_000,
    );

    const second = npmStart(args);
    runs.push(second);
    await second.ready;
    expect(second.output()).to.include(`State: kept from the last run in ${dataDir} (chain, IPFS, database)`);
    const exited = new Promise((resolve) => second.child.once("exit", resolve));
    second.child.kill("SIGINT");
    await exited;
    await waitFor(
      "the ports to be free after Ctrl-C",
      async () => !(await portInUse(ports.rpc)) && !(await portInUse(ports.web)) && !(await portInUse(ports.indexer)),
      10_000,
    );
  });
});
