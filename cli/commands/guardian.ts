/**
 * `medledger guardian …`: appoint and end a patient's guardians (the patient, or the reception for
 * a minor or a patient without capacity, optionally until a date), and list them. A guardian then
 * reads the patient's reports with `report read`, lists them with `report list --for <patient>`
 * and shares or stops sharing for them with `report share|revoke --for <patient>`.
 */
import type { Command } from "commander";
import type { Address } from "viem";
import { appointGuardian, endGuardianship, guardianshipEndOfDay, listGuardians, listPatientsOfGuardian, type Guardianship } from "#core/care/guardians.ts";
import { MedLedgerError } from "#core/errors.ts";
import { parseAddress } from "#core/validation.ts";
import { hasSigner, openReader, openWriter, type GlobalOptions } from "../context.ts";
import { createPrinter, formatTime, table, type CliRun } from "../output.ts";

function guardianshipJson(g: Guardianship) {
  return { patient: g.patient, record: g.record, guardian: g.guardian, until: g.until, byReception: g.byReception, appointedBy: g.appointedBy };
}

const endText = (until: number | null): string => (until === null ? "no end date" : `until ${formatTime(until)}`);

export function registerGuardianCommands(program: Command, run: CliRun): void {
  const guardian = program
    .command("guardian")
    .description("A patient's guardians (a parent, a proxy): they read the patient's reports and manage their sharing. Appoint, end, list.");

  guardian
    .command("appoint")
    .description("Make an account a guardian of a patient (as the patient, or as a receptionist: then only the reception, or the date, ends it).")
    .requiredOption("--patient <address>", "the patient's account")
    .requiredOption("--guardian <address>", "the guardian's account (they must have published their key)")
    .option("--until <YYYY-MM-DD>", "the day the guardianship ends (from 00:00 UTC), e.g. a minor's 18th birthday; default: no end")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient: string; guardian: string; until?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const patient = parseAddress(opts.patient, "patient");
      const who = parseAddress(opts.guardian, "guardian");
      const until = opts.until === undefined ? null : guardianshipEndOfDay(opts.until);
      const { ledger } = await openWriter(run, opts);
      const { hash } = await appointGuardian(ledger, { patient, guardian: who, until });
      const seconds = until ? Math.floor(until.getTime() / 1000) : null;
      out.result({ ok: true, patient, guardian: who, until: seconds, transactionHash: hash }, [
        `${who} is now a guardian of patient ${patient}, ${endText(seconds)}.`,
        "  The hospital's records custodian gives them the keys of the patient's reports shortly.",
        `  Transaction ${hash}`,
      ]);
    });

  guardian
    .command("end")
    .description("End a guardianship (as the patient, for a guardian they appointed; as a receptionist, any).")
    .requiredOption("--patient <address>", "the patient's account")
    .requiredOption("--guardian <address>", "the guardian's account")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient: string; guardian: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const patient = parseAddress(opts.patient, "patient");
      const who = parseAddress(opts.guardian, "guardian");
      const { ledger } = await openWriter(run, opts);
      const { hash } = await endGuardianship(ledger, patient, who);
      out.result({ ok: true, patient, guardian: who, transactionHash: hash }, [
        `${who} is no longer a guardian of patient ${patient}.`,
        `  Transaction ${hash}`,
      ]);
    });

  guardian
    .command("list")
    .description("A patient's current guardians (--patient), the patients an account looks after (--of), or, by default, both for you.")
    .option("--patient <address>", "the guardians of this patient")
    .option("--of <address>", "the patients this account is a guardian of")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient?: string; of?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      if (opts.patient && opts.of) {
        throw new MedLedgerError("INVALID_INPUT", "Give --patient or --of, not both.", "List one patient's guardians, or one guardian's patients.");
      }
      let patient: Address | undefined = opts.patient ? parseAddress(opts.patient, "patient") : undefined;
      let of: Address | undefined = opts.of ? parseAddress(opts.of, "guardian") : undefined;
      let ledger;
      if (!patient && !of) {
        if (!hasSigner(run, opts)) {
          throw new MedLedgerError(
            "CONFIG",
            "Listing your own guardians needs to know who you are, but no signing key is configured.",
            "Pass --patient <address> or --of <address>, or configure your key (MEDLEDGER_PRIVATE_KEY, --keystore or, locally, --as).",
          );
        }
        const ctx = await openWriter(run, opts);
        ledger = ctx.ledger;
        patient = ctx.account.address;
        of = ctx.account.address;
      } else ledger = (await openReader(run, opts)).ledger;
      const guardians = patient ? await listGuardians(ledger, patient) : [];
      const patients = of ? await listPatientsOfGuardian(ledger, of) : [];
      const by = (g: Guardianship) => (g.byReception ? `reception (${g.appointedBy})` : "the patient");
      const lines: string[] = [];
      if (patient) {
        lines.push(
          ...(guardians.length === 0
            ? [`Patient ${patient} has no guardian.`]
            : table(
                ["GUARDIAN", "ENDS", "APPOINTED BY"],
                guardians.map((g) => [g.guardian, g.until === null ? "no end date" : formatTime(g.until), by(g)]),
              )),
        );
      }
      if (of) {
        if (lines.length > 0) lines.push("");
        lines.push(
          ...(patients.length === 0
            ? [`${of} looks after no patient.`]
            : table(
                ["PATIENT", "ENDS", "APPOINTED BY"],
                patients.map((g) => [g.patient, g.until === null ? "no end date" : formatTime(g.until), by(g)]),
              )),
        );
      }
      out.result(
        { ok: true, ...(patient ? { guardians: guardians.map(guardianshipJson) } : {}), ...(of ? { patients: patients.map(guardianshipJson) } : {}) },
        lines,
      );
    });
}
