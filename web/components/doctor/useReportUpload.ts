"use client";
/**
 * One report upload (a new report or an amendment), in the core's two resumable halves: prepare
 * (check → issue with a serial → hash → encrypt → store on IPFS) and submit (register on chain). A
 * failed or rejected registration keeps the prepared report, so retrying the same request only
 * registers it again (never re-serialises). After success the issued file (with its serial) is
 * kept for download: it is the file to give the patient.
 */
import { useCallback, useState } from "react";
import type { Address, Hex } from "viem";
import { prepareReport, submitReport, type PreparedReport, type SubmitResult, type UploadStep } from "#core/reports/upload.ts";
import { readFileBytes } from "#web/lib/files.ts";
import { useLedgerWriter, usePublicConfig } from "#web/lib/ledgerContext.tsx";
import { useContentStore } from "#web/lib/contentStore.ts";
import { useRefreshLedger } from "#web/lib/queries.ts";

export interface UploadRequest {
  readonly file: File;
  readonly patient: Address;
  /** The report this one amends (its corrected version). */
  readonly supersedes?: Hex | null;
}

export interface ReportUpload {
  /** The step running now (null when idle). */
  readonly step: UploadStep | null;
  /** True from the click until the upload settles. */
  readonly busy: boolean;
  /** The encrypted report already on IPFS, kept after a failed registration for the retry. */
  readonly prepared: PreparedReport | null;
  readonly error: unknown;
  readonly done: SubmitResult | null;
  /** After success: the issued file (the one with the serial, the one that verifies) to download. */
  readonly issued: IssuedDownload | null;
  /** Uploads and registers; after a failure, the same request only registers again. */
  upload(request: UploadRequest): Promise<SubmitResult | undefined>;
  /** Shows an error found before uploading (e.g. a missing file). */
  fail(error: unknown): void;
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

/** What identifies "the same upload" for a retry. */
function requestKey({ file, patient, supersedes }: UploadRequest): string {
  return [patient.toLowerCase(), supersedes ?? "", file.name, file.size, file.lastModified].join(":");
}

export function useReportUpload(): ReportUpload {
  const getWriter = useLedgerWriter();
  const store = useContentStore();
  const config = usePublicConfig();
  const refresh = useRefreshLedger();
  const [step, setStep] = useState<UploadStep | null>(null);
  const [busy, setBusy] = useState(false);
  const [prepared, setPrepared] = useState<{ key: string; report: PreparedReport } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<SubmitResult | null>(null);
  const [issued, setIssued] = useState<IssuedDownload | null>(null);

  const upload = useCallback(
    async (request: UploadRequest) => {
      setBusy(true);
      setError(null);
      setDone(null);
      setIssued(null);
      const key = requestKey(request);
      try {
        const writer = await getWriter();
        const onProgress = ({ step: s }: { step: UploadStep }) => setStep(s);
        let report = prepared?.key === key ? prepared.report : null;
        if (!report) {
          const input = { file: await readFileBytes(request.file), patient: request.patient, supersedes: request.supersedes ?? null };
          report = await prepareReport(writer, store, input, { onProgress, maxBytes: config.maxFileBytes });
          setPrepared({ key, report });
        }
        const result = await submitReport(writer, report, { onProgress });
        setDone(result);
        setIssued(report.issuedFile ? { serial: report.serial, fileName: issuedFileName(request.file.name), bytes: report.issuedFile } : null);
        setPrepared(null);
        await refresh();
        return result;
      } catch (caught) {
        setError(caught);
        return undefined;
      } finally {
        setStep(null);
        setBusy(false);
      }
    },
    [getWriter, store, config.maxFileBytes, refresh, prepared],
  );

  const fail = useCallback((caught: unknown) => {
    setDone(null);
    setIssued(null);
    setError(caught);
  }, []);

  const isPreparedFor = useCallback((request: UploadRequest | null) => request !== null && prepared?.key === requestKey(request), [prepared]);

  return { step, busy, prepared: prepared?.report ?? null, error, done, issued, upload, fail, isPreparedFor };
}
