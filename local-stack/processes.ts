/** Child processes of the local stack: started with a readiness probe, stopped cleanly. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { PROJECT_ROOT } from "#core/node/config.ts";

export const BIN = join(PROJECT_ROOT, "node_modules", ".bin");

/** Environment for children: the project's Node 24 first on PATH. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}`, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Last lines of output, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export function startProcess(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): ManagedProcess {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return {
    name,
    child,
    tail: () => lines.join("\n"),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal); // the whole process group (npx → node → …)
    } catch {
      /* already gone */
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `probe` until it resolves true, the process dies, or the timeout passes. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, proc?: ManagedProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited (code ${proc.child.exitCode}) before ${what}:\n${proc.tail()}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${proc ? `:\n${proc.tail()}` : ""}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:`port`. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}
