/** Small helpers for benchmarks: timing, medians, the results file. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "#core/node/config.ts";

export const RESULTS_DIR = join(PROJECT_ROOT, "bench", "results");

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `fn` `runs` times (after one warm-up) and returns the median duration in ms. */
export async function medianMs(runs: number, fn: (run: number) => Promise<unknown>): Promise<number> {
  await fn(-1);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return round(median(times));
}

/** Merges `figures` into bench/results/<name>.json (other keys are kept). */
export function writeResults(name: string, figures: Record<string, number | string>): string {
  const path = join(RESULTS_DIR, `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
  writeFileSync(path, `${JSON.stringify({ ...previous, ...figures }, null, 2)}\n`);
  return path;
}
