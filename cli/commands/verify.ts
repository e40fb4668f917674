/** `medledger verify <file>` / `--sha1` / `--sha256`: public verification, no wallet needed. */
import type { Command } from "commander";
import { MedLedgerError } from "#core/errors.ts";
import { checkVerifyInput, verifyReport, type VerificationResult, type VerifyInput } from "#core/verify/verify.ts";
import { digestPath } from "#core/node/files.ts";
import { openReader, type GlobalOptions } from "../context.ts";
import { EXIT, createPrinter, formatTime, type CliRun } from "../output.ts";
import { fileSize } from "../files.ts";

interface VerifyOptions extends GlobalOptions {
  readonly sha1?: string;
  readonly sha256?: string;
}

/** The exit code of a verification: 0 genuine, 1 not registered, 3 mismatch or superseded. */
export function verificationExitCode(result: VerificationResult): number {
  switch (result.status) {
    case "genuine":
      return EXIT.ok;
    case "not-registered":
      return EXIT.notRegistered;
    default:
      return EXIT.mismatch;
  }
}

function describe(result: VerificationResult, doctor: string | undefined): string[] {
  const lines: string[] = [];
  const d = result.digests;
  const r = result.record;
  switch (result.status) {
    case "genuine":
      lines.push("GENUINE: this is a registered MedLedger report, unchanged and current.");
      break;
    case "superseded":
      lines.push(`SUPERSEDED: this file is registered, but it was amended by report ${r?.supersededBy ?? "?"}.`, "Ask the hospital or the patient for the current version.");
      break;
    case "mismatch":
      lines.push(`MISMATCH: ${result.detail ?? "the digests do not belong to the same report."}`, "Do not trust this file.");
      break;
    case "not-registered":
      lines.push("NOT REGISTERED: no MedLedger report has these digests. The file is not a registered report, or it was changed.");
      break;
  }
  if (d.sha256) lines.push(`  SHA-256     ${d.sha256}`);
  if (d.sha1) lines.push(`  SHA-1       ${d.sha1}`);
  if (r) {
    lines.push(`  Report      ${r.reportId}`);
    lines.push(`  Patient     ${r.patient}`);
    lines.push(`  Doctor      ${r.doctor}${doctor ? ` (${doctor})` : ""}`);
    lines.push(`  Registered  ${formatTime(r.registeredAt)} (block ${r.blockNumber})`);
    if (r.supersededBy) lines.push(`  Amended by  ${r.supersededBy}`);
  }
  return lines;
}

export function registerVerifyCommand(program: Command, run: CliRun): void {
  program
    .command("verify")
    .description("Check whether a file (or a digest) is a genuine, current MedLedger report. Needs no wallet; the file never leaves this computer.")
    .argument("[file]", "the report file to check")
    .option("--sha1 <hex>", "look up a SHA-1 digest (40 hex digits) instead of a file")
    .option("--sha256 <hex>", "look up a SHA-256 digest / report id (64 hex digits) instead of a file")
    .addHelpText(
      "after",
      "\nExit codes: 0 genuine and current, 1 not registered, 3 digest mismatch or superseded, 2 usage or connection error.",
    )
    .action(async (file: string | undefined, _opts: VerifyOptions, cmd: Command) => {
      const opts = cmd.optsWithGlobals<VerifyOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const given = [file, opts.sha1, opts.sha256].filter((v) => v !== undefined).length;
      if (given !== 1) {
        throw new MedLedgerError("INVALID_INPUT", "Give exactly one of: a file, --sha1 <hex>, --sha256 <hex>.", "Example: medledger verify report.pdf");
      }
      let input: VerifyInput;
      if (file !== undefined) {
        const size = await fileSize(file, "Check the path: give the report file you received.");
        // Hashed here, on disk (read whole or streamed by size), not by the core's in-memory path.
        input = { kind: "digests", name: file, size, digests: () => digestPath(file) };
      } else {
        input = opts.sha1 !== undefined ? { kind: "digest", digest: opts.sha1, expected: "sha1" } : { kind: "digest", digest: opts.sha256 ?? "", expected: "sha256" };
      }
      checkVerifyInput(input); // bad input is refused before connecting
      const { ledger } = await openReader(run, opts);
      const { issuer, ...result } = await verifyReport(ledger, input);
      const doctor = issuer?.profile.name;
      out.result({ ok: result.status === "genuine", ...result, doctorName: doctor ?? null }, describe(result, doctor));
      run.exitCode = verificationExitCode(result);
    });
}
