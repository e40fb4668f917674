/**
 * Enrolment at the reception: register a patient from their registration code with a sealed
 * profile and, optionally, assign their doctor and re-seal the profile so that the doctor can
 * read it. The profile is sealed before the assignment and re-sealed after it, so it is never
 * sealed for a doctor the chain has not assigned.
 */
import type { Address, Hash } from "viem";
import type { LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { registerPatient } from "./patients.ts";
import { parsePatientProfile, type PatientProfile } from "./profile.ts";
import { decodeRegistrationRequest } from "./registration.ts";
import { changeDoctorAssignment, type ResealOutcome } from "./reseal.ts";

/** The steps a receptionist waits on, in this order ("assigning" and "resealing" only with a doctor). */
export type EnrolStep = "sealing" | "registering" | "assigning" | "resealing" | "done";

export interface EnrolProgress {
  readonly step: EnrolStep;
  /** The patient being enrolled (from the registration code). */
  readonly patient: Address;
}

export interface EnrolInput {
  /** The patient's registration code (see registration.ts). */
  readonly code: string;
  readonly profile: PatientProfile;
  readonly doctor?: Address | null;
}

export interface EnrolResult {
  readonly patient: Address;
  /** The CID of the profile as registered (before any re-seal). */
  readonly profileCid: string;
  readonly transactionHash: Hash;
  /** With a doctor: the assignment and the re-seal after it. */
  readonly assignment: { readonly doctor: Address; readonly transactionHash: Hash; readonly reseal: ResealOutcome } | null;
}

export async function enrolPatient(
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  input: EnrolInput,
  options: { readonly onProgress?: (progress: EnrolProgress) => void } = {},
): Promise<EnrolResult> {
  const request = decodeRegistrationRequest(input.code, writer);
  const profile = parsePatientProfile(input.profile);
  const patient = request.account;
  const progress = (step: EnrolStep) => options.onProgress?.({ step, patient });
  const { hash, profileCid } = await registerPatient(writer, store, request, profile, { onProgress: progress });
  let assignment: EnrolResult["assignment"] = null;
  if (input.doctor) {
    const doctor = input.doctor;
    try {
      const changed = await changeDoctorAssignment(
        writer,
        store,
        identity,
        { patient, doctor, assigned: true },
        { onProgress: ({ step }) => progress(step === "resealing" ? "resealing" : "assigning") },
      );
      assignment = { doctor, transactionHash: changed.transactionHash, reseal: changed.reseal };
    } catch (error) {
      const cause = isMedLedgerError(error) ? error : undefined;
      throw new MedLedgerError(
        cause?.code ?? "CONTRACT_REVERT",
        `${profile.name} is registered, but the doctor ${doctor} was not assigned: ${cause?.message ?? String(error)}`,
        "Assign the doctor from the patient list (the registration stands; do not register the patient again).",
        { cause: error },
      );
    }
  }
  progress("done");
  return { patient, profileCid, transactionHash: hash, assignment };
}
