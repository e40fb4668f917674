/**
 * `medledger audit anchor` and `audit verify` against a real activity database (PGlite): the log
 * is anchored on chain, then rows are altered and deleted with SQL, and verify names each first
 * altered or removed entry (exit 3).
 */
import { join } from "node:path";
import { expect } from "chai";
import { sql } from "drizzle-orm";
import { appendActivity } from "#server/activity/log.ts";
import { openDatabase } from "#server/db/open.ts";
import { address, json, startCliStack, type CliStack } from "../support/cli.ts";

describe("medledger audit: the activity log against its on-chain anchors", function () {
  this.timeout(300_000);
  let cli: CliStack;
  let dataDir: string;

  async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dataDir, env: {} });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  }

  before(async () => {
    cli = await startCliStack();
    dataDir = join(cli.dir, "pglite");
    await withDb(async (db) => {
      for (const [handle, kind] of [
        ["admin", "login"],
        ["doctor1", "login"],
        ["doctor1", "logout"],
        ["patient1", "login"],
        ["admin", "logout"],
      ] as const) {
        await appendActivity(db, { actor: address(handle), roles: [handle.replace(/\d$/, "")], kind });
      }
    });
  });
  after(async () => {
    await cli?.stop();
  });

  it("anchors the head (admin only) and verifies an intact log", async () => {
    const refused = await cli.run(["audit", "anchor", "--as", "doctor1", "--data-dir", dataDir]);
    expect(refused.code, refused.stderr).to.equal(1);
    const anchored = await cli.run(["audit", "anchor", "--as", "admin", "--data-dir", dataDir, "--json"]);
    expect(anchored.code, anchored.stderr).to.equal(0);
    expect(json<{ anchor: { entries: number } }>(anchored).anchor.entries).to.equal(5);
    const verified = await cli.run(["audit", "verify", "--data-dir", dataDir]);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.contain("intact: 5 entries, 1 on-chain anchor(s)");
  });

  it("names the first altered entry", async () => {
    await withDb((db) => db.execute(sql`update activity_log set kind = 'logout' where seq = 2`));
    const result = await cli.run(["audit", "verify", "--data-dir", dataDir, "--json"]);
    expect(result.code).to.equal(3);
    const { verification } = json<{ verification: { ok: boolean; firstProblem: { seq: number; kind: string } } }>(result);
    expect(verification.ok).to.equal(false);
    expect(verification.firstProblem.seq).to.equal(2);
    expect(verification.firstProblem.kind).to.equal("altered");
    await withDb((db) => db.execute(sql`update activity_log set kind = 'login' where seq = 2`));
    expect((await cli.run(["audit", "verify", "--data-dir", dataDir])).code).to.equal(0);
  });

  it("names the first removed entry", async () => {
    await withDb((db) => db.execute(sql`delete from activity_log where seq = 3`));
    const result = await cli.run(["audit", "verify", "--data-dir", dataDir]);
    expect(result.code).to.equal(3);
    expect(result.stdout).to.match(/tampered/);
    expect(result.stdout).to.match(/\b3\b/);
  });
});
