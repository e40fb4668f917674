/**
 * A long history for tests and benchmarks: one doctor (doctor1) and one patient (patient1), and
 * `count` real reports of that patient (real PDFs, encrypted, stored in IPFS, registered in
 * batches) on the local stack's chain.
 */
import { randomBytes } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import type { Address } from "viem";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { ensureKeyPublished, unlockIdentity } from "#core/identity/encryptionKey.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { createLedgerWriter } from "#core/node/clients.ts";
import { assignDoctor, registerPatient } from "#core/patients/patients.ts";
import { createRegistrationRequest } from "#core/patients/registration.ts";
import { DEFAULT_MAX_FILE_BYTES } from "#core/reports/limits.ts";
import { prepareReport, submitReports, type PreparedReport } from "#core/reports/upload.ts";
import { addStaff } from "#core/staff/staff.ts";

export interface StackEndpoints {
  readonly rpcUrl: string;
  readonly ipfsApiUrl: string;
  readonly deployment: LedgerWriter["deployment"];
}

/** A real PDF (one page and `size` random bytes attached): every file distinct and incompressible. */
export async function randomReportPdf(size: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage([595, 842]);
  await pdf.attach(new Uint8Array(randomBytes(size)), "scan.bin", { mimeType: "application/octet-stream" });
  return pdf.save({ useObjectStreams: false });
}

export function demoWriter(stack: StackEndpoints, handle: string): LedgerWriter {
  const config = { rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
  return createLedgerWriter(config, demoAccount(DEMO_PEOPLE.find((p) => p.handle === handle)!));
}

/** Staff (receptionist1, doctor1) and patient1 assigned to doctor1, on an empty deployment. */
export async function seedDoctorAndPatient(stack: StackEndpoints): Promise<{ doctor: LedgerWriter; patient: Address }> {
  return seedClinic((handle) => demoWriter(stack, handle), stack.deployment, createKuboStore(stack.ipfsApiUrl));
}

/** {@link seedDoctorAndPatient} with writers from `as` (e.g. on the in-process EVM) and any store. */
export async function seedClinic(
  as: (handle: string) => LedgerWriter,
  deployment: LedgerWriter["deployment"],
  store: ContentStore,
): Promise<{ doctor: LedgerWriter; patient: Address }> {
  const [admin, reception, doctor, patient] = ["admin", "receptionist1", "doctor1", "patient1"].map(as) as [
    LedgerWriter,
    LedgerWriter,
    LedgerWriter,
    LedgerWriter,
  ];
  await addStaff(admin, reception.walletClient.account.address, "receptionist", { name: "Rita Reyes", department: "Front desk", contact: "" });
  await addStaff(admin, doctor.walletClient.account.address, "doctor", { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "" });
  await ensureKeyPublished(reception, await unlockIdentity(reception.walletClient, deployment));
  await ensureKeyPublished(doctor, await unlockIdentity(doctor.walletClient, deployment));
  const request = await createRegistrationRequest(patient, patient.walletClient, await unlockIdentity(patient.walletClient, deployment));
  await registerPatient(reception, store, request, { name: "Alice Martin", dateOfBirth: "", phone: "", email: "", notes: "" });
  await assignDoctor(reception, patient.walletClient.account.address, doctor.walletClient.account.address);
  return { doctor, patient: patient.walletClient.account.address };
}

/** `count` reports by `doctor` for `patient`, registered `batch` per transaction. */
export async function seedReports(
  stack: StackEndpoints,
  doctor: LedgerWriter,
  patient: Address,
  count: number,
  options: { readonly batch?: number; readonly fileBytes?: number; readonly log?: (line: string) => void } = {},
): Promise<void> {
  const store = createKuboStore(stack.ipfsApiUrl);
  const batchSize = options.batch ?? 20;
  for (let done = 0; done < count;) {
    const size = Math.min(batchSize, count - done);
    // A batch is prepared concurrently (reads, encryption, IPFS), then registered in one transaction.
    const batch: PreparedReport[] = await Promise.all(
      Array.from({ length: size }, async () => prepareReport(doctor, store, { file: await randomReportPdf(options.fileBytes ?? 256), patient })),
    );
    await submitReports(doctor, store, batch);
    const before = done;
    done += size;
    if (options.log && Math.floor(done / 1000) > Math.floor(before / 1000)) options.log(`  ${done} of ${count} reports registered`);
  }
}
