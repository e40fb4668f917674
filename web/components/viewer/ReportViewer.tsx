"use client";
/**
 * An opened report, in the page: its title, kind and date, the decrypted file drawn (PDF pages,
 * images), and Download beside it. A modal <dialog>: Escape or Close shuts it and the focus goes
 * back to the Open button that opened it. Print prints the report with its verification link and QR
 * code (the page around it is left out).
 */
import { useEffect, useRef } from "react";
import type { Hex } from "viem";
import type { ReportSummary } from "#core/reports/metadata.ts";
import { downloadBytes, reportFileName, sniffMime } from "#web/lib/files.ts";
import { VerifyLink } from "../verify/VerifyLink.tsx";
import { ReportPreview } from "./ReportPreview.tsx";

export interface OpenedReportView {
  readonly reportId: Hex;
  readonly bytes: Uint8Array;
  readonly summary: ReportSummary | null;
  /** "Dr. Ada Lovelace, 20 Nov 2026" — who issued it and when it was registered. */
  readonly issued: string;
  /** The registered digests: the verification link (and its QR) anyone can check the file with. */
  readonly sha256: Hex;
  readonly sha1: Hex;
}

/** `Full blood count.pdf`: the title as a file name (characters a file system refuses replaced). */
export function downloadName(view: OpenedReportView, mime: string): string {
  if (!view.summary) return reportFileName(view.reportId, mime);
  const ext = reportFileName(view.reportId, mime).split(".").pop();
  const base =
    view.summary.title
      .replace(/[\\/:*?"<>|\p{Cc}]+/gu, " ")
      .trim()
      .slice(0, 100) || "report";
  return `${base}.${ext}`;
}

export function ReportViewer({ view, onClose }: { view: OpenedReportView | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (view && !element.open) element.showModal();
    if (!view && element.open) element.close();
  }, [view]);

  const title = view?.summary?.title ?? "Medical report";
  const mime = view ? sniffMime(view.bytes) : "";
  return (
    <dialog ref={dialog} className="report-viewer" aria-labelledby="report-viewer-title" onClose={onClose} data-testid="report-viewer">
      {view ? (
        <>
          <header className="report-viewer-header">
            <div>
              <h2 id="report-viewer-title">{title}</h2>
              <p className="muted small">
                {view.summary ? `${view.summary.kindLabel}${view.summary.dateOfService ? ` · date of service ${view.summary.dateOfService}` : ""} · ` : ""}
                {view.issued}
              </p>
              {view.summary?.note ? <p className="small">{view.summary.note}</p> : null}
            </div>
            <div className="row no-print">
              <button type="button" className="btn btn-small btn-primary" onClick={() => downloadBytes(view.bytes, downloadName(view, mime), mime)}>
                Download
              </button>
              <button type="button" className="btn btn-small" onClick={() => window.print()}>
                Print
              </button>
              <button type="button" className="btn btn-small" onClick={() => dialog.current?.close()}>
                Close
              </button>
            </div>
          </header>
          <p className="small muted">Decrypted on this device and checked against the ledger: this is the registered file.</p>
          <ReportPreview bytes={view.bytes} title={title} />
          <VerifyLink sha256={view.sha256} sha1={view.sha1} />
        </>
      ) : null}
    </dialog>
  );
}
