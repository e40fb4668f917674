/**
 * A patient's records as one FHIR R4 Bundle, built from plain data (no chain, no network): what
 * ./exportRecords.ts gathers on the device, and what a test can build from known values.
 *
 * The Bundle is a `collection`: a set of resources handed over together. It is not a `document`
 * (that needs a Composition first, attested by an author, as one clinical document): the export is
 * the patient's records as they stand, each report keeping its own author and provenance.
 *
 *  - Patient, from the sealed profile (name, birth date, phone, email), identified by the account;
 *  - Organization, the hospital that runs the MedLedger contract (identified by the contract);
 *  - per issuing doctor a Practitioner (name, contact, account) and, with a department, a
 *    PractitionerRole at the Organization;
 *  - per report a DocumentReference: status current / superseded (amended since) /
 *    entered-in-error (a claim the administrator marked fraudulent), `relatesTo` replaces for an
 *    amendment, the report's title, kind (LOINC), date of service and note, the decrypted file in
 *    `content[0].attachment` (`data` base64, `hash` its SHA-1 base64, size, type) and, when the site
 *    is known, its verification link in `content[1].attachment.url`;
 *  - per report a Provenance: the DocumentReference registered on chain by the doctor at the
 *    registration time, the registration transaction as an entity identified in the contract's
 *    namespace (./identifiers.ts).
 *
 * Every reference inside the Bundle is a `urn:uuid:` fullUrl (with its `type`), every id
 * deterministic: the same records give the same Bundle (but for `timestamp`, the export time).
 */
import type {
  Bundle,
  BundleEntry,
  ContactPoint,
  DocumentReference,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Provenance,
  Reference,
  Resource,
} from "@medplum/fhirtypes";
import { base64 } from "@scure/base";
import type { Address, Hex } from "viem";
import { hexToBytes } from "viem";
import type { Deployment } from "../contract/ledger.ts";
import { detectReportType, REPORT_MIME_TYPES } from "../documents/types.ts";
import type { PatientProfile } from "../patients/profile.ts";
import { kindOf, REPORT_ID_SYSTEM, documentReferenceOf, type ReportSummary } from "../reports/metadata.ts";
import type { ReportRecord } from "../reports/records.ts";
import type { StaffProfile } from "../staff/staff.ts";
import { verificationUrl } from "../verify/link.ts";
import { accountIdentifier, contractUri, exportId, fullUrlOf, transactionIdentifier, type ExportedThing } from "./identifiers.ts";

/** The title of a report registered before metadata (it has none). */
const UNTITLED = "Medical report";

/** The hospital's name when the site names none. */
export const DEFAULT_ORGANIZATION_NAME = "MedLedger hospital";

/** What a report contributes: its chain record, the decrypted (issued) file and its details. */
export interface ExportedReport {
  readonly record: Pick<
    ReportRecord,
    "reportId" | "sha256" | "sha1" | "doctor" | "supersedes" | "supersededBy" | "fraudulent" | "registeredAt" | "transactionHash"
  >;
  /** The issued file, decrypted and checked against both digests on chain. */
  readonly file: Uint8Array;
  /** Title, kind, date of service, note (null: a report registered before metadata). */
  readonly summary: ReportSummary | null;
}

export interface ExportedPractitioner {
  readonly account: Address;
  /** The staff profile (null: not on the staff list, or its profile could not be checked). */
  readonly profile: StaffProfile | null;
}

export interface BundleInput {
  readonly deployment: Pick<Deployment, "chainId" | "address">;
  readonly patient: { readonly account: Address; readonly profile: PatientProfile };
  readonly organizationName?: string;
  readonly practitioners: readonly ExportedPractitioner[];
  /** In any order: the Bundle lists them oldest first. */
  readonly reports: readonly ExportedReport[];
  /** The MedLedger site whose verify page the links open (null: no links). */
  readonly verificationOrigin: string | null;
  readonly exportedAt: Date;
}

const PARTICIPANT_TYPES = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
const DATA_OPERATIONS = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

function instant(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Ids and references of the resources of one export. */
function namer(deployment: BundleInput["deployment"]) {
  const id = (thing: ExportedThing, key: string) => exportId(deployment, thing, key);
  const ref = <T extends Resource>(type: T["resourceType"], thing: ExportedThing, key: string, display?: string): Reference<T> => ({
    reference: fullUrlOf(id(thing, key)),
    type,
    ...(display ? { display } : {}),
  });
  return { id, ref };
}

/** A staff contact as FHIR: an email, a phone number, a web address, or else as written. */
export function contactPointOf(contact: string): ContactPoint | null {
  const value = contact.trim();
  if (!value) return null;
  if (/^[^\s@]+@[^\s@]+$/.test(value)) return { system: "email", value };
  if (/^https?:\/\/\S+$/.test(value)) return { system: "url", value };
  if (/^\+?[\d\s().-]{5,}$/.test(value)) return { system: "phone", value };
  return { system: "other", value };
}

function patientOf(input: BundleInput, id: string): Patient {
  const { account, profile } = input.patient;
  const telecom: ContactPoint[] = [
    ...(profile.phone.trim() ? [{ system: "phone" as const, value: profile.phone.trim() }] : []),
    ...(profile.email.trim() ? [{ system: "email" as const, value: profile.email.trim() }] : []),
  ];
  return {
    resourceType: "Patient",
    id,
    identifier: [accountIdentifier(input.deployment, account)],
    ...(profile.name.trim() ? { name: [{ text: profile.name.trim() }] } : {}),
    ...(telecom.length ? { telecom } : {}),
    ...(profile.dateOfBirth.trim() ? { birthDate: profile.dateOfBirth.trim() } : {}),
  };
}

function practitionerOf(input: BundleInput, practitioner: ExportedPractitioner, id: string): Practitioner {
  const contact = practitioner.profile ? contactPointOf(practitioner.profile.contact) : null;
  return {
    resourceType: "Practitioner",
    id,
    identifier: [accountIdentifier(input.deployment, practitioner.account)],
    ...(practitioner.profile?.name ? { name: [{ text: practitioner.profile.name }] } : {}),
    ...(contact ? { telecom: [contact] } : {}),
  };
}

function contentTypeOf(file: Uint8Array): string {
  const type = detectReportType(file);
  return type ? REPORT_MIME_TYPES[type] : "application/octet-stream";
}

function statusOf(record: ExportedReport["record"]): DocumentReference["status"] {
  if (record.fraudulent) return "entered-in-error";
  return record.supersededBy ? "superseded" : "current";
}

/** The Bundle of `input`'s records. */
export function buildFhirBundle(input: BundleInput): Bundle {
  const { id, ref } = namer(input.deployment);
  const patientKey = input.patient.account;
  const organizationKey = input.deployment.address;
  const organizationName = input.organizationName?.trim() || DEFAULT_ORGANIZATION_NAME;
  const patientRef = ref<Patient>("Patient", "patient", patientKey, input.patient.profile.name.trim() || undefined);
  const organizationRef = ref<Organization>("Organization", "organization", organizationKey, organizationName);
  const practitioners = new Map(input.practitioners.map((p) => [p.account.toLowerCase(), p]));
  const practitionerRef = (account: Address): Reference<Practitioner> =>
    ref<Practitioner>("Practitioner", "practitioner", account, practitioners.get(account.toLowerCase())?.profile?.name || undefined);
  const reports = [...input.reports].sort((a, b) => a.record.registeredAt - b.record.registeredAt || (a.record.reportId < b.record.reportId ? -1 : 1));
  const exported = new Set(reports.map((r) => r.record.reportId));

  const entries: Resource[] = [];
  entries.push(patientOf(input, id("patient", patientKey)));
  const organization: Organization = {
    resourceType: "Organization",
    id: id("organization", organizationKey),
    identifier: [{ system: "urn:ietf:rfc:3986", value: contractUri(input.deployment) }],
    active: true,
    name: organizationName,
  };
  entries.push(organization);
  for (const practitioner of [...input.practitioners].sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1))) {
    entries.push(practitionerOf(input, practitioner, id("practitioner", practitioner.account)));
    const department = practitioner.profile?.department.trim();
    if (department) {
      const role: PractitionerRole = {
        resourceType: "PractitionerRole",
        id: id("practitioner-role", practitioner.account),
        practitioner: practitionerRef(practitioner.account),
        organization: organizationRef,
        specialty: [{ text: department }],
      };
      entries.push(role);
    }
  }

  for (const report of reports) {
    const { record } = report;
    const documentId = id("report", record.reportId);
    const replaces = (target: Hex): Reference<DocumentReference> => ({
      ...(exported.has(target) ? ref<DocumentReference>("DocumentReference", "report", target) : { type: "DocumentReference" }),
      identifier: { system: REPORT_ID_SYSTEM, value: target },
    });
    const summary = report.summary;
    const kind = kindOf(summary?.kind ?? "other");
    const file = { contentType: contentTypeOf(report.file), sha1: record.sha1, size: report.file.byteLength };
    // The report's own DocumentReference (core/reports/metadata.ts), completed with who, where and the file itself.
    const described = documentReferenceOf(
      { title: summary?.title ?? UNTITLED, kind: kind.id, dateOfService: summary?.dateOfService ?? "", ...(summary?.note ? { note: summary.note } : {}) },
      file,
    );
    const { context, content, ...rest } = described;
    const attachment = content[0]!.attachment;
    const document: DocumentReference = {
      ...rest,
      id: documentId,
      identifier: [{ system: REPORT_ID_SYSTEM, value: record.reportId }],
      status: statusOf(record),
      docStatus: record.supersedes ? "amended" : "final",
      subject: patientRef,
      date: instant(record.registeredAt),
      author: [practitionerRef(record.doctor)],
      custodian: organizationRef,
      ...(record.supersedes ? { relatesTo: [{ code: "replaces" as const, target: replaces(record.supersedes) }] } : {}),
      content: [
        { attachment: { ...attachment, data: base64.encode(report.file), hash: base64.encode(hexToBytes(record.sha1)) } },
        ...(input.verificationOrigin
          ? [
              {
                attachment: {
                  contentType: "text/html",
                  url: verificationUrl(input.verificationOrigin, record),
                  title: `Verification page of "${attachment.title ?? UNTITLED}": shows whether this report is genuine`,
                },
              },
            ]
          : []),
      ],
      // The date of service (none for a report registered before metadata).
      ...(summary?.dateOfService && context ? { context } : {}),
    };
    entries.push(document);

    const provenance: Provenance = {
      resourceType: "Provenance",
      id: id("provenance", record.reportId),
      target: [ref<DocumentReference>("DocumentReference", "report", record.reportId)],
      recorded: instant(record.registeredAt),
      activity: { coding: [{ system: DATA_OPERATIONS, code: "CREATE", display: "create" }] },
      agent: [
        {
          type: { coding: [{ system: PARTICIPANT_TYPES, code: "author", display: "Author" }] },
          who: practitionerRef(record.doctor),
          onBehalfOf: organizationRef,
        },
      ],
      entity: [
        {
          role: "source",
          what: {
            identifier: { ...transactionIdentifier(input.deployment, record.transactionHash), type: { text: "Ethereum transaction" } },
            display: `Registered on chain ${input.deployment.chainId} by the MedLedger contract ${input.deployment.address} in transaction ${record.transactionHash}`,
          },
        },
        ...(record.supersedes ? [{ role: "revision" as const, what: replaces(record.supersedes) }] : []),
      ],
    };
    entries.push(provenance);
  }

  const entry: BundleEntry[] = entries.map((resource) => ({ fullUrl: fullUrlOf(resource.id!), resource }));
  return {
    resourceType: "Bundle",
    id: id("bundle", patientKey),
    identifier: { system: "urn:ietf:rfc:3986", value: fullUrlOf(id("bundle", `${patientKey}:${reports.map((r) => r.record.reportId).join(",")}`)) },
    type: "collection",
    timestamp: input.exportedAt.toISOString(),
    entry,
  } satisfies Bundle;
}
