/** Browser file helpers: read a File, offer bytes as a download. */
import type { Hex } from "viem";

export async function readFileBytes(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/** A best guess of the type of a decrypted report, from its first bytes. */
export function sniffMime(bytes: Uint8Array): string {
  const head = String.fromCharCode(...bytes.subarray(0, 5));
  if (head === "%PDF-") return "application/pdf";
  if (bytes[0] === 0x89 && head.slice(1, 4) === "PNG") return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  return "application/octet-stream";
}

export function reportFileName(reportId: Hex, mime: string): string {
  const ext = mime === "application/pdf" ? "pdf" : mime === "image/png" ? "png" : mime === "image/jpeg" ? "jpg" : "bin";
  return `medledger-report-${reportId.slice(2, 14)}.${ext}`;
}

/** Saves `bytes` through the browser's download mechanism. */
export function downloadBytes(bytes: Uint8Array, fileName: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
