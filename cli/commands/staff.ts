/** `medledger staff …`: the administrator's staff management, and the public staff directory. */
import { Option, type Command } from "commander";
import { MedLedgerError } from "#core/errors.ts";
import { addStaff, getStaffMember, listStaff, setStaffActive, updateStaff, type StaffMember, type StaffRole } from "#core/staff/staff.ts";
import { openReader, openWriter, type GlobalOptions } from "../context.ts";
import { createPrinter, formatTime, table, type CliRun } from "../output.ts";
import { parseAddress } from "#core/validation.ts";

interface ProfileOptions {
  readonly name?: string;
  readonly department?: string;
  readonly contact?: string;
}

function memberJson(m: StaffMember) {
  return { account: m.account, role: m.role, active: m.active, since: m.since, ...m.profile };
}

export function registerStaffCommands(program: Command, run: CliRun): void {
  const staff = program.command("staff").description("Doctors and receptionists: add, update, deactivate, reactivate (administrator), list (anyone).");

  staff
    .command("add")
    .description("Add a doctor or receptionist (administrator only).")
    .argument("<address>", "the staff member's account")
    .addOption(new Option("--role <role>", "their role").choices(["doctor", "receptionist"]).makeOptionMandatory())
    .requiredOption("--name <name>", "full name")
    .option("--department <text>", "department or specialty", "")
    .option("--contact <text>", "contact details (e-mail, phone, room)", "")
    .action(async (address: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & ProfileOptions & { role: StaffRole }>();
      const out = createPrinter(run, Boolean(opts.json));
      const account = parseAddress(address, "staff account");
      const { ledger } = await openWriter(run, opts);
      const profile = { name: opts.name ?? "", department: opts.department ?? "", contact: opts.contact ?? "" };
      const hash = await addStaff(ledger, account, opts.role, profile);
      out.result({ ok: true, account, role: opts.role, ...profile, transactionHash: hash }, [
        `Added ${profile.name} (${account}) as ${opts.role}.`,
        `  Transaction ${hash}`,
      ]);
    });

  staff
    .command("update")
    .description("Change a staff member's name, department or contact (administrator only); omitted fields stay as they are.")
    .argument("<address>", "the staff member's account")
    .option("--name <name>", "full name")
    .option("--department <text>", "department or specialty")
    .option("--contact <text>", "contact details")
    .action(async (address: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & ProfileOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const account = parseAddress(address, "staff account");
      if (opts.name === undefined && opts.department === undefined && opts.contact === undefined) {
        throw new MedLedgerError("INVALID_INPUT", "Nothing to update.", "Give at least one of --name, --department, --contact.");
      }
      const { ledger } = await openWriter(run, opts);
      const current = await getStaffMember(ledger, account);
      if (!current) throw new MedLedgerError("INVALID_INPUT", `${account} is not on the staff.`, "Check the address, or add them with `medledger staff add`.");
      const profile = {
        name: opts.name ?? current.profile.name,
        department: opts.department ?? current.profile.department,
        contact: opts.contact ?? current.profile.contact,
      };
      const hash = await updateStaff(ledger, account, profile);
      out.result({ ok: true, account, ...profile, transactionHash: hash }, [`Updated ${profile.name} (${account}).`, `  Transaction ${hash}`]);
    });

  for (const [name, active] of [
    ["deactivate", false],
    ["reactivate", true],
  ] as const) {
    staff
      .command(name)
      .description(
        active
          ? "Give a deactivated staff member their role back (administrator only)."
          : "Suspend a staff member's role; their history stays (administrator only).",
      )
      .argument("<address>", "the staff member's account")
      .action(async (address: string, _o: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<GlobalOptions>();
        const out = createPrinter(run, Boolean(opts.json));
        const account = parseAddress(address, "staff account");
        const { ledger } = await openWriter(run, opts);
        const hash = await setStaffActive(ledger, account, active);
        out.result({ ok: true, account, active, transactionHash: hash }, [`${active ? "Reactivated" : "Deactivated"} ${account}.`, `  Transaction ${hash}`]);
      });
  }

  staff
    .command("list")
    .description("The staff directory (public).")
    .option("--active", "only active staff")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { active?: boolean }>();
      const out = createPrinter(run, Boolean(opts.json));
      const { ledger } = await openReader(run, opts);
      const members = (await listStaff(ledger)).filter((m) => !opts.active || m.active);
      out.result(
        { ok: true, staff: members.map(memberJson) },
        members.length === 0
          ? ["No staff yet."]
          : table(
              ["ACCOUNT", "ROLE", "NAME", "DEPARTMENT", "STATUS", "SINCE"],
              members.map((m) => [m.account, m.role, m.profile.name, m.profile.department, m.active ? "active" : "deactivated", formatTime(m.since)]),
            ),
      );
    });
}
