/**
 * Runs the `medledger` CLI as a user would: `node cli/bin.ts …` as a child process with the
 * project's Node first on PATH and no MedLedger settings but those given. Used by the tests and
 * the benchmarks.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { childEnv } from "#local-stack/processes.ts";

export const CLI = join(PROJECT_ROOT, "cli", "bin.ts");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a user has: no MedLedger settings but those given, the project's Node on PATH. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = childEnv();
  for (const key of Object.keys(env)) if (key.startsWith("MEDLEDGER_") || key === "IPFS_API_URL") delete env[key];
  return { ...env, ...extra };
}

/** Runs `node cli/bin.ts ...args` and collects its output and exit code. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("node", [CLI, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses the JSON document a `--json` run printed on stdout. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
