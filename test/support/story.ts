/**
 * The product's story through the shared core, runnable on any EVM node: staff joins, a patient
 * is registered and assigned, a doctor uploads, the patient reads, shares, revokes, and anyone
 * verifies. Used against the in-process Hardhat EVM and against anvil.
 */
import { expect } from "chai";
import type { Address, Hex } from "viem";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { enrolPatient } from "#core/patients/enrol.ts";
import { createRegistrationRequest, encodeRegistrationRequest } from "#core/patients/registration.ts";
import { readReport } from "#core/reports/read.ts";
import { listShares, listSharesOfPatient, revokeShare, shareReport } from "#core/reports/share.ts";
import { claimIdOf } from "#core/reports/claimId.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { addStaff } from "#core/staff/staff.ts";
import { verifyReport } from "#core/verify/verify.ts";
import type { ContentStore } from "#core/ipfs/types.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import type { LedgerFixture } from "./ledgers.ts";

export interface StoryResult {
  /** The PDF as the doctor gave it. */
  readonly pdf: Uint8Array;
  /** The issued PDF (with its serial): the one registered, read back and verified. */
  readonly issued: Uint8Array;
  readonly reportId: Hex;
  readonly identities: ReadonlyMap<string, EncryptionIdentity>;
  readonly profileJson: Uint8Array;
}

export function addressOf(ledger: LedgerFixture, handle: string): Address {
  return ledger.as(handle).walletClient.account.address;
}

/** Staff and one patient enrolled with doctor1 (the profile re-sealed for them); returns unlocked identities. */
export async function setUpClinic(ledger: LedgerFixture, store: ContentStore): Promise<Map<string, EncryptionIdentity>> {
  const identities = new Map<string, EncryptionIdentity>();
  const unlock = async (handle: string) => {
    const identity = await unlockIdentity(ledger.as(handle).walletClient, ledger.deployment, ledger.as(handle));
    identities.set(handle, identity);
    return identity;
  };
  const admin = ledger.as("admin");
  await addStaff(admin, addressOf(ledger, "receptionist1"), "receptionist", { name: "Rita Reyes", department: "Front desk", contact: "rita@h.example" });
  await addStaff(admin, addressOf(ledger, "doctor1"), "doctor", { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "ada@h.example" });
  await addStaff(admin, addressOf(ledger, "doctor2"), "doctor", { name: "Dr. Gregory House", department: "Diagnostics", contact: "house@h.example" });
  for (const handle of ["receptionist1", "doctor1", "doctor2", "stranger"]) {
    await ensureKeyPublished(ledger.as(handle), await unlock(handle));
  }
  const patient = ledger.as("patient1");
  const request = await createRegistrationRequest(patient, patient.walletClient, await unlock("patient1"));
  const enrolled = await enrolPatient(ledger.as("receptionist1"), store, identities.get("receptionist1")!, {
    code: encodeRegistrationRequest(request),
    profile: { name: "Alice Martin", dateOfBirth: "1984-03-12", phone: "+1 555 0201", email: "alice.martin@example.org", notes: "Allergic to penicillin." },
    doctor: addressOf(ledger, "doctor1"),
  });
  expect(enrolled.assignment?.reseal.ok, "the profile is re-sealed for doctor1").to.equal(true);
  return identities;
}

export async function runStory(ledger: LedgerFixture, store: ContentStore): Promise<StoryResult> {
  const identities = await setUpClinic(ledger, store);
  const id = (handle: string) => identities.get(handle)!;
  const pdf = await makeReportPdf({
    title: "Echocardiogram",
    patientName: "Alice Martin",
    doctorName: "Dr. Ada Lovelace",
    department: "Cardiology",
    date: "2026-11-25",
    findings: ["Left ventricular ejection fraction 58 %.", "No valvular disease."],
  });

  // The doctor uploads.
  const steps: string[] = [];
  const { reportId, prepared } = await uploadReport(
    ledger.as("doctor1"),
    store,
    { file: pdf, patient: addressOf(ledger, "patient1") },
    {
      onProgress: ({ step }) => steps.push(step),
    },
  );
  expect(steps).to.deep.equal(["checking", "hashing", "encrypting", "uploading", "signing", "confirming", "done"]);
  const issued = prepared.issuedFile!;
  expect(prepared.serial).to.match(/^ML(-[0-9A-F]{4}){8}$/);
  expect(reportId).to.equal(claimIdOf(prepared.sha256, addressOf(ledger, "doctor1")));
  expect(Buffer.from(issued).equals(Buffer.from(pdf)), "the issued file carries the serial").to.equal(false);

  // The patient and the issuing doctor read the issued bytes.
  const asPatient = await readReport(ledger.reader(), store, reportId, id("patient1"));
  expect(Buffer.from(asPatient.bytes).equals(Buffer.from(issued))).to.equal(true);
  const asDoctor = await readReport(ledger.reader(), store, reportId, id("doctor1"));
  expect(Buffer.from(asDoctor.bytes).equals(Buffer.from(issued))).to.equal(true);

  // A stranger cannot.
  await expectCode(readReport(ledger.reader(), store, reportId, id("stranger")), "NO_ACCESS");
  await expectCode(readReport(ledger.reader(), store, reportId, id("doctor2")), "NO_ACCESS");

  // Shared with a second doctor, who can read; revoked, and the app refuses.
  await shareReport(ledger.as("patient1"), reportId, addressOf(ledger, "doctor2"), id("patient1"));
  const asGrantee = await readReport(ledger.reader(), store, reportId, id("doctor2"));
  expect(Buffer.from(asGrantee.bytes).equals(Buffer.from(issued))).to.equal(true);
  expect((await listSharesOfPatient(ledger.reader(), addressOf(ledger, "patient1"))).get(reportId)).to.deep.equal([
    { reader: addressOf(ledger, "doctor2"), active: true },
  ]);
  await revokeShare(ledger.as("patient1"), reportId, addressOf(ledger, "doctor2"));
  expect((await listSharesOfPatient(ledger.reader(), addressOf(ledger, "patient1"))).get(reportId)).to.deep.equal([
    { reader: addressOf(ledger, "doctor2"), active: false },
  ]);
  expect(await listShares(ledger.reader(), reportId)).to.deep.equal([{ reader: addressOf(ledger, "doctor2"), active: false }]);
  await expectCode(readReport(ledger.reader(), store, reportId, id("doctor2")), "ACCESS_REVOKED");

  // Anyone verifies: the issued file passes, the file as given and a one-byte-changed copy do not.
  const genuine = await verifyReport(ledger.reader(), { kind: "file", file: asPatient.bytes });
  expect(genuine.status).to.equal("genuine");
  expect(genuine.record?.doctor).to.equal(addressOf(ledger, "doctor1"));
  expect(genuine.record?.patient).to.equal(addressOf(ledger, "patient1"));
  expect((await verifyReport(ledger.reader(), { kind: "file", file: pdf })).status).to.equal("not-registered");
  const forged = Uint8Array.from(issued);
  forged[Math.floor(forged.length / 2)]! ^= 0x01;
  expect((await verifyReport(ledger.reader(), { kind: "file", file: forged })).status).to.equal("not-registered");

  const profileJson = new TextEncoder().encode(
    JSON.stringify({
      name: "Alice Martin",
      dateOfBirth: "1984-03-12",
      phone: "+1 555 0201",
      email: "alice.martin@example.org",
      notes: "Allergic to penicillin.",
    }),
  );
  return { pdf, issued, reportId, identities, profileJson };
}

/** A small real PDF whose content is unique (`text` and a random token). */
export function reportPdf(text: string): Promise<Uint8Array> {
  return makeReportPdf({
    title: `Report ${text}`,
    patientName: "Alice Martin",
    doctorName: "Dr. Ada Lovelace",
    department: "Cardiology",
    date: "2026-11-25",
    findings: [text, `token ${Math.random().toString(36).slice(2)}`],
  });
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as { code?: string }).code, (error as Error).message).to.equal(code);
    return;
  }
  expect.fail(`expected a MedLedgerError ${code}, but it succeeded`);
}
