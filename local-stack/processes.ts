/**
 * Child processes of the local stack: started with a readiness probe, stopped cleanly, and never
 * outliving the stack — each runs under local-stack/supervisor.ts, which stops it when the stack's
 * process is gone, even after a SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { PROJECT_ROOT } from "#core/node/config.ts";

export const BIN = join(PROJECT_ROOT, "node_modules", ".bin");

/** Environment for children: the project's Node 24 first on PATH. */
export function childEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PATH: `${BIN}:${base.PATH ?? ""}`, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Last lines of output, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

const SUPERVISOR = join(PROJECT_ROOT, "local-stack", "supervisor.ts");

export interface StartProcessOptions {
  /** How long the child may take to exit after SIGTERM before it is killed (anvil writes its state then). */
  readonly graceMs?: number;
  readonly onLine?: (line: string) => void;
}

/**
 * Starts `command` through the supervisor, in a process group of its own: the stack keeps the
 * write end of the supervisor's stdin, whose EOF (the stack has exited, however) stops the child.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: StartProcessOptions = {},
): ManagedProcess {
  const graceMs = options.graceMs ?? 5_000;
  const onLine = options.onLine;
  const child = spawn(process.execPath, [SUPERVISOR, String(graceMs), command, ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  child.stdin?.on("error", () => {});
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
    stop: () => stopChild(child, graceMs),
  };
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The supervisor passes SIGTERM on once and escalates to SIGKILL after the grace period; should
  // it not answer, the whole process group (supervisor, npx → node → …) is killed.
  try {
    process.kill(child.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }, graceMs + 2_000);
  await exited;
  clearTimeout(timer);
}

/** Whether the process `pid` exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Polls `probe` until it resolves true, the process dies, or the timeout passes. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, proc?: ManagedProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) {
      throw new Error(
        `${proc.name} exited (${proc.child.exitCode !== null ? `code ${proc.child.exitCode}` : proc.child.signalCode}) before ${what}:\n${proc.tail()}`,
      );
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

/** The process listening on TCP `port`, as far as this user can see it (Linux: /proc). */
export interface PortHolder {
  readonly pid: number;
  /** Its command line, shortened. */
  readonly command: string;
}

/**
 * Finds the process that listens on `port`: the socket's inode from /proc/net/tcp{,6}, then the
 * process holding that inode among /proc/<pid>/fd. Undefined off Linux, or when the holder belongs
 * to another user (its fds are not readable).
 */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== "0A") continue; // 0A = LISTEN
      if (Number.parseInt(local.split(":")[1] ?? "", 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && inodes.has(match[1]!)) {
        let command = "";
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
        } catch {
          /* gone meanwhile */
        }
        return { pid: Number(pid), command: command.length > 120 ? `${command.slice(0, 117)}…` : command };
      }
    }
  }
  return undefined;
}
