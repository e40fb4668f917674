/**
 * Runs one child of the local stack (the chain node, the web server) so that it dies with the
 * stack even when the stack is killed with SIGKILL, which no process can catch:
 *
 *   node local-stack/supervisor.ts <grace-ms> <command> [args…]
 *
 * The stack holds the write end of this process's stdin and never writes to it. When the stack
 * exits — cleanly, by a crash or by SIGKILL — the kernel closes that pipe, stdin reaches EOF, and
 * the supervisor stops its whole process group: SIGTERM first (anvil writes its state file on
 * SIGTERM), SIGKILL after the grace period. The supervisor and the command share one process
 * group, so the stack's own `kill(-pid)` reaches every process of the child too (npx → node → …).
 * On Linux the command additionally runs under `setpriv --pdeathsig KILL`, so even a SIGKILL of the
 * supervisor itself leaves no orphan. Plain JavaScript syntax only: Node runs it without a build.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";

const [graceArg, command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node local-stack/supervisor.ts <grace-ms> <command> [args…]");
  process.exit(2);
}
const graceMs = Number(graceArg) || 5_000;
const SETPRIV = "/usr/bin/setpriv";
const [file, argv] = process.platform === "linux" && existsSync(SETPRIV) ? [SETPRIV, ["--pdeathsig", "KILL", "--", command, ...args]] : [command, args];

// Same process group as this supervisor (no `detached`): one kill(-pgid) reaches everything.
const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
// Forward output while the stack listens; once it is gone, keep draining the pipes quietly, so
// that the child never dies of a broken pipe before it has shut down cleanly.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});
child.stdout.on("data", (chunk) => process.stdout.write(chunk));
child.stderr.on("data", (chunk) => process.stderr.write(chunk));

let stopping = false;
const signalGroup = (signal: NodeJS.Signals) => {
  try {
    process.kill(-process.pid, signal);
  } catch {
    /* the group is gone */
  }
};
const stop = () => {
  if (stopping) return;
  stopping = true;
  signalGroup("SIGTERM"); // reaches this process too: its handler below is a no-op by then
  setTimeout(() => signalGroup("SIGKILL"), graceMs).unref();
};

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.on("error", stop);
process.stdin.resume();

child.on("error", (error) => {
  console.error(`cannot start ${command}: ${error.message}`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  // Whatever the child left behind in the group (a worker, a grandchild) goes with it.
  if (!stopping) {
    stopping = true;
    signalGroup("SIGTERM");
  }
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
});
