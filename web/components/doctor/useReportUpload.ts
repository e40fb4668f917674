"use client";
/**
 * One report upload (a new report or an amendment) as an {@link Action} with steps, in the core's
 * two resumable halves: prepare (check → issue with a serial → hash → encrypt → store on IPFS) and
 * submit (register on chain). A failed or rejected registration keeps the prepared report, so
 * running the same request again only registers it (never re-serialises). After success the issued
 * file (with its serial) is kept for download: it is the file to give the patient. The outcome of
 * the transaction (pending → confirmed after the configured confirmations, or failed) is announced
 * by the caller's `toast` (web/lib/txToast.tsx), never inline; the page shows the steps.
 */
import { useCallback, useState } from "react";
import type { Address, Hex } from "viem";
import type { PreparedReport, SubmitResult, UploadStep } from "#core/reports/upload.ts";
import type { ReportMetadata } from "#core/reports/metadata.ts";
import { readFileBytes } from "#web/lib/files.ts";
import { useLedgerWriter, usePublicConfig } from "#web/lib/ledgerContext.tsx";
import { useContentStore } from "#web/lib/contentStore.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import type { TransactionToast } from "#web/lib/txToast.tsx";
import { useAction, type Action, type Progress } from "#web/lib/useAction.ts";

export interface UploadRequest {
  readonly file: File;
  readonly patient: Address;
  /** Title, kind, date of service, note: encrypted with the report. */
  readonly metadata?: ReportMetadata;
  /** The report this one amends (its corrected version). */
  readonly supersedes?: Hex | null;
  /** Hold the result for review: the patient opens it once released (by the doctor, or the hospital's delay). */
  readonly held?: boolean;
}

/** `run(request)` uploads and registers; after a failure, the same request only registers again. */
export interface ReportUpload extends Action<[UploadRequest], SubmitResult, UploadStep> {
  /** The encrypted report already on IPFS, kept after a failed registration for the retry. */
  readonly prepared: PreparedReport | null;
  /** After success: the issued file (the one with the serial, the one that verifies) to download. */
  readonly issued: IssuedDownload | null;
  /** Whether `request` would only retry the registration (its file is already encrypted on IPFS). */
  isPreparedFor(request: UploadRequest | null): boolean;
}

export interface IssuedDownload {
  readonly serial: string;
  /** `scan.pdf` → `scan.issued.pdf`. */
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/** `scan.pdf` → `scan.issued.pdf`. */
export function issuedFileName(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)}.issued${name.slice(dot)}` : `${name}.issued`;
}

/** What identifies "the same upload" for a retry (compared in memory only: the details as they are, no digest needed). */
function requestKey({ file, patient, supersedes, metadata, held }: UploadRequest): string {
  const details = metadata ? JSON.stringify([metadata.title, metadata.kind, metadata.dateOfService, metadata.note ?? ""]) : "";
  return JSON.stringify([patient.toLowerCase(), supersedes ?? "", file.name, file.size, file.lastModified, details, held === true]);
}

// The new report shows in the patient's and the doctor's lists (and supersedes another): every ledger read.
const AFTER_UPLOAD = [queryKeys.ledger.all()];

/** `toast`: how the registration is announced (the form knows the patient's name and the title). */
export function useReportUpload(toast: TransactionToast<[UploadRequest], SubmitResult>): ReportUpload {
  const getWriter = useLedgerWriter();
  const store = useContentStore();
  const config = usePublicConfig();
  const [prepared, setPrepared] = useState<{ key: string; report: PreparedReport } | null>(null);
  const [issued, setIssued] = useState<IssuedDownload | null>(null);

  const upload = useAction(
    async (progress: Progress<UploadStep>, request: UploadRequest) => {
      const key = requestKey(request);
      setIssued(null);
      // The upload workflow (PDF serials with pdf-lib, hashing, encryption) loads on the first upload, not with the page.
      const [writer, { prepareReport, submitReport }] = await Promise.all([getWriter(), import("#core/reports/upload.ts")]);
      const onProgress = ({ step }: { step: UploadStep }) => progress(step);
      let report = prepared?.key === key ? prepared.report : null;
      if (!report) {
        const input = {
          file: await readFileBytes(request.file),
          patient: request.patient,
          supersedes: request.supersedes ?? null,
          metadata: request.metadata,
          held: request.held === true,
        };
        report = await prepareReport(writer, store, input, { onProgress, maxBytes: config.maxFileBytes });
        setPrepared({ key, report });
      }
      const result = await submitReport(writer, store, report, { onProgress });
      setIssued(report.issuedFile ? { serial: report.serial, fileName: issuedFileName(request.file.name), bytes: report.issuedFile } : null);
      setPrepared(null);
      return result;
    },
    { invalidates: AFTER_UPLOAD, toast },
  );

  const isPreparedFor = useCallback((request: UploadRequest | null) => request !== null && prepared?.key === requestKey(request), [prepared]);
  return { ...upload, prepared: prepared?.report ?? null, issued, isPreparedFor };
}
