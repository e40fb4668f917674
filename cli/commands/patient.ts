/**
 * `medledger patient …`: the two-step registration (the patient's `request`, the receptionist's
 * `register`, optionally with the doctor), profile updates, doctor assignment (each followed by a
 * re-seal of the profile, retried alone with `reseal`), listing and reading profiles.
 */
import { recoverPatient } from "#core/patients/recovery.ts";
import type { Command } from "commander";
import type { Address } from "viem";
import { MedLedgerError, isMedLedgerError } from "#core/errors.ts";
import { enrolPatient, type EnrolStep } from "#core/patients/enrol.ts";
import { listPatients, patientsOfDoctor, updatePatientProfile } from "#core/patients/patients.ts";
import { assignedDoctors, openPatientProfile, parsePatientProfile, type PatientProfile } from "#core/patients/profile.ts";
import { createRegistrationRequest, decodeRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { changeDoctorAssignment, resealPatientProfile, type AssignmentStep, type ResealOutcome, type ResealResult } from "#core/patients/reseal.ts";
import { parseAddress } from "#core/validation.ts";
import { openIdentity, openPublishedIdentity, openReader, openStore, openWriter, type GlobalOptions } from "../context.ts";
import { EXIT, createPrinter, table, type CliRun, type Printer } from "../output.ts";

interface ProfileOptions {
  readonly name?: string;
  readonly dob?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly notes?: string;
}

function withProfileOptions(cmd: Command, nameRequired: boolean): Command {
  (nameRequired ? cmd.requiredOption("--name <name>", "the patient's full name") : cmd.option("--name <name>", "the patient's full name"))
    .option("--dob <YYYY-MM-DD>", "date of birth")
    .option("--phone <text>", "phone number")
    .option("--email <text>", "e-mail address")
    .option("--notes <text>", "administrative notes");
  return cmd;
}

function mergeProfile(base: PatientProfile, opts: ProfileOptions): PatientProfile {
  return parsePatientProfile({
    name: opts.name ?? base.name,
    dateOfBirth: opts.dob ?? base.dateOfBirth,
    phone: opts.phone ?? base.phone,
    email: opts.email ?? base.email,
    notes: opts.notes ?? base.notes,
  });
}

const EMPTY_PROFILE: PatientProfile = { name: "", dateOfBirth: "", phone: "", email: "", notes: "" };

const STEP_TEXT: Readonly<Record<EnrolStep | AssignmentStep, string>> = {
  sealing: "Sealing the profile and storing it on IPFS",
  registering: "Registering the patient on the ledger",
  assigning: "Assigning the doctor",
  unassigning: "Ending the doctor's assignment",
  resealing: "Re-sealing the profile for the patient's current readers",
  done: "Done",
};

const resealCommand = (patient: Address) => `medledger patient reseal ${patient}`;

/** The JSON form of a re-seal outcome, with the command that retries it when it failed. */
function resealJson(patient: Address, outcome: ResealOutcome): Record<string, unknown> {
  if (outcome.ok) return { ok: true, ...outcome.result };
  const error = isMedLedgerError(outcome.error)
    ? { code: outcome.error.code, message: outcome.error.message, hint: outcome.error.hint }
    : { code: "UNEXPECTED", message: String(outcome.error) };
  return { ok: false, error, retry: resealCommand(patient) };
}

function resealLines(result: ResealResult): string[] {
  return [
    `  Profile CID ${result.profileCid} (re-sealed; was ${result.previousCid})`,
    ...(result.doctorsWithoutKey.length
      ? [`  Not sealed for ${result.doctorsWithoutKey.join(", ")}: no published encryption key yet (re-seal once they have published one).`]
      : []),
  ];
}

/** Says plainly that the change went through and the re-seal did not, how to retry, and fails the run. */
function reportFailedReseal(run: CliRun, out: Printer, patient: Address, what: string, outcome: ResealOutcome): void {
  if (outcome.ok) return;
  const reason = isMedLedgerError(outcome.error) ? `${outcome.error.message} ${outcome.error.hint}` : String(outcome.error);
  out.warn(`${what}, but the profile was not re-sealed: ${reason}\nRetry the re-seal alone: ${resealCommand(patient)}`);
  run.exitCode = EXIT.failed;
}

function profileLines(patient: Address, profile: PatientProfile, doctors: readonly Address[]): string[] {
  return [
    `Patient     ${patient}`,
    `  Name      ${profile.name}`,
    `  Born      ${profile.dateOfBirth || "—"}`,
    `  Phone     ${profile.phone || "—"}`,
    `  E-mail    ${profile.email || "—"}`,
    ...(profile.notes ? [`  Notes     ${profile.notes}`] : []),
    `  Doctors   ${doctors.length ? doctors.join(", ") : "none assigned"}`,
  ];
}

export function registerPatientCommands(program: Command, run: CliRun): void {
  const patient = program.command("patient").description("Patients: registration (request + register), profiles, doctor assignment.");

  patient
    .command("request")
    .description("As the patient: sign your encryption-key binding and print the registration code to give to the reception (no transaction, no ETH needed).")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const { ledger } = await openWriter(run, opts);
      const identity = await openIdentity(ledger);
      const request = await createRegistrationRequest(ledger, ledger.walletClient, identity);
      const code = encodeRegistrationRequest(request);
      out.result({ ok: true, code, account: request.account, encryptionKey: request.encryptionKey, chainId: request.chainId, contract: request.contract }, [
        `Registration code for ${request.account} (give it to the reception; it contains no secret):`,
        "",
        code,
      ]);
    });

  withProfileOptions(
    patient
      .command("register")
      .description(
        "As a receptionist: register a patient from their registration code, with a profile sealed for the patient and the receptionists; with --doctor, assign the doctor and re-seal the profile for them.",
      )
      .requiredOption("--code <code>", "the patient's registration code (from `medledger patient request`)")
      .option("--doctor <address>", "assign this doctor right away (the profile is re-sealed for them)"),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<GlobalOptions & ProfileOptions & { code: string; doctor?: string }>();
    const out = createPrinter(run, Boolean(opts.json));
    const profile = mergeProfile(EMPTY_PROFILE, opts);
    const doctor = opts.doctor === undefined ? null : parseAddress(opts.doctor, "doctor");
    const { config, ledger } = await openWriter(run, opts);
    decodeRegistrationRequest(opts.code, ledger); // a damaged code is refused before the key is published
    const { identity } = await openPublishedIdentity(ledger, () =>
      out.step("Publishing your encryption key on the ledger (first use of this account; one transaction), so you can read the profiles you seal…"),
    );
    const enrolled = await enrolPatient(
      ledger,
      await openStore(config),
      identity,
      { code: opts.code, profile, doctor },
      {
        onProgress: ({ step }) => {
          if (step !== "done") out.step(STEP_TEXT[step]);
        },
      },
    );
    const { assignment } = enrolled;
    out.result(
      {
        ok: !assignment || assignment.reseal.ok,
        patient: enrolled.patient,
        profileCid: assignment?.reseal.ok ? assignment.reseal.result.profileCid : enrolled.profileCid,
        transactionHash: enrolled.transactionHash,
        doctor: assignment?.doctor ?? null,
        assignmentTransactionHash: assignment?.transactionHash ?? null,
        reseal: assignment ? resealJson(enrolled.patient, assignment.reseal) : null,
      },
      [
        `Registered ${profile.name} (${enrolled.patient}) as a patient.`,
        `  Profile CID ${enrolled.profileCid} (encrypted)`,
        `  Transaction ${enrolled.transactionHash}`,
        ...(assignment
          ? [
              `Assigned doctor ${assignment.doctor}.`,
              `  Transaction ${assignment.transactionHash}`,
              ...(assignment.reseal.ok ? resealLines(assignment.reseal.result) : []),
            ]
          : []),
      ],
    );
    if (assignment) reportFailedReseal(run, out, enrolled.patient, `${profile.name} is registered and the doctor is assigned`, assignment.reseal);
  });

  patient
    .command("recover")
    .description(
      "As a receptionist, after checking the patient's identity in person: move a patient whose wallet was lost to their new wallet (from a registration code made with the new wallet). The old wallet loses every right; the hospital's records custodian then delivers every report's key to the new wallet.",
    )
    .requiredOption("--patient <address>", "the lost wallet's account (the patient's current account)")
    .requiredOption("--code <code>", "a registration code made with the patient's NEW wallet (`medledger patient request`)")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { patient: string; code: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const lost = parseAddress(opts.patient, "patient");
      const { config, ledger } = await openWriter(run, opts);
      const request = decodeRegistrationRequest(opts.code, ledger);
      const { identity } = await openPublishedIdentity(ledger, () =>
        out.step("Publishing your encryption key on the ledger (first use of this account; one transaction), so you can read the profiles you seal…"),
      );
      const result = await recoverPatient(ledger, await openStore(config), identity, lost, request, {
        onProgress: (step) => {
          if (step === "sealing") out.step("Sealing the patient's profile for the new wallet…");
          if (step === "recovering") out.step("Moving the patient's record to the new wallet (one transaction)…");
        },
      });
      out.result({ ok: true, ...result }, [
        `Moved the patient's record from ${result.previous} to ${result.successor}.`,
        `  The old wallet can no longer read or share anything.`,
        `  The hospital's records custodian now delivers every report's key to the new wallet (usually within a minute).`,
        `  Transaction ${result.transactionHash}`,
      ]);
    });

  withProfileOptions(
    patient
      .command("update")
      .description("As a receptionist: change a patient's profile (omitted fields stay) and re-seal it for its current readers.")
      .argument("<address>", "the patient's account"),
    false,
  ).action(async (address: string, _o: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<GlobalOptions & ProfileOptions>();
    const out = createPrinter(run, Boolean(opts.json));
    const account = parseAddress(address, "patient");
    if ([opts.name, opts.dob, opts.phone, opts.email, opts.notes].every((v) => v === undefined)) {
      throw new MedLedgerError("INVALID_INPUT", "Nothing to update.", "Give at least one of --name, --dob, --phone, --email, --notes.");
    }
    const { config, ledger } = await openWriter(run, opts);
    const store = await openStore(config);
    const { identity } = await openPublishedIdentity(ledger);
    let base: PatientProfile;
    try {
      base = (await openPatientProfile(ledger, store, identity, account)).profile;
    } catch (error) {
      if (!isMedLedgerError(error, "NO_ACCESS") || opts.name === undefined) throw error;
      out.warn("cannot open the current profile; it is replaced by the fields given.");
      base = EMPTY_PROFILE;
    }
    const profile = mergeProfile(base, opts);
    const { hash, profileCid: newCid } = await updatePatientProfile(ledger, store, account, profile);
    out.result({ ok: true, patient: account, profileCid: newCid, transactionHash: hash }, [
      `Updated the profile of ${account}.`,
      `  Profile CID ${newCid}`,
      `  Transaction ${hash}`,
    ]);
  });

  for (const [name, assign] of [
    ["assign", true],
    ["unassign", false],
  ] as const) {
    patient
      .command(name)
      .description(
        assign
          ? "As a receptionist: assign a doctor to a patient and re-seal the profile so that they can read it."
          : "As a receptionist: end a doctor's assignment to a patient and re-seal the profile without them.",
      )
      .argument("<patient>", "the patient's account")
      .requiredOption("--doctor <address>", "the doctor's account")
      .action(async (address: string, _o: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<GlobalOptions & { doctor: string }>();
        const out = createPrinter(run, Boolean(opts.json));
        const account = parseAddress(address, "patient");
        const doctor = parseAddress(opts.doctor, "doctor");
        const { config, ledger } = await openWriter(run, opts);
        const store = await openStore(config);
        const { identity } = await openPublishedIdentity(ledger);
        const changed = await changeDoctorAssignment(
          ledger,
          store,
          identity,
          { patient: account, doctor, assigned: assign },
          { onProgress: ({ step }) => out.step(STEP_TEXT[step]) },
        );
        out.result(
          {
            ok: changed.reseal.ok,
            patient: account,
            doctor,
            assigned: assign,
            transactionHash: changed.transactionHash,
            profileCid: changed.reseal.ok ? changed.reseal.result.profileCid : null,
            reseal: resealJson(account, changed.reseal),
          },
          [
            assign ? `Assigned doctor ${doctor} to patient ${account}.` : `Unassigned doctor ${doctor} from patient ${account}.`,
            `  Transaction ${changed.transactionHash}`,
            ...(changed.reseal.ok ? resealLines(changed.reseal.result) : []),
          ],
        );
        reportFailedReseal(run, out, account, assign ? "The doctor is assigned" : "The doctor is unassigned", changed.reseal);
      });
  }

  patient
    .command("reseal")
    .description(
      "As a receptionist: re-seal a patient's profile for its current readers (the patient, the receptionists, the assigned doctors), e.g. to retry after an assignment.",
    )
    .argument("<patient>", "the patient's account")
    .action(async (address: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const account = parseAddress(address, "patient");
      const { config, ledger } = await openWriter(run, opts);
      const store = await openStore(config);
      const { identity } = await openPublishedIdentity(ledger);
      out.step(STEP_TEXT.resealing);
      const result = await resealPatientProfile(ledger, store, identity, account);
      out.result({ ok: true, patient: account, ...result }, [
        `Re-sealed the profile of ${account}.`,
        ...resealLines(result),
        `  Transaction ${result.transactionHash}`,
      ]);
    });

  patient
    .command("list")
    .description("Registered patients (all, or those assigned to --doctor).")
    .option("--doctor <address>", "only patients currently assigned to this doctor")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { doctor?: string }>();
      const out = createPrinter(run, Boolean(opts.json));
      const doctor = opts.doctor ? parseAddress(opts.doctor, "doctor") : undefined;
      const { ledger } = await openReader(run, opts);
      let patients = await listPatients(ledger);
      if (doctor) {
        const mine = new Set((await patientsOfDoctor(ledger, doctor)).map((a) => a.toLowerCase()));
        patients = patients.filter((p) => mine.has(p.account.toLowerCase()));
      }
      out.result(
        { ok: true, patients },
        patients.length === 0
          ? ["No patients."]
          : table(
              ["ACCOUNT", "REGISTERED BY", "BLOCK", "PROFILE CID"],
              patients.map((p) => [p.account, p.registeredBy, String(p.registeredBlock), p.profileCid]),
            ),
      );
    });

  patient
    .command("show")
    .description("Decrypt and show a patient's profile (as the patient, a receptionist or an assigned doctor).")
    .argument("<address>", "the patient's account")
    .action(async (address: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = createPrinter(run, Boolean(opts.json));
      const account = parseAddress(address, "patient");
      const { config, ledger } = await openWriter(run, opts);
      const identity = await openIdentity(ledger);
      const { cid, profile } = await openPatientProfile(ledger, await openStore(config), identity, account);
      const doctors = await assignedDoctors(ledger, account);
      out.result({ ok: true, patient: account, profileCid: cid, profile, doctors }, profileLines(account, profile, doctors));
    });
}
