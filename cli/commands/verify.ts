/** `medledger verify <file>` / `--sha1` / `--sha256`: public verification, no wallet needed. */
import type { Command } from "commander";
import { MedLedgerError } from "#core/errors.ts";
import {
  checkVerifyInput,
  claimLabel,
  describeVerdict,
  issuerLabel,
  verifyReport,
  type VerificationReport,
  type VerificationResult,
  type VerifiedClaim,
  type VerifyInput,
} from "#core/verify/verify.ts";
import { digestPath } from "#core/node/files.ts";
import { openReader, type GlobalOptions } from "../context.ts";
import { EXIT, createPrinter, formatTime, type CliRun } from "../output.ts";
import { fileSize } from "../files.ts";

interface VerifyOptions extends GlobalOptions {
  readonly sha1?: string;
  readonly sha256?: string;
}

/**
 * The exit code of a verification: 0 only for a genuine FILE; 1 not registered; 3 mismatch,
 * superseded, disputed or fraudulent; 4 something is on record (or partly matches) but only the
 * file can confirm it.
 */
export function verificationExitCode(result: VerificationResult): number {
  switch (result.status) {
    case "genuine":
      return result.evidence === "file" ? EXIT.ok : EXIT.fileNeeded;
    case "not-registered":
      return EXIT.notRegistered;
    case "on-record":
    case "partial":
      return EXIT.fileNeeded;
    case "superseded":
    case "disputed":
    case "fraudulent":
    case "mismatch":
      return EXIT.mismatch;
  }
}

const CLAIM_WORDS: Readonly<Record<VerifiedClaim["status"], string>> = {
  current: "claims this report",
  superseded: "claims this report (since amended)",
  mismatch: "registered this SHA-256 with another SHA-1 (not this file)",
  fraudulent: "marked fraudulent by the administrator (ignored)",
};

function describe(report: VerificationReport): string[] {
  const text = describeVerdict(report);
  const lines = [`${text.title.toUpperCase()}: ${text.explanation}`];
  if (text.advice) lines.push(text.advice);
  const d = report.digests;
  if (d.sha256) lines.push(`  SHA-256     ${d.sha256}`);
  if (d.sha1) lines.push(`  SHA-1       ${d.sha1}`);
  const r = report.record;
  if (r && report.status !== "disputed") {
    lines.push(`  Report      ${r.reportId}`);
    lines.push(`  Patient     ${r.patient}`);
    lines.push(`  Doctor      ${r.doctor} (${issuerLabel(report.issuer)})`);
    lines.push(`  Registered  ${formatTime(r.registeredAt)}`);
    if (r.supersededBy) lines.push(`  Amended by  ${r.supersededBy}`);
  }
  const others = report.claims.filter((c) => report.status === "disputed" || c.reportId !== r?.reportId);
  if (others.length > 0) {
    lines.push(report.status === "disputed" ? "  Claimants:" : "  Other claims on these fingerprints:");
    for (const claim of others) lines.push(`    - ${claimLabel(claim)}: ${CLAIM_WORDS[claim.status]}`);
  }
  return lines;
}

export function registerVerifyCommand(program: Command, run: CliRun): void {
  program
    .command("verify")
    .description(
      "Check whether a file is a genuine, current MedLedger report (or what is on record for a digest). Needs no wallet; the file never leaves this computer.",
    )
    .argument("[file]", "the report file to check")
    .option("--sha1 <hex>", "look up a SHA-1 digest (40 hex digits): at best a partial match, SHA-1 being broken")
    .option("--sha256 <hex>", "look up a file's SHA-256 digest (64 hex digits): says what is on record, the file is needed to confirm")
    .addHelpText(
      "after",
      [
        "",
        "Only a file can be confirmed genuine: a digest says what is on record, never more.",
        "Exit codes: 0 the file is genuine and current; 1 not registered; 2 usage or connection error;",
        "3 mismatch, superseded, disputed (several claimants) or marked fraudulent;",
        "4 on record or a partial (SHA-1) match: give the file to confirm it.",
      ].join("\n"),
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
        input =
          opts.sha1 !== undefined ? { kind: "digest", digest: opts.sha1, expected: "sha1" } : { kind: "digest", digest: opts.sha256 ?? "", expected: "sha256" };
      }
      checkVerifyInput(input); // bad input is refused before connecting
      const { ledger } = await openReader(run, opts);
      const report = await verifyReport(ledger, input);
      const { issuer, ...result } = report;
      const code = verificationExitCode(report);
      out.result(
        {
          ok: code === EXIT.ok,
          ...result,
          claims: result.claims.map(({ issuer: claimIssuer, ...claim }) => ({
            ...claim,
            issuerName: claimIssuer?.profileVerified ? claimIssuer.profile.name : null,
          })),
          doctorName: issuer?.profileVerified ? issuer.profile.name : null,
        },
        describe(report),
      );
      run.exitCode = code;
    });
}
