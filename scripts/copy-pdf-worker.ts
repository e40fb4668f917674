/**
 * pdf.js renders PDFs in a Web Worker; the app serves the worker itself (no CDN, and the CSP allows
 * workers from this origin only). Copies pdfjs-dist's worker into web/public/ before `next build`,
 * and so the QR reader's WebAssembly (zxing-wasm, for browsers without BarcodeDetector:
 * web/lib/qrReader.ts), which the library would otherwise fetch from a CDN.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = createRequire(import.meta.url).resolve("pdfjs-dist/build/pdf.worker.min.mjs");
mkdirSync(join(root, "web", "public"), { recursive: true });
copyFileSync(source, join(root, "web", "public", "pdf.worker.min.mjs"));
// zxing-wasm's package exports do not list the .wasm: found from its entry point instead.
const zxingReader = createRequire(import.meta.url).resolve("zxing-wasm/reader");
copyFileSync(join(dirname(zxingReader), "..", "..", "reader", "zxing_reader.wasm"), join(root, "web", "public", "zxing_reader.wasm"));
