/**
 * Re-sealing a patient's profile after their doctors change: the receptionist opens the current
 * profile with their key and stores it again sealed for the current readers (the patient, the
 * active receptionists and the assigned doctors with a published key), then points the chain at
 * it. Assigning and unassigning a doctor both re-seal, so that a doctor reads the profile from
 * their assignment on and cannot read the versions written after their unassignment.
 */
import type { Address, Hash } from "viem";
import type { LedgerWriter } from "../contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "../errors.ts";
import { publishedKeyOf, type EncryptionIdentity } from "../identity/encryptionKey.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { assignDoctor, unassignDoctor, updatePatientProfile } from "./patients.ts";
import { assignedDoctors, openPatientProfile } from "./profile.ts";

export interface ResealResult {
  /** The CID now on chain. */
  readonly profileCid: string;
  /** The CID it replaced. */
  readonly previousCid: string;
  readonly transactionHash: Hash;
  /** Assigned doctors who have not published an encryption key: the profile could not be sealed for them. */
  readonly doctorsWithoutKey: readonly Address[];
}

/** A re-seal that followed another change: it either went through or failed (that change stands either way). */
export type ResealOutcome = { readonly ok: true; readonly result: ResealResult } | { readonly ok: false; readonly error: unknown };

/** Re-seals `patient`'s current profile for its current readers and points the chain at it (one transaction). */
export async function resealPatientProfile(writer: LedgerWriter, store: ContentStore, identity: EncryptionIdentity, patient: Address): Promise<ResealResult> {
  let opened: Awaited<ReturnType<typeof openPatientProfile>>;
  try {
    opened = await openPatientProfile(writer, store, identity, patient);
  } catch (error) {
    if (!isMedLedgerError(error, "NO_ACCESS")) throw error;
    throw new MedLedgerError(
      "NO_ACCESS",
      `Your key cannot open the current profile of ${patient}, so it cannot be re-sealed from this account.`,
      "Ask a receptionist whose key opens it to re-seal it (profiles are sealed for the receptionists who had published their key).",
      { cause: error },
    );
  }
  const { hash, profileCid } = await updatePatientProfile(writer, store, patient, opened.profile);
  const doctors = await assignedDoctors(writer, patient);
  const keys = await Promise.all(doctors.map((doctor) => publishedKeyOf(writer, doctor)));
  return { profileCid, previousCid: opened.cid, transactionHash: hash, doctorsWithoutKey: doctors.filter((_, i) => !keys[i]) };
}

/** Runs the re-seal and keeps its failure as a value: the change before it has gone through. */
export async function resealAfterChange(writer: LedgerWriter, store: ContentStore, identity: EncryptionIdentity, patient: Address): Promise<ResealOutcome> {
  try {
    return { ok: true, result: await resealPatientProfile(writer, store, identity, patient) };
  } catch (error) {
    return { ok: false, error };
  }
}

export type AssignmentStep = "assigning" | "unassigning" | "resealing";

export interface AssignmentChange {
  readonly patient: Address;
  readonly doctor: Address;
  /** true to assign, false to end the assignment. */
  readonly assigned: boolean;
}

export interface AssignmentResult extends AssignmentChange {
  readonly transactionHash: Hash;
  readonly reseal: ResealOutcome;
}

/**
 * Assigns or unassigns a doctor, then re-seals the profile for the readers that result. A failure
 * of the (un)assignment throws; a failure of the re-seal after it is returned in `reseal`, to be
 * retried alone with {@link resealPatientProfile}.
 */
export async function changeDoctorAssignment(
  writer: LedgerWriter,
  store: ContentStore,
  identity: EncryptionIdentity,
  change: AssignmentChange,
  options: { readonly onProgress?: (progress: { readonly step: AssignmentStep }) => void } = {},
): Promise<AssignmentResult> {
  options.onProgress?.({ step: change.assigned ? "assigning" : "unassigning" });
  const transactionHash = change.assigned
    ? await assignDoctor(writer, change.patient, change.doctor)
    : await unassignDoctor(writer, change.patient, change.doctor);
  options.onProgress?.({ step: "resealing" });
  const reseal = await resealAfterChange(writer, store, identity, change.patient);
  return { ...change, transactionHash, reseal };
}
