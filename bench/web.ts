/**
 * Web benchmark on the production build: first-load JavaScript of every page (every script the
 * page's HTML loads, gzipped — what a first visit downloads; the budget is 300 kB), and the time to
 * list 10,000 reports of one patient through the indexer to rendered rows, in Chromium.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startLocalStack, type LocalStack } from "#local-stack/index.ts";
import { freePort } from "#local-stack/processes.ts";
import { round } from "./stats.ts";
import { benchListing } from "./listing.ts";
import { benchTimeline } from "./timeline.ts";

/**
 * Sum of the gzipped sizes (kB) of the scripts `path` loads on first visit. Scripts marked
 * `noModule` (Next's legacy polyfills, ~40 kB) are left out: browsers that run module scripts —
 * every browser the app supports — never download them.
 */
export async function firstLoadJsKb(webUrl: string, path: string, options: { includeNoModule?: boolean } = {}): Promise<number> {
  const html = await (await fetch(new URL(path, webUrl))).text();
  const tags = [...html.matchAll(/<script[^>]+src="[^"]+"[^>]*>/g)].map((m) => m[0]).filter((tag) => options.includeNoModule || !/\snomodule\b/i.test(tag));
  const sources = new Set(tags.map((tag) => /src="([^"]+)"/.exec(tag)![1]!));
  let bytes = 0;
  for (const src of sources) {
    const body = new Uint8Array(await (await fetch(new URL(src, webUrl))).arrayBuffer());
    bytes += gzipSync(body, { level: 9 }).length;
  }
  return round(bytes / 1000, 1);
}

/** Every page of the app, with the key its figures are recorded under (`<key>PageFirstLoadJsKbGzip`). */
export const PAGES = [
  ["home", "/"],
  ["verify", "/verify"],
  ["patient", "/patient"],
  ["doctor", "/doctor"],
  ["reception", "/reception"],
  ["admin", "/admin"],
  ["activity", "/activity"],
  ["appointments", "/appointments"],
] as const;

export async function benchWeb(log: (line: string) => void, options: { firstLoadOnly?: boolean } = {}): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-bench-web-"));
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      rpcPort: await freePort(),
      ipfsPort: await freePort(),
      indexerPort: await freePort(),
      webPort: await freePort(),
      dataDir,
      seed: false,
      web: true,
      writeDeploymentFile: false,
    });
    const figures: Record<string, number> = {};
    for (const [page, path] of PAGES) {
      figures[`${page}PageFirstLoadJsKbGzip`] = await firstLoadJsKb(stack.webUrl!, path);
      figures[`${page}PageFirstLoadJsKbGzipWithNoModulePolyfills`] = await firstLoadJsKb(stack.webUrl!, path, { includeNoModule: true });
    }
    log(`first-load JS (gzip, module browsers): ${PAGES.map(([page]) => `${page} ${figures[`${page}PageFirstLoadJsKbGzip`]} kB`).join(", ")}`);
    if (options.firstLoadOnly) return figures;
    Object.assign(figures, await benchListing(stack, log));
    Object.assign(figures, await benchTimeline(stack, log));
    return figures;
  } finally {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
