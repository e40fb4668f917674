/**
 * Reads QR codes from the camera's picture: the browser's own BarcodeDetector where it reads QR
 * codes (Chrome on Android and macOS, Safari), else the `barcode-detector` ponyfill (ZXing compiled
 * to WebAssembly) — Chromium on Linux and Firefox have no BarcodeDetector. The ponyfill's .wasm is
 * served by this app (`/zxing_reader.wasm`, copied into web/public by scripts/copy-pdf-worker.ts),
 * never fetched from the CDN the library defaults to. This module is loaded when the reception
 * chooses "Scan the QR code", not with the page.
 */

/** What the scanner needs of a BarcodeDetector. */
export interface QrReader {
  detect(source: HTMLVideoElement): Promise<readonly { readonly rawValue: string }[]>;
}

interface NativeDetector {
  new (options: { formats: string[] }): QrReader;
  getSupportedFormats?(): Promise<string[]>;
}

/** The served copy of the ZXing reader's WebAssembly (web/public). */
export const ZXING_WASM_PATH = "/zxing_reader.wasm";

async function nativeReader(): Promise<QrReader | undefined> {
  const Native = (globalThis as { BarcodeDetector?: NativeDetector }).BarcodeDetector;
  if (!Native) return undefined;
  const formats = await Native.getSupportedFormats?.().catch((): string[] => []);
  return formats?.includes("qr_code") ? new Native({ formats: ["qr_code"] }) : undefined;
}

/** A reader of QR codes, ready to use (the WebAssembly compiled): rejects when it cannot be loaded. */
export async function createQrReader(): Promise<QrReader> {
  const native = await nativeReader();
  if (native) return native;
  const { BarcodeDetector, prepareZXingModule } = await import("barcode-detector/ponyfill");
  await prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? new URL(ZXING_WASM_PATH, window.location.origin).href : prefix + path),
    },
    fireImmediately: true,
  });
  return new BarcodeDetector({ formats: ["qr_code"] });
}
