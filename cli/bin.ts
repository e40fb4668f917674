#!/usr/bin/env node
/** Entry point of the `medledger` command (runs on Node ≥ 22.18 / 24 type stripping). */
import { runCli } from "./program.ts";

const code = await runCli(process.argv.slice(2), {
  io: { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) },
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stdin.isTTY),
  exitCode: 0,
});
process.exitCode = code;
