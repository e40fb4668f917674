/* eslint-disable @typescript-eslint/no-require-imports -- Mocha loads reporters with require() */
/**
 * Mocha's spec reporter, plus the wall time of each test file at the end of the run (before and
 * after hooks included: starting a stack is most of some files' time), slowest first — to see
 * where the suites' time goes. A CommonJS file because Mocha require()s its reporter.
 */
const { relative } = require("node:path");
const Mocha = require("mocha");

class TimingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const files = new Map();
    const t0 = Date.now();
    runner.on("suite", (suite) => {
      if (suite.parent?.root) started.set(suite, Date.now());
    });
    runner.on("suite end", (suite) => {
      if (!started.has(suite)) return;
      const file = suite.file ? relative(process.cwd(), suite.file) : suite.title;
      const entry = files.get(file) ?? { ms: 0, tests: 0 };
      entry.ms += Date.now() - started.get(suite);
      entry.tests += suite.total();
      files.set(file, entry);
    });
    runner.once("end", () => {
      const rows = [...files].sort((a, b) => b[1].ms - a[1].ms);
      const lines = [`  Time per file (${rows.length} files, ${((Date.now() - t0) / 1000).toFixed(1)} s in all):`];
      for (const [file, { ms, tests }] of rows) lines.push(`  ${(ms / 1000).toFixed(1).padStart(7)} s ${String(tests).padStart(4)} tests  ${file}`);
      process.stdout.write(`\n${lines.join("\n")}\n`);
    });
  }
}

module.exports = TimingReporter;
