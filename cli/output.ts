/**
 * What the CLI prints: human text or one JSON document per command (`--json`), and errors as
 * "Error: … / What to do: …" on stderr, never a stack trace.
 */
import { bytesToHex } from "viem";
import { MedLedgerError, type MedLedgerErrorCode } from "#core/errors.ts";

/** Where a run writes; the real process streams in bin.ts, buffers in tests. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The per-run state shared by every command: its streams and the exit code it ends with. */
export interface CliRun {
  readonly io: CliIO;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Whether stdin is an interactive terminal (for the keystore password prompt). */
  readonly interactive: boolean;
  exitCode: number;
}

/** Exit codes of the CLI. `verify` adds 1 = not registered, 3 = mismatch or superseded. */
export const EXIT = {
  ok: 0,
  failed: 1,
  notRegistered: 1,
  usage: 2,
  mismatch: 3,
  /** A verification without the file: something is on record, the file is needed to confirm it. */
  fileNeeded: 4,
} as const;

/** Errors that mean "wrong invocation or cannot reach the network" → exit 2; other refusals → 1. */
const USAGE_OR_CONNECTION: ReadonlySet<MedLedgerErrorCode> = new Set<MedLedgerErrorCode>([
  "CONFIG",
  "INVALID_INPUT",
  "RPC_UNREACHABLE",
  "RPC_LIMIT",
  "IPFS_UNREACHABLE",
  "WRONG_CHAIN",
  "NO_CONTRACT",
  "EMPTY_FILE",
  "FILE_TOO_LARGE",
]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof MedLedgerError) return USAGE_OR_CONNECTION.has(error.code) ? EXIT.usage : EXIT.failed;
  return EXIT.usage;
}

/** JSON.stringify that writes bigints as decimal strings and bytes as 0x-hex. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return bytesToHex(v);
      return v;
    },
    2,
  );
}

/** Printing for one command: progress and details in human mode, a single JSON result with `--json`. */
export interface Printer {
  readonly json: boolean;
  /** A progress line (human mode only; JSON mode keeps stdout to the result). */
  step(text: string): void;
  /** An informational line (human mode only). */
  line(text: string): void;
  /** A warning, on stderr in both modes. */
  warn(text: string): void;
  /** The command's result: `data` as JSON, or `human` as text. */
  result(data: unknown, human: string | readonly string[]): void;
}

export function createPrinter(run: CliRun, json: boolean): Printer {
  const human = (text: string) => {
    if (!json) run.io.out(`${text}\n`);
  };
  return {
    json,
    step: (text) => human(`• ${text}`),
    line: human,
    warn: (text) => run.io.err(`Warning: ${text}\n`),
    result(data, text) {
      if (json) run.io.out(`${toJson(data)}\n`);
      else run.io.out(`${(typeof text === "string" ? [text] : text).join("\n")}\n`);
    },
  };
}

/** Prints an error the way users see it and returns the exit code. */
export function printError(run: CliRun, error: unknown, json: boolean): number {
  const code = exitCodeFor(error);
  if (error instanceof MedLedgerError) {
    run.io.err(`Error: ${error.message}\nWhat to do: ${error.hint}\n${error.details ? `Details: ${error.details}\n` : ""}`);
    const details = error.details ? { details: error.details } : {};
    if (json) run.io.out(`${toJson({ ok: false, error: { code: error.code, message: error.message, hint: error.hint, ...details } })}\n`);
    return code;
  }
  const message = error instanceof Error ? (error.message.split("\n")[0] ?? "unknown error") : String(error);
  run.io.err(`Error: unexpected failure: ${message}\nWhat to do: check the command and the configuration, then retry.\n`);
  if (json) run.io.out(`${toJson({ ok: false, error: { code: "UNEXPECTED", message } })}\n`);
  return code;
}

/** A short, readable date of a Unix-seconds timestamp. */
export function formatTime(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/** Pads the columns of `rows` into aligned text lines. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}
