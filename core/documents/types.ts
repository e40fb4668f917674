/**
 * What a file is, by its content (magic bytes), never by its name: the registry accepts PDF, PNG
 * and JPEG reports, and names anything else in words a doctor understands.
 */
import { startsWith } from "./bytes.ts";
import { emptyFile, unsupportedFile } from "./errors.ts";

export type ReportFileType = "pdf" | "png" | "jpeg";

/** The media type of each accepted report type. */
export const REPORT_MIME_TYPES: Readonly<Record<ReportFileType, string>> = { pdf: "application/pdf", png: "image/png", jpeg: "image/jpeg" };

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** The report type of `bytes`, or null for anything that is not a PDF, PNG or JPEG. */
export function detectReportType(bytes: Uint8Array): ReportFileType | null {
  if (startsWith(bytes, PDF_MAGIC)) return "pdf";
  if (startsWith(bytes, PNG_MAGIC)) return "png";
  if (startsWith(bytes, JPEG_MAGIC)) return "jpeg";
  return null;
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** Signatures of the files people most often pick by mistake, in the order they are tried. */
const KNOWN: readonly {
  readonly test: (bytes: Uint8Array) => boolean;
  readonly description: string;
}[] = [
  {
    test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]),
    description: "a ZIP archive or an Office document (Word, Excel, PowerPoint)",
  },
  {
    test: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    description: "an older Office document (.doc, .xls, .ppt)",
  },
  {
    test: (b) => startsWith(b, ascii("DICM"), 128),
    description: "a DICOM medical image (export it from the viewer as PDF, PNG or JPEG)",
  },
  {
    test: (b) => startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a")),
    description: "a GIF image",
  },
  {
    test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
    description: "a TIFF image",
  },
  {
    test: (b) => startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8),
    description: "a WebP image",
  },
  {
    test: (b) => startsWith(b, ascii("ftyp"), 4) && /^(heic|heix|hevc|mif1|msf1|avif)$/.test(String.fromCharCode(...b.subarray(8, 12))),
    description: "an HEIC/AVIF photo (as taken by many phones)",
  },
  {
    test: (b) => startsWith(b, ascii("ftyp"), 4),
    description: "a video or MP4/MOV file",
  },
  {
    test: (b) => startsWith(b, ascii("BM")) && b.length > 14,
    description: "a BMP image",
  },
  {
    test: (b) => startsWith(b, ascii("{\\rtf")),
    description: "an RTF document",
  },
  {
    test: (b) => startsWith(b, [0x1f, 0x8b]),
    description: "a compressed (gzip) file",
  },
  {
    test: (b) => startsWith(b, ascii("7z")) && startsWith(b, [0xbc, 0xaf, 0x27, 0x1c], 2),
    description: "a 7-Zip archive",
  },
  { test: (b) => startsWith(b, ascii("Rar!")), description: "a RAR archive" },
  {
    test: (b) => startsWith(b, ascii("MZ")) || startsWith(b, [0x7f, 0x45, 0x4c, 0x46]),
    description: "a program, not a document",
  },
];

/** A few words saying what a file that is not a report looks like ("plain text", "a ZIP archive…"). */
export function describeFileContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return "an empty file";
  const type = detectReportType(bytes);
  if (type) return { pdf: "a PDF document", png: "a PNG image", jpeg: "a JPEG image" }[type];
  const known = KNOWN.find((entry) => entry.test(bytes));
  if (known) return known.description;
  const text = asText(bytes.subarray(0, 4096));
  if (text !== null) {
    const start = text
      .replace(/^\uFEFF/, "")
      .trimStart()
      .slice(0, 64)
      .toLowerCase();
    if (start.startsWith("<!doctype html") || start.startsWith("<html")) return "a web page (HTML)";
    if (start.startsWith("<?xml") || start.startsWith("<")) return "an XML or HTML document";
    if (start.startsWith("{") || start.startsWith("[")) return "a data file (JSON)";
    if (start.includes("%pdf-")) return "a damaged PDF (text before its header)";
    return "plain text";
  }
  if (bytes.subarray(0, 1024).includes(0x25) && /%PDF-/.test(String.fromCharCode(...bytes.subarray(0, 1024)))) {
    return "a damaged PDF (bytes before its header)";
  }
  return "a file of an unknown type";
}

const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d]);

/** The decoded text if `sample` is UTF-8 without control characters other than tab, LF, FF, CR. */
function asText(sample: Uint8Array): string | null {
  if (sample.some((byte) => (byte < 0x20 && !TEXT_CONTROLS.has(byte)) || byte === 0x7f)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(sample, {
      stream: true,
    });
  } catch {
    return null;
  }
}

/** The type of a report file, or a refusal that names what the file looks like. */
export function requireReportType(bytes: Uint8Array): ReportFileType {
  if (bytes.length === 0) throw emptyFile();
  const type = detectReportType(bytes);
  if (!type) throw unsupportedFile(describeFileContent(bytes));
  return type;
}
