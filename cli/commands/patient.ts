/**
 * `medledger patient …`: the two-step registration (the patient's `request`, the receptionist's
 * `register`), profile updates, doctor assignment, listing and reading profiles.
 */
import type { Command } from "commander";
import type { Address } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import type { LedgerReader } from "#core/contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "#core/errors.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { cidFromBytes } from "#core/ipfs/cid.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { assignDoctor, listPatients, patientsOfDoctor, registerPatient, unassignDoctor, updatePatientProfile } from "#core/patients/patients.ts";
import { assignedDoctors, loadPatientProfile, parsePatientProfile, type PatientProfile } from "#core/patients/profile.ts";
import { createRegistrationRequest, decodeRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { openIdentity, openPublishedIdentity, openReader, openStore, openWriter, type GlobalOptions } from "../context.ts";
import { createPrinter, table, type CliRun } from "../output.ts";
import { parseAddress } from "../validate.ts";

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

/** The patient's current profile CID (fails with "not a registered patient" otherwise). */
async function profileCid(ledger: LedgerReader, patient: Address): Promise<string> {
  const bytes = await readLedger(ledger, "patientProfile", [patient]);
  if (bytes === "0x") {
    throw new MedLedgerError("INVALID_INPUT", `${patient} is not a registered patient.`, "Check the address, or register the patient at the reception first.");
  }
  return cidFromBytes(bytes);
}

/** Opens the profile, turning "you are not a reader" into a clear NO_ACCESS error. */
async function openProfile(store: ContentStore, cid: string, identity: EncryptionIdentity, patient: Address): Promise<PatientProfile> {
  try {
    return await loadPatientProfile(store, cid, identity);
  } catch (error) {
    if (isMedLedgerError(error) && error.code !== "WRONG_KEY" && error.code !== "NO_ACCESS") throw error;
    throw new MedLedgerError(
      "NO_ACCESS",
      `Your account ${identity.address} cannot open the profile of ${patient}.`,
      "Profiles are readable by the patient, the active receptionists and the patient's assigned doctors (each with a published key: `medledger keys publish`).",
      { cause: error },
    );
  }
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
      .description("As a receptionist: register a patient from their registration code, with a profile sealed for the patient, the receptionists and their doctors.")
      .requiredOption("--code <code>", "the patient's registration code (from `medledger patient request`)"),
    true,
  ).action(async (_o: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<GlobalOptions & ProfileOptions & { code: string }>();
    const out = createPrinter(run, Boolean(opts.json));
    const profile = mergeProfile(EMPTY_PROFILE, opts);
    const { config, ledger } = await openWriter(run, opts);
    const request = decodeRegistrationRequest(opts.code, ledger);
    const { published } = await openPublishedIdentity(ledger);
    if (published) out.step("Published your encryption key (first use of this account), so you can read the profiles you seal.");
    const { hash, profileCid } = await registerPatient(ledger, await openStore(config), request, profile);
    out.result({ ok: true, patient: request.account, profileCid, transactionHash: hash }, [
      `Registered ${profile.name} (${request.account}) as a patient.`,
      `  Profile CID ${profileCid} (encrypted)`,
      `  Transaction ${hash}`,
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
    const cid = await profileCid(ledger, account);
    let base: PatientProfile;
    try {
      base = await openProfile(store, cid, identity, account);
    } catch (error) {
      if (!isMedLedgerError(error, "NO_ACCESS") || opts.name === undefined) throw error;
      out.warn("cannot open the current profile; it is replaced by the fields given.");
      base = EMPTY_PROFILE;
    }
    const profile = mergeProfile(base, opts);
    const { hash, profileCid: newCid } = await updatePatientProfile(ledger, store, account, profile);
    out.result({ ok: true, patient: account, profileCid: newCid, transactionHash: hash }, [`Updated the profile of ${account}.`, `  Profile CID ${newCid}`, `  Transaction ${hash}`]);
  });

  for (const [name, assign] of [["assign", true], ["unassign", false]] as const) {
    patient
      .command(name)
      .description(assign ? "As a receptionist: assign a doctor to a patient (re-seals the profile for them)." : "As a receptionist: end a doctor's assignment to a patient.")
      .argument("<patient>", "the patient's account")
      .requiredOption("--doctor <address>", "the doctor's account")
      .action(async (address: string, _o: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<GlobalOptions & { doctor: string }>();
        const out = createPrinter(run, Boolean(opts.json));
        const account = parseAddress(address, "patient");
        const doctor = parseAddress(opts.doctor, "doctor");
        const { config, ledger } = await openWriter(run, opts);
        const hash = assign ? await assignDoctor(ledger, account, doctor) : await unassignDoctor(ledger, account, doctor);
        let profileCidAfter: string | null = null;
        if (assign) {
          // Let the new doctor read the profile: re-seal it for the readers now including them.
          try {
            const store = await openStore(config);
            const { identity } = await openPublishedIdentity(ledger);
            const profile = await openProfile(store, await profileCid(ledger, account), identity, account);
            profileCidAfter = (await updatePatientProfile(ledger, store, account, profile)).profileCid;
          } catch (error) {
            out.warn(`the doctor is assigned, but the profile was not re-sealed for them: ${isMedLedgerError(error) ? error.message : String(error)}`);
          }
        }
        out.result({ ok: true, patient: account, doctor, assigned: assign, transactionHash: hash, profileCid: profileCidAfter }, [
          assign ? `Assigned doctor ${doctor} to patient ${account}.` : `Unassigned doctor ${doctor} from patient ${account}.`,
          `  Transaction ${hash}`,
        ]);
      });
  }

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
          : table(["ACCOUNT", "REGISTERED BY", "BLOCK", "PROFILE CID"], patients.map((p) => [p.account, p.registeredBy, String(p.registeredBlock), p.profileCid])),
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
      const cid = await profileCid(ledger, account);
      const identity = await openIdentity(ledger);
      const profile = await openProfile(await openStore(config), cid, identity, account);
      const doctors = await assignedDoctors(ledger, account);
      out.result({ ok: true, patient: account, profileCid: cid, profile, doctors }, profileLines(account, profile, doctors));
    });
}
