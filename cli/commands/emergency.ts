/**
 * `medledger emergency …`: a doctor opens a patient's reports in an emergency ("break-glass",
 * recorded publicly on chain with a coded reason, time-limited), and the list of emergency
 * accesses — a patient's, a doctor's, or every one for the administrator's review. Reading then
 * works with `report list --patient` and `report read` once the hospital re-wrapped the keys.
 */
import type { Command } from "commander";
import type { Address } from "viem";
import { getRoles } from "#core/accounts/roles.ts";
import {
  allEmergencyAccesses,
  EMERGENCY_REASONS,
  emergencyAccessesBy,
  emergencyAccessesOf,
  openEmergencyAccess,
  parseEmergencyReason,
  type EmergencyAccess,
} from "#core/care/emergency.ts";
import { MedLedgerError } from "#core/errors.ts";
import { parseAddress } from "#core/validation.ts";
import { hasSigner, openReader, openWriter, type GlobalOptions } from "../context.ts";
import { createPrinter, formatTime, table, type CliRun } from "../output.ts";

const REASON_HELP = EMERGENCY_REASONS.map((r) => `  ${r.name.padEnd(20)} ${r.label}`).join("\n");

function accessJson(access: EmergencyAccess): Record<string, unknown> {
  return { ...access, reason: access.reason.name, reasonLabel: access.reason.label };
}

export function registerEmergencyCommands(program: Command, run: CliRun): void {
  const emergency = program.command("emergency").description("Emergency (break-glass) access to a patient's reports, and its review.");
  emergency
    .command("open")
    .description("Open a patient's reports in an emergency (a doctor not assigned to them). Recorded publicly; ends after the hospital's emergency duration.")
    .requiredOption("--patient <address>", "the patient's account")
    .requiredOption("--reason <name>", "why (see below)")
    .addHelpText("after", `\nReasons:\n${REASON_HELP}\n`)
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient: string; reason: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const patient = parseAddress(opts.patient, "patient");
      const reason = parseEmergencyReason(opts.reason);
      const { ledger } = await openWriter(run, opts);
      out.step("Recording the emergency access on the ledger");
      const opened = await openEmergencyAccess(ledger, patient, reason.code);
      out.result({ ok: true, ...opened, reason: opened.reason.name, reasonLabel: opened.reason.label }, [
        `Emergency access to ${patient} is open until ${formatTime(opened.until)} (reason: ${opened.reason.label}).`,
        "It is recorded publicly: the patient and the hospital see it.",
        `The hospital gives you the report keys shortly; then: medledger report list --patient ${patient}`,
      ]);
    });
  emergency
    .command("list")
    .description("Emergency accesses, newest first: of --patient, else yours (as patient or doctor), or every one (administrator).")
    .option("--patient <address>", "the accesses to this patient's reports")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      let accesses: EmergencyAccess[];
      if (opts.patient) {
        const { ledger } = await openReader(run, opts);
        accesses = await emergencyAccessesOf(ledger, parseAddress(opts.patient, "patient"));
      } else {
        if (!hasSigner(run, opts)) {
          throw new MedLedgerError(
            "CONFIG",
            "Listing your emergency accesses needs to know who you are, but no signing key is configured.",
            "Pass --patient <address>, or configure your key (MEDLEDGER_PRIVATE_KEY, --keystore or, locally, --as).",
          );
        }
        const { ledger, account } = await openWriter(run, opts);
        const me: Address = account.address;
        const roles = await getRoles(ledger, me);
        if (roles.admin) accesses = await allEmergencyAccesses(ledger);
        else if (roles.doctor) accesses = await emergencyAccessesBy(ledger, me);
        else if (roles.patient) accesses = await emergencyAccessesOf(ledger, me);
        else {
          throw new MedLedgerError(
            "NO_ACCESS",
            "Your account is neither an administrator, a doctor nor a patient, so it has no emergency accesses.",
            "Pass --patient <address> to see a patient's.",
          );
        }
      }
      out.result(
        { ok: true, accesses: accesses.map(accessJson) },
        accesses.length === 0
          ? ["No emergency access."]
          : table(
              ["OPENED", "UNTIL", "ACTIVE", "DOCTOR", "PATIENT", "REASON"],
              accesses.map((a) => [formatTime(a.at), formatTime(a.until), a.active ? "yes" : "ended", a.doctor, a.patient, a.reason.label]),
            ),
      );
    });
}
