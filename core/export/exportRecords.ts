/**
 * Exporting a patient's records as a FHIR R4 Bundle (./fhirBundle.ts), on the reader's device:
 * the reader's unlocked key opens the sealed profile and every report it may read, each checked
 * against its digests on chain; nothing decrypted is sent anywhere. The Bundle is handed back for
 * the user to save.
 *
 * Who may export: the patient (every report of theirs), or a doctor the patient is currently
 * assigned to (the reports that doctor may read: those they issued and those the patient shares
 * with them; the others are counted as withheld, never silently left out). Anyone else is refused.
 */
import pMap from "p-map";
import type { Address, Hex } from "viem";
import type { Bundle } from "@medplum/fhirtypes";
import { getRoles } from "../accounts/roles.ts";
import { readLedger } from "../contract/calls.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import { MedLedgerError, isMedLedgerError } from "../errors.ts";
import type { EncryptionIdentity } from "../identity/encryptionKey.ts";
import type { ContentStore } from "../ipfs/types.ts";
import { openPatientProfile } from "../patients/profile.ts";
import { readReport } from "../reports/read.ts";
import { listReports, type ReportRecord } from "../reports/records.ts";
import { currentKeysFor } from "../reports/versions.ts";
import { getStaffMember } from "../staff/staff.ts";
import { buildFhirBundle, type ExportedPractitioner, type ExportedReport } from "./fhirBundle.ts";

export type ExportStep = "checking" | "profile" | "listing" | "reading" | "building" | "done";

export interface ExportProgress {
  readonly step: ExportStep;
  /** While reading: reports opened so far, of `total`. */
  readonly done?: number;
  readonly total?: number;
}

export interface ExportOptions {
  readonly onProgress?: (progress: ExportProgress) => void;
  /** The MedLedger site whose verify page each report's link opens (null or absent: no links). */
  readonly verificationOrigin?: string | null;
  /** The hospital's name in the Organization (default {@link DEFAULT_ORGANIZATION_NAME}). */
  readonly organizationName?: string;
  /** Largest report file to open. */
  readonly maxBytes?: number;
  /** Called after each report is opened (e.g. to log the opening in the patient's access history); awaited. */
  readonly onOpened?: (reportId: Hex) => void | Promise<void>;
  readonly concurrency?: number;
  /** The export's time (default now). */
  readonly exportedAt?: Date;
}

export interface RecordsExport {
  readonly bundle: Bundle;
  readonly patient: Address;
  /** Reports in the Bundle. */
  readonly reports: number;
  /** The patient's reports this reader may not read (a doctor's export), not in the Bundle. */
  readonly withheld: number;
}

export { DEFAULT_ORGANIZATION_NAME } from "./fhirBundle.ts";

const same = (a: Address, b: Address): boolean => a.toLowerCase() === b.toLowerCase();

/** The domain rule: the patient, or a doctor the patient is assigned to. */
async function checkExporter(ledger: LedgerReader, reader: Address, patient: Address): Promise<"patient" | "doctor"> {
  const roles = await getRoles(ledger, reader);
  if (same(reader, patient)) {
    if (roles.patient) return "patient";
    throw new MedLedgerError("NO_ACCESS", "Your account is not registered as a patient, so it has no records to export.", "Register at the reception first.");
  }
  if (roles.doctor && (await readLedger(ledger, "isAssigned", [patient, reader]))) return "doctor";
  throw new MedLedgerError(
    "NO_ACCESS",
    roles.doctor
      ? `You are not the doctor of patient ${patient}, so you cannot export their records.`
      : `Only the patient can export the records of ${patient}.`,
    roles.doctor
      ? "Only the patient, or a doctor the patient is assigned to, can export them. Ask the reception to assign the patient to you."
      : "Only the patient, or a doctor the patient is assigned to, can export them.",
  );
}

/** The patient's records that `identity` may read as FHIR R4; refuses anyone but the patient or an assigned doctor. */
export async function exportRecords(
  ledger: LedgerReader,
  store: ContentStore,
  identity: EncryptionIdentity,
  patient: Address,
  options: ExportOptions = {},
): Promise<RecordsExport> {
  const progress = options.onProgress ?? (() => {});
  progress({ step: "checking" });
  await checkExporter(ledger, identity.address, patient);
  progress({ step: "profile" });
  const { profile } = await openPatientProfile(ledger, store, identity, patient);
  progress({ step: "listing" });
  const all = await listReports(ledger, { patient });
  // Reports the reader holds no key for were never shared with them: withheld without a read.
  const keys = await currentKeysFor(ledger, identity.address, all);
  const readable = all.filter((record) => keys.has(record.reportId));
  let withheld = all.length - readable.length;
  let done = 0;
  progress({ step: "reading", done, total: readable.length });
  const opened = await pMap(
    readable,
    async (record: ReportRecord): Promise<ExportedReport | null> => {
      try {
        const report = await readReport(ledger, store, record.reportId, identity, options.maxBytes ? { maxBytes: options.maxBytes } : {});
        await options.onOpened?.(record.reportId);
        return { record: report.record, file: report.bytes, summary: report.summary };
      } catch (error) {
        // A grant revoked or expired since: not the reader's to export.
        if (isMedLedgerError(error) && ["ACCESS_REVOKED", "ACCESS_EXPIRED", "NO_ACCESS", "RESULT_HELD"].includes(error.code)) return null;
        if (isMedLedgerError(error)) {
          throw new MedLedgerError(error.code, `Report ${record.reportId} could not be exported: ${error.message}`, error.hint, {
            cause: error,
            details: error.details,
          });
        }
        throw error;
      } finally {
        progress({ step: "reading", done: ++done, total: readable.length });
      }
    },
    { concurrency: options.concurrency ?? 4 },
  );
  const reports = opened.filter((r): r is ExportedReport => r !== null);
  withheld += opened.length - reports.length;
  progress({ step: "building" });
  const doctors = [...new Map(reports.map((r) => [r.record.doctor.toLowerCase(), r.record.doctor])).values()];
  const practitioners: ExportedPractitioner[] = await Promise.all(
    doctors.map(async (account) => {
      const member = await getStaffMember(ledger, account);
      return { account, profile: member?.profileVerified ? member.profile : null };
    }),
  );
  const bundle = buildFhirBundle({
    deployment: ledger.deployment,
    patient: { account: patient, profile },
    ...(options.organizationName ? { organizationName: options.organizationName } : {}),
    practitioners,
    reports,
    verificationOrigin: options.verificationOrigin ?? null,
    exportedAt: options.exportedAt ?? new Date(),
  });
  progress({ step: "done" });
  return { bundle, patient, reports: reports.length, withheld };
}

/** The Bundle as the file the user saves (JSON, two-space indented). */
export function bundleJson(bundle: Bundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

/** The file name of an export made on `date`: medledger-records-YYYY-MM-DD.json. */
export function exportFileName(date: Date): string {
  return `medledger-records-${date.toISOString().slice(0, 10)}.json`;
}
