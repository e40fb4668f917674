/**
 * PNG: the serial is a `tEXt` chunk (keyword `MedLedger-Serial`) inserted right before `IEND`.
 * Every other byte of the file stays where it was; every chunk's CRC is checked on the way
 * (crc-32), so a damaged or truncated image is refused rather than serialised.
 */
import * as crc32Module from "crc-32";
import { concatBytes, latin1Bytes, latin1Text, readUint32BE, uint32BE } from "./bytes.ts";
import { damagedFile } from "./errors.ts";
import { parseReportSerial, SERIAL_KEY } from "./serialFormat.ts";

export interface PngChunk {
  readonly type: string;
  /** Offset of the chunk's length field. */
  readonly start: number;
  /** Offset just past its CRC. */
  readonly end: number;
  readonly data: Uint8Array;
}

const SIGNATURE_LENGTH = 8;

/** crc-32 is CommonJS: Node's ESM loader exposes it as `default` only, bundlers as the namespace. */
type Crc32Module = typeof crc32Module;
const CRC32: Crc32Module = (crc32Module as Crc32Module & { readonly default?: Crc32Module }).default ?? crc32Module;
const crc32 = (bytes: Uint8Array): number => CRC32.buf(bytes) >>> 0;

/** The chunks of a PNG up to and including IEND, every CRC verified. Throws a damaged-file error. */
export function pngChunks(bytes: Uint8Array): readonly PngChunk[] {
  const chunks: PngChunk[] = [];
  let offset = SIGNATURE_LENGTH;
  for (;;) {
    if (offset + 12 > bytes.length) throw damagedFile("png", "it ends before its last chunk");
    const length = readUint32BE(bytes, offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw damagedFile("png", "a chunk runs past the end of the file");
    const type = latin1Text(bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw damagedFile("png", "a chunk has an invalid type");
    if (chunks.length === 0 && type !== "IHDR") throw damagedFile("png", "its header chunk is missing");
    const stored = readUint32BE(bytes, end - 4);
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== stored) throw damagedFile("png", `the checksum of its ${type} chunk is wrong`);
    chunks.push({
      type,
      start: offset,
      end,
      data: bytes.subarray(offset + 8, end - 4),
    });
    if (type === "IEND") return chunks;
    offset = end;
  }
}

/** One encoded chunk: length, type, data, CRC over type and data. */
export function encodePngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeAndData = concatBytes(latin1Bytes(type), data);
  return concatBytes(uint32BE(data.length), typeAndData, uint32BE(crc32(typeAndData)));
}

function serialOfChunk(chunk: PngChunk): string | null {
  if (chunk.type !== "tEXt") return null;
  const separator = chunk.data.indexOf(0);
  if (separator < 0 || latin1Text(chunk.data.subarray(0, separator)) !== SERIAL_KEY) return null;
  return parseReportSerial(latin1Text(chunk.data.subarray(separator + 1)));
}

export function readPngSerial(bytes: Uint8Array): string | null {
  for (const chunk of pngChunks(bytes)) {
    const serial = serialOfChunk(chunk);
    if (serial) return serial;
  }
  return null;
}

/** The PNG with a `tEXt` serial chunk before IEND; unchanged if it already carries a serial. */
export function embedPngSerial(bytes: Uint8Array, serial: string): Uint8Array {
  const chunks = pngChunks(bytes);
  if (chunks.some((chunk) => serialOfChunk(chunk) !== null)) return bytes;
  const iend = chunks[chunks.length - 1]!;
  const text = encodePngChunk("tEXt", latin1Bytes(`${SERIAL_KEY}\u0000${serial}`));
  return concatBytes(bytes.subarray(0, iend.start), text, bytes.subarray(iend.start));
}
