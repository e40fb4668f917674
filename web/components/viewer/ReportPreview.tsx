"use client";
/**
 * A decrypted report shown in the page: every page of a PDF drawn on a canvas by pdf.js (loaded on
 * first use; its worker is served by this app, web/public/pdf.worker.min.mjs), an image inline.
 * The bytes never leave the browser: the image is a blob: URL, pdf.js reads them in memory.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { sniffMime } from "#web/lib/files.ts";

/** Pages drawn at most (a longer PDF says how many more there are; Download has them all). */
const MAX_PAGES = 30;

export function ReportPreview({ bytes, title }: { bytes: Uint8Array; title: string }) {
  const mime = sniffMime(bytes);
  if (mime === "application/pdf") return <PdfPages bytes={bytes} title={title} />;
  if (mime === "image/png" || mime === "image/jpeg") return <ImagePreview bytes={bytes} mime={mime} title={title} />;
  return <p className="muted">This file cannot be shown in the page; use Download.</p>;
}

function ImagePreview({ bytes, mime, title }: { bytes: Uint8Array; mime: string; title: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime })), [bytes, mime]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img className="report-image" src={url} alt={title} data-testid="report-image" />;
}

function PdfPages({ bytes, title }: { bytes: Uint8Array; title: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ pages: number; shown: number } | { error: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    const target = holder.current;
    if (!target) return;
    target.replaceChildren();
    void (async () => {
      try {
        const pdfjs = await import("pdfjs-dist");
        pdfjs.GlobalWorkerOptions.workerSrc = "/pdf.worker.min.mjs";
        // pdf.js takes the buffer over: give it a copy, the caller keeps its bytes for Download.
        const task = pdfjs.getDocument({ data: bytes.slice() });
        const document = await task.promise;
        const shown = Math.min(document.numPages, MAX_PAGES);
        const width = Math.max(320, Math.min(target.clientWidth || 800, 1000));
        for (let n = 1; n <= shown && !cancelled; n++) {
          const page = await document.getPage(n);
          const base = page.getViewport({ scale: 1 });
          const ratio = globalThis.devicePixelRatio || 1;
          const viewport = page.getViewport({ scale: (width / base.width) * ratio });
          const canvas = globalThis.document.createElement("canvas");
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
          canvas.className = "report-page";
          canvas.setAttribute("role", "img");
          canvas.setAttribute("aria-label", `${title}, page ${n} of ${document.numPages}`);
          canvas.dataset.testid = "report-page";
          target.append(canvas);
          await page.render({ canvas, canvasContext: canvas.getContext("2d")!, viewport }).promise;
        }
        if (!cancelled) setState({ pages: document.numPages, shown });
        await task.destroy();
      } catch (error) {
        if (!cancelled) setState({ error: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [bytes, title]);

  return (
    <div>
      <div ref={holder} className="report-pages" data-testid="report-pages" />
      {state === null ? <p className="muted">Drawing the pages…</p> : null}
      {state && "pages" in state && state.pages > state.shown ? (
        <p className="muted">
          Pages 1–{state.shown} of {state.pages} are shown; Download has them all.
        </p>
      ) : null}
      {state && "error" in state ? <p className="muted">This PDF cannot be shown in the page ({state.error}); use Download.</p> : null}
    </div>
  );
}
