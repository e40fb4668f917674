/**
 * The patient's personal profile: sealed (encrypted) for the patient, the receptionists and the
 * patient's assigned doctors, stored on IPFS; only its CID goes on chain.
 */
import { patientTopicOf } from "../reports/records.ts";
import type { Address } from "viem";
import * as z from "zod/mini";
import { openSealed, sealForReaders } from "../crypto/sealedBox.ts";
import { confirmPinned } from "../ipfs/pinned.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { cidFromBytes, cidToBytes } from "../ipfs/cid.ts";
import { readLedger } from "../contract/calls.ts";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "../errors.ts";
import { publishedKeyOf } from "../identity/encryptionKey.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";
import { listStaff } from "../staff/staff.ts";
import { dateOfBirthSchema, emailSchema, freeTextSchema, personNameSchema } from "../validation.ts";

/** The profile's fields, with the messages of core/validation.ts (the CLI and the web app say the same). */
export const patientProfileSchema = z.object({
  name: personNameSchema(120),
  dateOfBirth: dateOfBirthSchema,
  phone: freeTextSchema("The phone number", 60),
  email: emailSchema(120),
  notes: freeTextSchema("The notes", 2000),
});
export type PatientProfile = z.infer<typeof patientProfileSchema>;

/** What a profile sealed earlier may hold (read as stored: a rule added later must not make old profiles unreadable). */
const storedProfileSchema = z.object({
  name: z.string(),
  dateOfBirth: z.string(),
  phone: z.string(),
  email: z.string(),
  notes: z.string(),
});

const PROFILE_CONTEXT = "medledger/patient-profile/v1";

export interface ProfileReader {
  readonly address: Address;
  readonly publicKey: Uint8Array;
}

export function parsePatientProfile(input: unknown): PatientProfile {
  const result = patientProfileSchema.safeParse(input);
  if (!result.success) {
    throw new MedLedgerError(
      "INVALID_INPUT",
      `The patient's profile cannot be saved: ${result.error.issues.map((i) => i.message).join("; ")}.`,
      "Correct these fields and try again.",
    );
  }
  return result.data;
}

/** Doctors currently assigned to `patient`, from the assignment events and the live state. */
export async function assignedDoctors(ledger: LedgerReader, patient: Address): Promise<Address[]> {
  // Assignments are the record's: after a recovery, also those made under the accounts it had before.
  const assigned = await getLedgerEvents(ledger, { eventName: "DoctorAssigned", args: { patient: await patientTopicOf(ledger, patient) } });
  const doctors = [...new Set(assigned.map((log) => log.args.doctor))];
  const active = await Promise.all(doctors.map((doctor) => readLedger(ledger, "isAssigned", [patient, doctor])));
  return doctors.filter((_, i) => active[i]);
}

/** Who may read `patient`'s profile: the patient, every active receptionist and the assigned doctors (those with a published key). */
export async function profileReaders(ledger: LedgerReader, patient: Address, extraDoctors: readonly Address[] = []): Promise<ProfileReader[]> {
  const staff = await listStaff(ledger);
  const receptionists = staff.filter((m) => m.role === "receptionist" && m.active).map((m) => m.account);
  const doctors = [...(await assignedDoctors(ledger, patient)), ...extraDoctors];
  const accounts = [...new Set([patient, ...receptionists, ...doctors].map((a) => a.toLowerCase() as Address))];
  const keys = await Promise.all(accounts.map((account) => publishedKeyOf(ledger, account)));
  return accounts.flatMap((address, i) => {
    const publicKey = keys[i];
    return publicKey ? [{ address, publicKey }] : [];
  });
}

/** Seals a profile for `readers` and stores it; returns the CID string and its binary form for the contract. */
export async function storePatientProfile(
  store: ContentStore,
  profile: PatientProfile,
  readers: readonly ProfileReader[],
): Promise<{ cid: string; cidBytes: Uint8Array }> {
  const plaintext = new TextEncoder().encode(JSON.stringify(parsePatientProfile(profile)));
  const sealed = await sealForReaders(plaintext, readers, PROFILE_CONTEXT);
  const cid = await store.add(sealed);
  await confirmPinned(store, cid, "sealed patient profile");
  return { cid, cidBytes: cidToBytes(cid) };
}

/** Opens a sealed profile as `identity`. */
export async function loadPatientProfile(store: ContentStore, cid: string, identity: EncryptionIdentity): Promise<PatientProfile> {
  const sealed = await store.cat(cid, { maxBytes: 1024 * 1024 });
  const plaintext = await openSealed(sealed, identity.address, identity.secretKey, PROFILE_CONTEXT);
  const stored = storedProfileSchema.safeParse(JSON.parse(new TextDecoder().decode(plaintext)));
  if (!stored.success)
    throw new MedLedgerError("INVALID_INPUT", "The stored patient profile is damaged.", "Register the profile again from the reception page.");
  return stored.data;
}

/** The CID of `patient`'s current sealed profile; INVALID_INPUT if they are not a registered patient. */
export async function currentProfileCid(ledger: LedgerReader, patient: Address): Promise<string> {
  const bytes = await readLedger(ledger, "patientProfile", [patient]);
  if (bytes === "0x") {
    throw new MedLedgerError("INVALID_INPUT", `${patient} is not a registered patient.`, "Check the address, or register the patient at the reception first.");
  }
  return cidFromBytes(bytes);
}

/** Opens `patient`'s current profile as `identity`, turning "you are not a reader" into a clear NO_ACCESS error. */
export async function openPatientProfile(
  ledger: LedgerReader,
  store: ContentStore,
  identity: EncryptionIdentity,
  patient: Address,
): Promise<{ cid: string; profile: PatientProfile }> {
  const cid = await currentProfileCid(ledger, patient);
  try {
    return { cid, profile: await loadPatientProfile(store, cid, identity) };
  } catch (error) {
    if (isMedLedgerError(error) && error.code !== "WRONG_KEY" && error.code !== "NO_ACCESS") throw error;
    throw new MedLedgerError(
      "NO_ACCESS",
      `Your account ${identity.address} cannot open the profile of ${patient}.`,
      "Profiles are readable by the patient, the active receptionists and the patient's assigned doctors, each once they have published their encryption key.",
      { cause: error },
    );
  }
}
