/**
 * Report files of a given size for the benchmarks: real PDFs (uploads accept PDF, PNG and JPEG
 * only, by content), each one page plus `size` random bytes as an embedded attachment, so every
 * file is distinct and incompressible.
 */
import { randomBytes } from "node:crypto";
import { PDFDocument } from "pdf-lib";

export async function benchReportPdf(size: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage([595, 842]);
  await pdf.attach(new Uint8Array(randomBytes(size)), "scan.bin", { mimeType: "application/octet-stream" });
  return pdf.save({ useObjectStreams: false });
}
