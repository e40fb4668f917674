/**
 * `npm run test:suites`: every suite but the contracts' (those run with coverage in
 * `npm run test:contracts`), as `hardhat test mocha` over the same globs as always, split into
 * groups that run side by side in their own processes — the browser suites (test/e2e) in one, all
 * the others in another. Much of each group's time is spent waiting (a block every 2 seconds, a
 * node that never answers, processes starting), so two groups on two cores take far less than one
 * after the other. A new test file joins its folder's group by the globs alone.
 *
 * The groups share nothing a test could see: each gets its own PostgreSQL database on the server
 * of DATABASE_URL (the local stacks of the e2e and CLI suites empty the server's tables and drop
 * other chains' index schemas of the database they use), and the contracts and the web app are
 * built once before either starts (both groups start web servers of the same build). The browser
 * group starts each next file's stack while the last file runs (spare stacks, harness/browser/stack.ts).
 *
 * MEDLEDGER_TEST_JOBS=1 runs everything in one process, in the order of the globs (as before);
 * `npm run test:suites -- <files or globs>` runs only those, grouped alike.
 * Output: the first group's lines as they come; another group's are held back and printed whole
 * once the groups before it have ended, so the log reads as one run after the other (each group's
 * output is also written as it comes to test-results/suites-<group>.log). A per-file
 * timing table ends each group's output (test/support/timingReporter.cjs).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, globSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative, resolve } from "node:path";
import pg from "pg";
import { ensureWebBuild } from "#harness/browser/build.ts";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { BIN, childEnv } from "#local-stack/processes.ts";

/** The globs of every suite, in the order one process runs them. */
const ALL = [
  "test/core/*/*.test.ts",
  "test/local-stack/*.test.ts",
  "test/web/*.test.ts",
  "test/cli/*.test.ts",
  "test/server/*.test.ts",
  "test/e2e/*.test.ts",
  "test/indexer/*.test.ts",
] as const;

/**
 * The browser suites' group: a real browser against the built web app, each file with its own
 * stack; with them the local-stack and indexer suites, so that both groups take about as long.
 */
const isBrowser = (path: string) => ["test/e2e/", "test/local-stack/", "test/indexer/"].some((folder) => path.startsWith(folder));

/** The groups for `jobs` processes; `only`: files or globs given on the command line instead of all. */
function groups(jobs: number, only: readonly string[]): { name: string; files: string[] }[] {
  const all = (only.length > 0 ? only : ALL)
    .flatMap((pattern) => globSync(pattern, { cwd: PROJECT_ROOT }).sort())
    .map((file) => relative(PROJECT_ROOT, resolve(PROJECT_ROOT, file)));
  if (jobs <= 1) return [{ name: "all", files: all }];
  return [
    { name: "node", files: all.filter((file) => !isBrowser(file)) },
    { name: "browser", files: all.filter(isBrowser) },
  ].filter((group) => group.files.length > 0);
}

/** A throw-away database on the PostgreSQL server of `url`, for one group. */
async function groupDatabase(url: string, group: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `medledger_suites_${group}_${randomBytes(4).toString("hex")}`;
  const run = async (query: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Writes each group's output in group order: the current group's live, later groups' once they are current. */
class Output {
  private current = 0;
  private readonly held: string[][];
  private readonly done: boolean[];
  constructor(count: number) {
    this.held = Array.from({ length: count }, () => []);
    this.done = Array.from({ length: count }, () => false);
  }
  write(index: number, text: string): void {
    if (index === this.current) process.stdout.write(text);
    else this.held[index]!.push(text);
  }
  end(index: number): void {
    this.done[index] = true;
    while (this.current < this.done.length && this.done[this.current]) {
      this.current++;
      if (this.current < this.held.length) {
        process.stdout.write(this.held[this.current]!.join(""));
        this.held[this.current] = [];
      }
    }
  }
  /** Everything still held back (the run is being stopped). */
  flush(): void {
    for (let i = this.current + 1; i < this.held.length; i++) process.stdout.write(this.held[i]!.join(""));
  }
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

async function main(): Promise<number> {
  const jobs = Number(process.env.MEDLEDGER_TEST_JOBS ?? Math.min(2, availableParallelism()));
  const plan = groups(Number.isInteger(jobs) && jobs > 0 ? jobs : 1, process.argv.slice(2));
  const started = Date.now();

  // Built once, before any group: the groups must not compile or build at the same time.
  const build = spawnSync(join(BIN, "hardhat"), ["build"], { cwd: PROJECT_ROOT, env: childEnv(), stdio: "inherit" });
  if (build.status !== 0) return build.status ?? 1;
  ensureWebBuild((line) => console.log(line));

  const databases = new Map<string, { url: string; drop(): Promise<void> }>();
  const postgres = process.env.DATABASE_URL;
  if (postgres && plan.length > 1) for (const group of plan) databases.set(group.name, await groupDatabase(postgres, group.name));

  const output = new Output(plan.length);
  const children: ChildProcess[] = [];
  const stop = (signal: NodeJS.Signals) => {
    for (const child of children) child.kill(signal);
    output.flush();
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));

  if (plan.length > 1) console.log(`[suites] ${plan.length} groups side by side: ${plan.map((g) => `${g.name} (${g.files.length} files)`).join(", ")}`);
  const results = await Promise.all(
    plan.map(
      (group, index) =>
        new Promise<{ group: (typeof plan)[number]; code: number; ms: number; passing: number; failing: number }>((resolve) => {
          const t0 = Date.now();
          const env = childEnv({
            ...(databases.has(group.name) ? { DATABASE_URL: databases.get(group.name)!.url } : {}),
            // Several browser files: each next one finds its stack started while the last one ran.
            ...(group.files.filter(isBrowser).length > 1 ? { MEDLEDGER_E2E_SPARE_STACKS: "1" } : {}),
          });
          const child = spawn(join(BIN, "hardhat"), ["test", "mocha", "--no-compile", ...group.files], {
            cwd: PROJECT_ROOT,
            env,
            stdio: ["ignore", "pipe", "pipe"],
          });
          children.push(child);
          // Each group's output as it comes, also for a group whose output is still held back: `tail -f` it.
          mkdirSync(join(PROJECT_ROOT, "test-results"), { recursive: true });
          const log = createWriteStream(join(PROJECT_ROOT, "test-results", `suites-${group.name}.log`));
          let text = "";
          const take = (chunk: Buffer) => {
            const s = chunk.toString("utf8");
            log.write(s);
            text += s;
            if (text.length > 20_000) text = text.slice(-20_000);
            output.write(index, s);
          };
          child.stdout.on("data", take);
          child.stderr.on("data", take);
          child.on("close", (code, signal) => {
            const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? 0);
            if (plan.length > 1)
              output.write(
                index,
                `[suites] group ${group.name}: ${code === 0 ? "passed" : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds(Date.now() - t0)}\n`,
              );
            output.end(index);
            log.end();
            resolve({ group, code: code ?? 1, ms: Date.now() - t0, passing: count("passing"), failing: count("failing") });
          });
        }),
    ),
  );
  for (const database of databases.values())
    await database.drop().catch((error: unknown) => console.error(`[suites] could not drop a database: ${String(error)}`));

  if (plan.length > 1) {
    const passing = results.reduce((n, r) => n + r.passing, 0);
    const failing = results.reduce((n, r) => n + r.failing, 0);
    console.log(
      `[suites] ${passing} passing, ${failing} failing in ${seconds(Date.now() - started)} (${results.map((r) => `${r.group.name} ${seconds(r.ms)}${r.code === 0 ? "" : " FAILED"}`).join(", ")})`,
    );
  }
  return results.every((r) => r.code === 0) ? 0 : 1;
}

process.exitCode = await main();
