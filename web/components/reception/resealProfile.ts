/**
 * Re-sealing a patient's profile after their doctors change: the receptionist opens the current
 * profile with their key and stores it again sealed for the current readers (the patient, the
 * receptionists and the assigned doctors with a published key), as `medledger patient assign` does.
 */
import type { Address } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "#core/errors.ts";
import { publishedKeyOf, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { cidFromBytes } from "#core/ipfs/cid.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { updatePatientProfile } from "#core/patients/patients.ts";
import { assignedDoctors, loadPatientProfile, type PatientProfile } from "#core/patients/profile.ts";

export interface ResealResult {
  readonly profileCid: string;
  /** Assigned doctors who have not published an encryption key: the profile could not be sealed for them. */
  readonly doctorsWithoutKey: readonly Address[];
}

async function openCurrentProfile(writer: LedgerWriter, store: ContentStore, identity: EncryptionIdentity, patient: Address): Promise<PatientProfile> {
  const cid = cidFromBytes(await readLedger(writer, "patientProfile", [patient]));
  try {
    return await loadPatientProfile(store, cid, identity);
  } catch (error) {
    if (!isMedLedgerError(error, "NO_ACCESS") && !isMedLedgerError(error, "WRONG_KEY")) throw error;
    throw new MedLedgerError(
      "NO_ACCESS",
      `Your key cannot open the current profile of ${patient}, so it cannot be re-sealed from this account.`,
      "Ask a receptionist whose key opens it to re-seal it (profiles are sealed for the receptionists who had published their key).",
      { cause: error },
    );
  }
}

/** Re-seals `patient`'s current profile for its current readers and points the chain at it (one transaction). */
export async function resealPatientProfile(writer: LedgerWriter, store: ContentStore, identity: EncryptionIdentity, patient: Address): Promise<ResealResult> {
  const profile = await openCurrentProfile(writer, store, identity, patient);
  const { profileCid } = await updatePatientProfile(writer, store, patient, profile);
  const doctors = await assignedDoctors(writer, patient);
  const keys = await Promise.all(doctors.map((doctor) => publishedKeyOf(writer, doctor)));
  return { profileCid, doctorsWithoutKey: doctors.filter((_, i) => !keys[i]) };
}
