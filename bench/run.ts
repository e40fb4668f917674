/** `npm run bench`: the core and web benchmarks; figures go to bench/results/perf.json. */
import { benchCore } from "./core.ts";
import { writeResults } from "./stats.ts";
import { benchWeb } from "./web.ts";

const log = (line: string) => console.log(`[bench] ${line}`);
const figures: Record<string, number> = { ...(await benchCore(log)), ...(await benchWeb(log)) };
const path = writeResults("perf", figures);
console.table(Object.entries(figures).map(([key, value]) => ({ figure: key, value })));
console.log(`written to ${path}`);
