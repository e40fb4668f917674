/**
 * The browser tests run against the production build. This builds the web app when there is no
 * build, or when a source of the app (web/, core/, server/) is newer than the build.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { BIN, childEnv } from "#local-stack/processes.ts";

const SOURCE_DIRS = ["web", "core", "server"];
const SKIP = new Set(["node_modules", ".next", "next-env.d.ts", "tsconfig.tsbuildinfo"]);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether `next build web` must run before the tests. */
export function webBuildIsStale(): boolean {
  const buildId = join(PROJECT_ROOT, "web", ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCE_DIRS.some((dir) => newestMtime(join(PROJECT_ROOT, dir)) > built);
}

/** Runs `next build web` if needed (the same command as `npm run build:web`). */
export function ensureWebBuild(log: (line: string) => void = () => {}): void {
  if (!webBuildIsStale()) return;
  log("building the web app (next build web)…");
  // The same steps as `npm run build:web`: pdf.js's worker into web/public, then the build.
  const copied = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "copy-pdf-worker.ts")], { cwd: PROJECT_ROOT, env: childEnv(), encoding: "utf8" });
  if (copied.status !== 0) throw new Error(`copying pdf.js's worker failed:\n${copied.stderr}`);
  const result = spawnSync(join(BIN, "next"), ["build", "web"], { cwd: PROJECT_ROOT, env: childEnv(), encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`next build web failed:\n${(result.stdout ?? "").slice(-4000)}\n${(result.stderr ?? "").slice(-4000)}`);
  }
}
