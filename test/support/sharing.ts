/**
 * Set-up for the sharing, relay, re-key and rotation tests: the clinic of story.ts, a few reports
 * doctor1 issued for patient1, a patient account holding no ETH, and a clock to move forward.
 */
import { createTestClient, createWalletClient, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { enrolPatient } from "#core/patients/enrol.ts";
import { createRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import type { LedgerFixture } from "./ledgers.ts";
import { addressOf } from "./story.ts";

export interface IssuedReport {
  readonly reportId: Hex;
  /** The issued bytes (with their serial): what every reader must get back. */
  readonly file: Uint8Array;
}

/** `count` reports doctor `doctor` issues for `patient`. */
export async function issueReports(ledger: LedgerFixture, store: ContentStore, count: number, patient: Address, doctor = "doctor1"): Promise<IssuedReport[]> {
  const reports: IssuedReport[] = [];
  for (let i = 0; i < count; i++) {
    const pdf = await makeReportPdf({
      title: `Blood panel ${i + 1}`,
      patientName: "Alice Martin",
      doctorName: "Dr. Ada Lovelace",
      department: "Cardiology",
      date: `2026-11-${String(10 + i).padStart(2, "0")}`,
      findings: [`Haemoglobin ${130 + i} g/L.`, "Within normal limits."],
    });
    const { reportId, prepared } = await uploadReport(ledger.as(doctor), store, { file: pdf, patient });
    reports.push({ reportId, file: prepared.issuedFile! });
  }
  return reports;
}

/** A writer for a fresh random account that was never funded. */
export function unfundedWriter(ledger: LedgerFixture): LedgerWriter {
  const template = ledger.as("admin");
  const walletClient = createWalletClient({
    account: privateKeyToAccount(generatePrivateKey()),
    chain: template.walletClient.chain,
    transport: ledger.transport,
  });
  return { publicClient: template.publicClient, walletClient, deployment: ledger.deployment, rpcUrl: ledger.rpcUrl };
}

/** Registers `patient` (who signs, pays nothing) at receptionist1 and assigns them to doctor1. */
export async function enrolUnfunded(
  ledger: LedgerFixture,
  store: ContentStore,
  patient: LedgerWriter,
  receptionist: EncryptionIdentity,
): Promise<EncryptionIdentity> {
  const identity = await unlockIdentity(patient.walletClient, ledger.deployment, patient);
  const request = await createRegistrationRequest(patient, patient.walletClient, identity);
  await enrolPatient(ledger.as("receptionist1"), store, receptionist, {
    code: encodeRegistrationRequest(request),
    profile: { name: "Noah Walker", dateOfBirth: "1990-01-02", phone: "+1 555 0300", email: "noah@example.org", notes: "" },
    doctor: addressOf(ledger, "doctor1"),
  });
  return identity;
}

/** Moves the chain's clock forward by `seconds` and mines a block. */
export async function advanceTime(ledger: LedgerFixture, seconds: number): Promise<void> {
  const client = createTestClient({ mode: "hardhat", transport: ledger.transport });
  await client.increaseTime({ seconds });
  await client.mine({ blocks: 1 });
}

export const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
