/**
 * `medledger export`: a patient's records as a FHIR R4 Bundle (JSON), decrypted on this machine
 * and written to `--out` (core/export/exportRecords.ts). The patient exports theirs; a doctor the
 * patient is assigned to exports the reports they may read. Each opening is logged in the
 * patient's access history when a MedLedger server is configured, as `report read` does.
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Hex } from "viem";
import { MedLedgerError } from "#core/errors.ts";
import { bundleJson, exportRecords, type ExportStep } from "#core/export/exportRecords.ts";
import { formatBytes } from "#core/reports/limits.ts";
import { recordOpening } from "#core/reports/openings.ts";
import { parseAddress } from "#core/validation.ts";
import { openIdentity, openStore, openWriter, serverUrlOf, type GlobalOptions } from "../context.ts";
import { createPrinter, type CliRun } from "../output.ts";

const STEPS: Readonly<Record<Exclude<ExportStep, "reading" | "done">, string>> = {
  checking: "Checking you may export these records…",
  profile: "Opening the patient's sealed profile…",
  listing: "Listing the patient's reports on the chain…",
  building: "Building the FHIR R4 Bundle…",
};

interface ExportCommandOptions extends GlobalOptions {
  readonly patient?: string;
  readonly out: string;
  readonly force?: boolean;
  readonly hospital?: string;
}

/** Writes `text` to `path`, never over an existing file unless `force`. */
async function writeNew(path: string, text: string, force: boolean): Promise<void> {
  try {
    await writeFile(path, text, { flag: force ? "w" : "wx" });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
    throw new MedLedgerError(
      "INVALID_INPUT",
      exists ? `${path} already exists.` : `Cannot write ${path}.`,
      exists ? "Choose another --out file, or add --force to overwrite it." : "Check the folder exists and is writable.",
      { cause: error },
    );
  }
}

export function registerExportCommand(program: Command, run: CliRun): void {
  program
    .command("export")
    .description(
      "Export a patient's records as a FHIR R4 Bundle (JSON): the patient's profile, the doctors, and every report with its file, SHA-1, verification link and on-chain registration. Decrypted here; nothing is uploaded.",
    )
    .option("--patient <address>", "the patient whose records to export (default: your own account)")
    .requiredOption("--out <file>", "where to write the Bundle, e.g. bundle.json")
    .option("--force", "overwrite --out if it exists")
    .option("--hospital <name>", "the hospital's name in the Bundle's Organization")
    .addHelpText(
      "after",
      [
        "",
        "The patient exports all their reports; a doctor the patient is assigned to exports those they may read",
        "(their own and those shared with them). The file holds the decrypted reports: keep it safe.",
        "Verification links point at the MedLedger server (--server / MEDLEDGER_SERVER_URL); without one the",
        "Bundle has none.",
      ].join("\n"),
    )
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ExportCommandOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const ctx = await openWriter(run, opts);
      const patient = opts.patient ? parseAddress(opts.patient, "patient") : ctx.account.address;
      const identity = await openIdentity(ctx.ledger);
      const serverUrl = serverUrlOf(run, opts);
      if (!serverUrl) {
        out.warn(
          "no MedLedger server is configured (--server or MEDLEDGER_SERVER_URL): the Bundle has no verification links, and these openings are not logged in the patient's access history.",
        );
      }
      const notLogged: Hex[] = [];
      let lastCount = -1;
      const result = await exportRecords(ctx.ledger, await openStore(ctx.config), identity, patient, {
        maxBytes: ctx.config.maxFileBytes,
        verificationOrigin: serverUrl ?? null,
        ...(opts.hospital ? { organizationName: opts.hospital } : {}),
        onProgress: ({ step, done, total }) => {
          if (step === "reading") {
            if (done !== lastCount) out.step(`Decrypting and checking the reports against the chain: ${done ?? 0} of ${total ?? 0}…`);
            lastCount = done ?? 0;
          } else if (step !== "done") out.step(STEPS[step]);
        },
        onOpened: async (reportId) => {
          if (!serverUrl) return;
          try {
            await recordOpening({ serverUrl, deployment: ctx.config.deployment, identity, reportId, via: "cli" });
          } catch {
            notLogged.push(reportId);
          }
        },
      });
      if (notLogged.length) out.warn(`${notLogged.length} of the openings could not be logged at ${serverUrl}.`);
      const text = bundleJson(result.bundle);
      await writeNew(opts.out, text, Boolean(opts.force));
      const bytes = new TextEncoder().encode(text).byteLength;
      out.result(
        {
          ok: true,
          patient,
          out: opts.out,
          size: bytes,
          resources: result.bundle.entry?.length ?? 0,
          reports: result.reports,
          withheld: result.withheld,
          verificationLinks: serverUrl !== undefined,
          openingsLogged: serverUrl !== undefined && notLogged.length === 0,
        },
        [
          `Saved the records of ${patient} as a FHIR R4 Bundle to ${opts.out} (${formatBytes(bytes)}): ${result.reports} report${result.reports === 1 ? "" : "s"}, ${result.bundle.entry?.length ?? 0} resources.`,
          ...(result.withheld
            ? [
                `${result.withheld} report${result.withheld === 1 ? " was" : "s were"} not shared with you and ${result.withheld === 1 ? "is" : "are"} not in the export.`,
              ]
            : []),
          "The file holds the decrypted reports: keep it safe.",
        ],
      );
    });
}
