/**
 * Web benchmark on the production build: first-load JavaScript of the patient and verify pages
 * (every script the page's HTML loads, gzipped — what a first visit downloads), and the time to
 * list 1,000 reports of one patient from chain events to rendered rows, in Chromium.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startLocalStack, type LocalStack } from "../scripts/local-stack/index.ts";
import { freePort } from "../scripts/local-stack/processes.ts";
import { round } from "./stats.ts";
import { benchListing } from "./listing.ts";

/** Sum of the gzipped sizes (kB) of the scripts `path` loads on first visit. */
export async function firstLoadJsKb(webUrl: string, path: string): Promise<number> {
  const html = await (await fetch(new URL(path, webUrl))).text();
  const sources = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!));
  let bytes = 0;
  for (const src of sources) {
    const body = new Uint8Array(await (await fetch(new URL(src, webUrl))).arrayBuffer());
    bytes += gzipSync(body, { level: 9 }).length;
  }
  return round(bytes / 1000, 1);
}

export async function benchWeb(log: (line: string) => void): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-bench-web-"));
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      rpcPort: await freePort(),
      ipfsPort: await freePort(),
      webPort: await freePort(),
      dataDir,
      seed: false,
      web: true,
      writeDeploymentFile: false,
    });
    const figures: Record<string, number> = {
      patientPageFirstLoadJsKbGzip: await firstLoadJsKb(stack.webUrl!, "/patient"),
      verifyPageFirstLoadJsKbGzip: await firstLoadJsKb(stack.webUrl!, "/verify"),
    };
    log(`first-load JS (gzip): patient ${figures.patientPageFirstLoadJsKbGzip} kB, verify ${figures.verifyPageFirstLoadJsKbGzip} kB`);
    Object.assign(figures, await benchListing(stack, log));
    return figures;
  } finally {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
