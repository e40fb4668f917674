/** Real files for the document tests: PDFs from pdf-lib and the seed generator, PNGs (fast-png), JPEGs (jpeg-js), and qpdf/pdfinfo (installed by .ci/run). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import { encode as encodeJpeg } from "jpeg-js";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { DemoReportContent } from "#local-stack/seed/pdf.ts";

/** The seed generator's kind of report, with one finding left to guess. */
export function serologyReport(finding: string): DemoReportContent {
  return {
    title: "Serology report",
    patientName: "Alice Martin",
    doctorName: "Dr. Jane Okafor",
    department: "Laboratory medicine",
    date: "2025-03-14",
    findings: [`HIV-1/2 antigen/antibody combination assay: ${finding}`, "Specimen: serum, received 08:40"],
  };
}

export async function simplePdf(options: { readonly useObjectStreams: boolean; readonly withoutInfo?: boolean }): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle("Blood count");
  pdf.setAuthor("Dr. Lab");
  pdf.setCreationDate(new Date("2025-01-02T03:04:05Z"));
  pdf.setModificationDate(new Date("2025-01-02T03:04:05Z"));
  const page = pdf.addPage([300, 200]);
  page.drawText("Haemoglobin 13.9 g/dL", {
    x: 20,
    y: 150,
    size: 12,
    font: await pdf.embedFont(StandardFonts.Helvetica),
  });
  if (options.withoutInfo) pdf.context.trailerInfo.Info = undefined;
  return pdf.save({ useObjectStreams: options.useObjectStreams });
}

/** A small RGBA PNG with random-ish pixels and a text chunk of its own. */
export function pngImage(width: number, height: number, seed = 1): Uint8Array {
  const data = new Uint8Array(width * height * 4).map((_, i) => (i * 31 + seed * 17) & 0xff);
  return encodePng({
    width,
    height,
    data,
    channels: 4,
    depth: 8,
    text: { Software: "lab scanner" },
  });
}

export function jpegImage(width: number, height: number, seed = 1, comments?: string[]): Uint8Array {
  const data = new Uint8Array(width * height * 4).map((_, i) => ((i >> 2) * 7 + seed * 13) & 0xff);
  return new Uint8Array(encodeJpeg({ width, height, data, comments }, 85).data);
}

/** Fails (never skips) when a checking tool is missing: `.ci/run` installs them with apt. */
export function requireTool(name: string): void {
  if (spawnSync("sh", ["-c", `command -v ${name}`]).status !== 0) {
    throw new Error(`${name} is missing: install it with \`apt-get install -y qpdf poppler-utils\` (the PDF structure checks need it).`);
  }
}

/** Runs `tool args… file` on the bytes written to a temporary file. */
export function runOnFile(tool: string, args: readonly string[], bytes: Uint8Array): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "medledger-doc-"));
  try {
    const file = join(dir, "report.pdf");
    writeFileSync(file, bytes);
    const result = spawnSync(tool, [...args, file], { encoding: "utf8" });
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function encryptWithQpdf(bytes: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "medledger-enc-"));
  try {
    writeFileSync(join(dir, "in.pdf"), bytes);
    const result = spawnSync("qpdf", ["--encrypt", "user", "owner", "256", "--", join(dir, "in.pdf"), join(dir, "out.pdf")]);
    if (result.status !== 0) throw new Error(`qpdf --encrypt failed: ${String(result.stderr)}`);
    return new Uint8Array(readFileSync(join(dir, "out.pdf")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const startsWithBytes = (bytes: Uint8Array, prefix: Uint8Array): boolean =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
