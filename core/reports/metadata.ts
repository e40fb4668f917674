/**
 * What a patient needs to tell reports apart — a title, a kind, the date of service, a note —
 * kept as a FHIR R4 `DocumentReference` whose attachment is the issued file (its SHA-1 in
 * `Attachment.hash`, base64, as FHIR defines it). It is encrypted with the report (core/crypto/
 * reportCipher.ts, the fixed-size head of format v3): never in clear on chain or on IPFS.
 *
 * Kinds are LOINC document-type codes (the LOINC Document Ontology), so an export is
 * understood by other systems.
 */
import type { DocumentReference } from "@medplum/fhirtypes";
import { base64 } from "@scure/base";
import type { Hex } from "viem";
import { bytesToHex, hexToBytes } from "viem";
import { sha256 } from "@noble/hashes/sha2.js";
import * as z from "zod/mini";
import { MedLedgerError } from "../errors.ts";
import { kindOf, LOINC_SYSTEM, NOTE_MAX, REPORT_KINDS, TITLE_MAX, type ReportKind, type ReportMetadata } from "./kinds.ts";

export { kindOf, LOINC_SYSTEM, NOTE_MAX, REPORT_KINDS, TITLE_MAX, type ReportKind, type ReportMetadata } from "./kinds.ts";

const kindIds = REPORT_KINDS.map((k) => k.id) as [ReportKind, ...ReportKind[]];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The metadata form's rules, in words a person understands. */
export const reportMetadataSchema = z.object({
  title: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, "Give the report a title, e.g. “Blood count” or “Chest X-ray”."),
      z.maxLength(TITLE_MAX, `The title can be at most ${TITLE_MAX} characters.`),
    ),
  kind: z.enum(kindIds, "Choose what kind of report this is."),
  dateOfService: z.string().check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, "Give the date of service as a date (YYYY-MM-DD)."),
    z.refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "Give the date of service as a real date."),
    z.refine((v) => v <= today(), "The date of service cannot be in the future."),
  ),
  note: z.optional(z.string().check(z.trim(), z.maxLength(NOTE_MAX, `The note can be at most ${NOTE_MAX} characters.`))),
});

/** Checks what the doctor entered; INVALID_INPUT naming the first problem. */
export function parseReportMetadata(input: unknown): ReportMetadata {
  const parsed = reportMetadataSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MedLedgerError("INVALID_INPUT", issue?.message ?? "The report details are not valid.", "Correct the report's details and try again.");
  }
  const { note, ...rest } = parsed.data;
  return note ? { ...rest, note } : rest;
}

/** The issued file a DocumentReference points at. */
export interface AttachedFile {
  readonly contentType: string;
  readonly sha1: Hex;
  readonly size: number;
}

/** How the DocumentReference names a MedLedger report (its claim id). */
export const REPORT_ID_SYSTEM = "urn:medledger:report-id";

/** The FHIR R4 DocumentReference of a report (no identifiers of people: those are on chain); `replaces`: the report an amendment corrects. */
export function documentReferenceOf(metadata: ReportMetadata, file: AttachedFile, links: { readonly replaces?: Hex | null } = {}): DocumentReference {
  const kind = kindOf(metadata.kind);
  return {
    ...(links.replaces ? { relatesTo: [{ code: "replaces" as const, target: { identifier: { system: REPORT_ID_SYSTEM, value: links.replaces } } }] } : {}),
    resourceType: "DocumentReference",
    status: "current",
    docStatus: "final",
    type: { coding: [{ system: LOINC_SYSTEM, code: kind.code, display: kind.display }], text: kind.label },
    ...(metadata.note ? { description: metadata.note } : {}),
    context: { period: { start: metadata.dateOfService } },
    content: [{ attachment: { contentType: file.contentType, size: file.size, hash: base64.encode(hexToBytes(file.sha1)), title: metadata.title } }],
  };
}

/** Serialised for the ciphertext head. */
export function encodeDocumentReference(document: DocumentReference): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(document));
}

const documentSchema = z.object({
  resourceType: z.literal("DocumentReference"),
  description: z.optional(z.string()),
  content: z.array(z.object({ attachment: z.object({ title: z.optional(z.string()) }) })),
  type: z.optional(z.object({ coding: z.optional(z.array(z.object({ system: z.optional(z.string()), code: z.optional(z.string()) }))) })),
  context: z.optional(z.object({ period: z.optional(z.object({ start: z.optional(z.string()) })) })),
});

/** What the app shows of a report, from its DocumentReference. */
export interface ReportSummary {
  readonly title: string;
  readonly kind: ReportKind;
  readonly kindLabel: string;
  readonly dateOfService: string | null;
  readonly note: string | null;
}

/** Reads back a decrypted head; null when it carries no DocumentReference (reports registered before metadata). */
export function summaryOf(bytes: Uint8Array | null): { readonly document: DocumentReference; readonly summary: ReportSummary } | null {
  if (!bytes || bytes.length === 0) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) return null;
  const code = parsed.data.type?.coding?.find((c) => c.system === LOINC_SYSTEM)?.code;
  const kind = REPORT_KINDS.find((k) => k.code === code) ?? kindOf("other");
  return {
    document: json as DocumentReference,
    summary: {
      title: parsed.data.content[0]?.attachment.title ?? kind.label,
      kind: kind.id,
      kindLabel: kind.label,
      dateOfService: parsed.data.context?.period?.start ?? null,
      note: parsed.data.description ?? null,
    },
  };
}

/** A digest of what the doctor entered: tells a retry whether the details are the same as the earlier attempt's. */
export function metadataDigest(metadata: ReportMetadata | undefined): Hex | null {
  if (!metadata) return null;
  return bytesToHex(sha256(new TextEncoder().encode(JSON.stringify([metadata.title, metadata.kind, metadata.dateOfService, metadata.note ?? ""]))));
}
