/**
 * `npm run bench`: the core and web benchmarks; figures are merged into bench/results/perf.json.
 * `node bench/run.ts --only core|web|server` runs one part; `--only first-load` only the web part's
 * first-load JavaScript of every page.
 */
import { Command, Option } from "commander";
import { benchCore } from "./core.ts";
import { benchServer } from "./server.ts";
import { writeResults } from "./stats.ts";
import { benchWeb } from "./web.ts";

const { only } = new Command("bench")
  .addOption(new Option("--only <part>", "run one part only").choices(["core", "web", "first-load", "server"]))
  .parse()
  .opts<{ only?: "core" | "web" | "first-load" | "server" }>();

const log = (line: string) => console.log(`[bench] ${line}`);
const figures: Record<string, number | string> = {};
if (only === undefined || only === "core") Object.assign(figures, await benchCore(log));
if (only === undefined || only === "web") Object.assign(figures, await benchWeb(log));
if (only === "first-load") Object.assign(figures, await benchWeb(log, { firstLoadOnly: true }));
if (only === undefined || only === "server") Object.assign(figures, await benchServer(log));
const path = writeResults("perf", figures);
console.table(Object.entries(figures).map(([key, value]) => ({ figure: key, value })));
console.log(`written to ${path}`);
