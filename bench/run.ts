/**
 * `npm run bench`: the core and web benchmarks; figures are merged into bench/results/perf.json.
 * `node bench/run.ts --only core|web` runs one part.
 */
import { Command, Option } from "commander";
import { benchCore } from "./core.ts";
import { writeResults } from "./stats.ts";
import { benchWeb } from "./web.ts";

const { only } = new Command("bench")
  .addOption(new Option("--only <part>", "run one part only").choices(["core", "web"]))
  .parse()
  .opts<{ only?: "core" | "web" }>();

const log = (line: string) => console.log(`[bench] ${line}`);
const figures: Record<string, number> = {};
if (only !== "web") Object.assign(figures, await benchCore(log));
if (only !== "core") Object.assign(figures, await benchWeb(log));
const path = writeResults("perf", figures);
console.table(Object.entries(figures).map(([key, value]) => ({ figure: key, value })));
console.log(`written to ${path}`);
