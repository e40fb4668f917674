/**
 * The activity log's tamper evidence: the hash chain stays linear under concurrent appends,
 * its head is anchored on chain, and rows altered or deleted directly with SQL are found —
 * verifyAuditLog names the first altered or removed entry. Also the admin's API over the log.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Address } from "viem";
import { isMedLedgerError } from "#core/errors.ts";
import { hashEntry } from "#server/activity/hashChain.ts";
import { allActivity, appendActivity, auditHead, type ActivityEntry } from "#server/activity/log.ts";
import { anchorAuditHead, readAuditAnchors, verifyAuditLog, type AuditAnchor } from "#server/activity/verify.ts";
import { openDatabase } from "#server/db/open.ts";
import { activityLog } from "#server/db/schema.ts";
import { inProcessLedger, type LedgerFixture } from "../support/ledgers.ts";
import {
  addressOf,
  announceBackend,
  BACKENDS,
  pgliteTemplate,
  Browser,
  clinic,
  errorCode,
  freshDatabase,
  server,
  type Clinic,
  type TestDatabase,
} from "../support/server.ts";

const PEOPLE = ["doctor1", "patient1", "patient2", "receptionist1"] as const;

for (const backend of BACKENDS) {
  describe(`server: activity log tamper evidence [${backend}]`, function () {
    this.timeout(120_000);
    let world: Clinic;

    before(async () => {
      announceBackend(backend);
      world = await clinic();
    });
    after(async () => {
      await world?.ledger.close();
    });

    /** A fresh log of `n` entries appended concurrently. */
    async function logOf(n: number): Promise<TestDatabase> {
      const database = await freshDatabase(backend);
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          appendActivity(database.db, {
            actor: addressOf(PEOPLE[i % PEOPLE.length]!),
            roles: ["doctor"],
            kind: i % 2 ? "logout" : "login",
            sessionId: `s${i}`,
          }),
        ),
      );
      return database;
    }

    // One contract anchors one log: each anchoring test deploys its own contract.
    async function anchor(ledger: LedgerFixture, database: TestDatabase): Promise<void> {
      await anchorAuditHead(ledger.as("admin"), database.db);
    }

    it("keeps the chain linear under 60 concurrent appends", async () => {
      const database = await logOf(60);
      try {
        const rows = await allActivity(database.db);
        expect(rows.map((r) => r.seq)).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1));
        for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).to.equal(rows[i - 1]!.hash);
        expect(await auditHead(database.db)).to.deep.equal({ head: rows[59]!.hash, entries: 60 });
        const result = await verifyAuditLog(database.db, []);
        expect(result).to.include({ ok: true, entries: 60, anchorsChecked: 0, unanchoredEntries: 60 });
      } finally {
        await database.dispose();
      }
    });

    it("anchors the head on chain (admin only) and verifies against the anchor", async () => {
      const database = await logOf(12);
      const ledger = await inProcessLedger();
      try {
        const refused = await anchorAuditHead(ledger.as("doctor1"), database.db).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isMedLedgerError(refused, "CONTRACT_REVERT")).to.equal(true);
        await anchor(ledger, database);
        const anchors = await readAuditAnchors(ledger.reader());
        expect(anchors).to.have.length(1);
        expect(anchors[0]).to.include({ head: (await auditHead(database.db)).head, entries: 12, by: addressOf("admin") });
        const result = await verifyAuditLog(database.db, anchors);
        expect(result).to.include({ ok: true, entries: 12, anchorsChecked: 1, unanchoredEntries: 0 });
        expect(result.problems).to.deep.equal([]);
      } finally {
        await database.dispose();
        await ledger.close();
      }
    });

    describe("names the first entry altered or removed with SQL", () => {
      let database: TestDatabase;
      let original: ActivityEntry[];
      let anchors: AuditAnchor[];
      let ledger: LedgerFixture;

      before(async () => {
        database = await logOf(20);
        ledger = await inProcessLedger();
        await anchor(ledger, database);
        anchors = await readAuditAnchors(ledger.reader());
        original = await allActivity(database.db);
      });
      after(async () => {
        await database?.dispose();
        await ledger?.close();
      });
      afterEach(async () => {
        await database.db.delete(activityLog);
        await database.db.insert(activityLog).values(original);
        expect((await verifyAuditLog(database.db, anchors)).ok).to.equal(true);
      });

      it("a changed field", async () => {
        await database.db.execute(sql`update activity_log set actor = ${addressOf("stranger").toLowerCase()} where seq = 7`);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.ok).to.equal(false);
        expect(result.firstProblem).to.include({ kind: "altered", seq: 7 });
        expect(result.firstProblem?.message).to.equal("Entry 7 was altered: its content no longer matches its hash.");
      });

      it("a changed field with its hash re-computed", async () => {
        const row = original[6]!;
        const forged = { ...row, kind: "logout", actor: addressOf("stranger").toLowerCase() };
        await database.db.execute(sql`update activity_log set kind = ${forged.kind}, actor = ${forged.actor}, hash = ${hashEntry(forged)} where seq = 7`);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.firstProblem).to.include({ kind: "link_broken", seq: 7 });
      });

      it("a deleted entry", async () => {
        await database.db.execute(sql`delete from activity_log where seq = 5`);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.firstProblem).to.include({ kind: "removed", seq: 5, message: "Entry 5 was removed from the log." });
        expect(result.problems).to.have.length(1);
      });

      it("several deleted entries, the first one among them", async () => {
        await database.db.execute(sql`delete from activity_log where seq in (1, 2, 3, 11)`);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.firstProblem).to.include({ kind: "removed", seq: 1, toSeq: 3 });
        expect(result.problems.map((p) => [p.kind, p.seq])).to.deep.equal([
          ["removed", 1],
          ["removed", 11],
        ]);
      });

      it("deleted last entries (the log is shorter than the anchor says)", async () => {
        await database.db.execute(sql`delete from activity_log where seq > 17`);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.firstProblem).to.include({ kind: "truncated", seq: 18, toSeq: 20 });
        expect(result.firstProblem?.message).to.contain("entries 18 to 20 were removed");
        // Without the anchor the truncation would be invisible: that is what anchoring is for.
        expect((await verifyAuditLog(database.db, [])).ok).to.equal(true);
      });

      it("a deleted entry with the rest of the chain re-numbered and re-hashed", async () => {
        // The forger rebuilds a perfectly consistent chain without entry 9: only the anchor tells.
        const kept = original.filter((r) => r.seq !== 9);
        let prev = `0x${"00".repeat(32)}`;
        const forged = kept.map((r, i) => {
          const fields = { ...r, seq: i + 1, prevHash: prev };
          const row = { ...fields, hash: hashEntry(fields) };
          prev = row.hash;
          return row;
        });
        await database.db.delete(activityLog);
        await database.db.insert(activityLog).values(forged);
        expect((await verifyAuditLog(database.db, [])).ok).to.equal(true);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.firstProblem).to.include({ kind: "truncated", seq: 20 });
      });
    });

    it("narrows a consistent rewrite down to the span between two anchors", async () => {
      const database = await logOf(4);
      const ledger = await inProcessLedger();
      try {
        await anchor(ledger, database); // covers 1-4
        for (let i = 0; i < 6; i++)
          await appendActivity(database.db, { actor: addressOf("patient1"), roles: ["patient"], kind: "report_opened", reportId: world.reportId });
        await anchor(ledger, database); // covers 1-10
        const anchors = await readAuditAnchors(ledger.reader());
        expect(anchors.map((a) => a.entries)).to.deep.equal([4, 10]);
        // Rewrite entry 6 and re-hash everything after it consistently.
        const rows = await allActivity(database.db);
        let prev = rows[4]!.hash;
        const forged = rows.slice(5).map((r) => {
          const fields = { ...r, prevHash: prev, actor: r.seq === 6 ? addressOf("stranger").toLowerCase() : r.actor };
          const row = { ...fields, hash: hashEntry(fields) };
          prev = row.hash;
          return row;
        });
        await database.db.execute(sql`delete from activity_log where seq >= 6`);
        await database.db.insert(activityLog).values(forged);
        const result = await verifyAuditLog(database.db, anchors);
        expect(result.firstProblem).to.include({ kind: "anchor_mismatch", seq: 5, toSeq: 10 });
        expect(result.firstProblem?.message).to.equal(
          `Entry 10 differs from the head anchored in block ${anchors[1]!.blockNumber}: an entry between 5 and 10 was altered or removed.`,
        );
        // A tampered log is never anchored.
        const refused = await anchorAuditHead(ledger.as("admin"), database.db).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isMedLedgerError(refused, "CONFLICT")).to.equal(true);
      } finally {
        await database.dispose();
        await ledger.close();
      }
    });

    it("keeps the log across a restart of the server (same database, migrations re-run)", async () => {
      const database = await freshDatabase(backend, { onDisk: true });
      try {
        for (let i = 0; i < 3; i++) await appendActivity(database.db, { actor: addressOf("doctor1"), roles: ["doctor"], kind: "login" });
        const head = await auditHead(database.db);
        if (backend === "pglite") await database.close(); // one process at a time in a PGlite folder
        const again = await database.reopen();
        expect(await auditHead(again.db)).to.deep.equal(head);
        expect((await verifyAuditLog(again.db, [])).ok).to.equal(true);
        await again.close();
      } finally {
        await database.dispose();
      }
    });

    describe("the admin's API", () => {
      let database: TestDatabase;
      let app: ReturnType<typeof server>;
      const as: Record<string, Browser> = {};

      before(async () => {
        database = await freshDatabase(backend);
        app = server(database, world.ledger);
        for (const handle of ["admin", "doctor1", "patient1", "patient2"]) {
          as[handle] = new Browser(app);
          await as[handle].signInAs(handle);
        }
      });
      after(async () => database?.dispose());

      it("logs report openings only for accounts the contract lets read the report", async () => {
        const ok = await as.patient1!.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: world.reportId });
        expect(ok.status).to.equal(201);
        expect(ok.body).to.include({ logged: true, seq: 5 });
        expect((await as.doctor1!.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: world.reportId })).status).to.equal(201);
        const refused = await as.patient2!.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: world.reportId });
        expect(refused.status).to.equal(403);
        expect(errorCode(refused)).to.equal("NO_ACCESS");
        const unknown = await as.patient1!.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: `0x${"ab".repeat(32)}` });
        expect(unknown.status).to.equal(404);
        expect(errorCode(unknown)).to.equal("UNKNOWN_REPORT");
        const bad = await as.patient1!.call("reportOpened", "POST", "/api/activity/report-opened", { reportId: "0x12" });
        expect(bad.status).to.equal(400);
        const anonymous = await new Browser(app).call("reportOpened", "POST", "/api/activity/report-opened", { reportId: world.reportId });
        expect(anonymous.status).to.equal(401);
      });

      it("shows a report's patient who opened it and when (the accounting of disclosures), and nobody else", async () => {
        type Openings = { reportId: string; openings: { actor: string; role: string; at: string }[] };
        const mine = await as.patient1!.call<Openings>("reportOpenings", "GET", `/api/activity/report-openings?reportId=${world.reportId}`);
        expect(mine.status).to.equal(200);
        expect(mine.body.openings.map((o) => [o.actor, o.role])).to.deep.equal([
          [addressOf("doctor1").toLowerCase(), "doctor"],
          [addressOf("patient1").toLowerCase(), "patient"],
        ]);
        expect(Number.isNaN(Date.parse(mine.body.openings[0]!.at))).to.equal(false);
        for (const handle of ["doctor1", "patient2", "admin"]) {
          const refused = await as[handle]!.call("reportOpenings", "GET", `/api/activity/report-openings?reportId=${world.reportId}`);
          expect(refused.status, handle).to.equal(403);
          expect(errorCode(refused)).to.equal("NO_ACCESS");
        }
        expect((await new Browser(app).call("reportOpenings", "GET", `/api/activity/report-openings?reportId=${world.reportId}`)).status).to.equal(401);
        const unknown = await as.patient1!.call("reportOpenings", "GET", `/api/activity/report-openings?reportId=0x${"ab".repeat(32)}`);
        expect(unknown.status).to.equal(404);
        expect((await as.patient1!.call("reportOpenings", "GET", "/api/activity/report-openings?reportId=0x12")).status).to.equal(400);
      });

      it("shows the log to the admin only, filtered by user, role, kind and date", async () => {
        expect((await as.doctor1!.call("activity", "GET", "/api/activity")).status).to.equal(403);
        expect((await new Browser(app).call("activity", "GET", "/api/activity")).status).to.equal(401);
        type Entries = {
          entries: { seq: number; actor: string; kind: string; role: string; reportId: string | null }[];
          head: { head: string; entries: number };
        };
        const all = await as.admin!.call<Entries>("activity", "GET", "/api/activity");
        expect(all.status).to.equal(200);
        expect(all.body.entries.map((e) => e.seq)).to.deep.equal([6, 5, 4, 3, 2, 1]);
        expect(all.body.head.entries).to.equal(6);
        const byUser = await as.admin!.call<Entries>("activity", "GET", `/api/activity?user=${addressOf("patient1")}`);
        expect(byUser.body.entries.map((e) => e.kind)).to.deep.equal(["report_opened", "login"]);
        const doctors = await as.admin!.call<Entries>("activity", "GET", "/api/activity?role=doctor");
        expect(doctors.body.entries.every((e) => e.actor === addressOf("doctor1").toLowerCase())).to.equal(true);
        const opened = await as.admin!.call<Entries>("activity", "GET", "/api/activity?kind=report_opened");
        expect(opened.body.entries.map((e) => e.reportId)).to.deep.equal([world.reportId, world.reportId]);
        const today = app.clock.now().toISOString().slice(0, 10);
        expect((await as.admin!.call<Entries>("activity", "GET", `/api/activity?from=${today}&to=${today}`)).body.entries).to.have.length(6);
        expect((await as.admin!.call<Entries>("activity", "GET", "/api/activity?to=2000-01-01")).body.entries).to.have.length(0);
        const bad = await as.admin!.call("activity", "GET", "/api/activity?role=wizard");
        expect(bad.status).to.equal(400);
      });

      it("exports the log as CSV", async () => {
        const csv = await as.admin!.call("activity", "GET", "/api/activity?format=csv");
        expect(csv.status).to.equal(200);
        expect(csv.headers.get("content-type")).to.contain("text/csv");
        expect(csv.headers.get("content-disposition")).to.contain("attachment");
        const lines = csv.text.trim().split("\r\n");
        expect(lines[0]).to.equal("seq,at,actor,role,kind,reportId,sessionId,prevHash,hash");
        expect(lines).to.have.length(7);
        expect(lines[1]).to.match(/^"6","[^"]+","0x[0-9a-f]{40}","doctor","report_opened","0x[0-9a-f]{64}"/);
      });

      it("verifies the log for the admin against the on-chain anchors, through the API", async () => {
        await anchorAuditHead(world.ledger.as("admin"), database.db);
        type Verification = { ok: boolean; entries: number; anchorsChecked: number; latestAnchor: { entries: number; blockNumber: string } };
        const reply = await as.admin!.call<Verification>("activityVerify", "GET", "/api/activity/verify");
        expect(reply.status).to.equal(200);
        expect(reply.body).to.include({ ok: true, entries: 6, anchorsChecked: 1 });
        expect(reply.body.latestAnchor.entries).to.equal(6);
        expect(reply.body.latestAnchor.blockNumber).to.match(/^\d+$/);
        await database.db.execute(sql`update activity_log set kind = 'logout' where seq = 5`);
        const tampered = await as.admin!.call<{ ok: boolean; firstProblem: { kind: string; seq: number } }>("activityVerify", "GET", "/api/activity/verify");
        expect(tampered.body.ok).to.equal(false);
        expect(tampered.body.firstProblem).to.include({ kind: "altered", seq: 5 });
        expect((await as.doctor1!.call("activityVerify", "GET", "/api/activity/verify")).status).to.equal(403);
      });

      it("never stores report content or personal data: only addresses, ids, times and hashes", async () => {
        const rows = await allActivity(database.db);
        for (const row of rows) {
          expect(row.actor).to.match(/^0x[0-9a-f]{40}$/);
          expect(Object.keys(row).sort()).to.deep.equal(["actor", "at", "hash", "id", "kind", "prevHash", "reportId", "role", "seq", "sessionId", "via"]);
          expect(row.via, "how a report was opened, nothing else").to.be.oneOf([null, "app", "cli"]);
        }
        const address: Address = addressOf("patient1");
        expect(rows.some((r) => r.actor === address.toLowerCase())).to.equal(true);
      });
    });
  });
}

describe("server: the embedded database's data folder", function () {
  this.timeout(60_000);

  it("is used by one process at a time: a second process is refused with a clear error", async () => {
    const root = mkdtempSync(join(tmpdir(), "medledger-lock-"));
    const dir = join(root, "pglite");
    try {
      const database = await openDatabase({ dataDir: dir, env: {}, loadDataDir: await pgliteTemplate() });
      const script = `import { openDatabase } from ${JSON.stringify(new URL("../../server/db/open.ts", import.meta.url).href)};
        try { await openDatabase({ dataDir: ${JSON.stringify(dir)}, env: {} }); console.log("opened"); }
        catch (e) { console.log(e.code + ": " + e.message); }`;
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      await new Promise((resolve) => child.once("exit", resolve));
      expect(out.trim()).to.equal(`CONFIG: The embedded database in ${dir} is in use by process ${process.pid} (the web server?).`);
      await database.close();
      // Once closed, the folder opens again.
      const again = await openDatabase({ dataDir: dir, env: {} });
      await again.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
