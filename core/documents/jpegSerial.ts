/**
 * JPEG: the serial is a comment segment (COM, 0xFFFE: `MedLedger-Serial: ML-…`) inserted after SOI
 * and the APPn segments that lead the file (JFIF's APP0 and Exif's APP1 must stay first). The
 * entropy-coded image data is not touched. A file whose header segments do not parse, that has no
 * scan, or that ends before its EOI marker is refused as damaged.
 */
import { concatBytes, latin1Bytes, latin1Text, readUint16BE, uint16BE } from "./bytes.ts";
import { damagedFile } from "./errors.ts";
import { parseReportSerial, SERIAL_KEY } from "./serialFormat.ts";

export interface JpegSegment {
  readonly marker: number;
  /** Offset of the 0xFF of its marker. */
  readonly start: number;
  /** Offset just past the segment. */
  readonly end: number;
  /** The payload after the length field (empty for standalone markers). */
  readonly data: Uint8Array;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const COMMENT_PREFIX = `${SERIAL_KEY}: `;

const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
const isApp = (marker: number) => marker >= 0xe0 && marker <= 0xef;

/** The segments from SOI up to and including the first SOS (its header only), checked for an EOI after the scan. */
export function jpegHeaderSegments(bytes: Uint8Array): readonly JpegSegment[] {
  if (bytes[0] !== 0xff || bytes[1] !== SOI) throw damagedFile("jpeg", "its start marker is missing");
  const segments: JpegSegment[] = [{ marker: SOI, start: 0, end: 2, data: new Uint8Array(0) }];
  let offset = 2;
  for (;;) {
    if (offset >= bytes.length || bytes[offset] !== 0xff) throw damagedFile("jpeg", "its header segments do not parse");
    let markerAt = offset + 1;
    while (bytes[markerAt] === 0xff) markerAt++; // fill bytes
    const marker = bytes[markerAt];
    if (marker === undefined) throw damagedFile("jpeg", "it ends inside its header");
    if (marker === 0x00 || marker === SOI || marker === EOI) throw damagedFile("jpeg", "it has no image data");
    if (isStandalone(marker)) {
      segments.push({
        marker,
        start: offset,
        end: markerAt + 1,
        data: new Uint8Array(0),
      });
      offset = markerAt + 1;
      continue;
    }
    if (markerAt + 3 > bytes.length) throw damagedFile("jpeg", "it ends inside its header");
    const length = readUint16BE(bytes, markerAt + 1);
    const end = markerAt + 1 + length;
    if (length < 2 || end > bytes.length) throw damagedFile("jpeg", "a header segment runs past the end of the file");
    segments.push({
      marker,
      start: offset,
      end,
      data: bytes.subarray(markerAt + 3, end),
    });
    if (marker === SOS) {
      if (!hasEoiAfter(bytes, end)) throw damagedFile("jpeg", "it ends before the end of its image data");
      return segments;
    }
    offset = end;
  }
}

function hasEoiAfter(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === EOI) return true;
  return false;
}

function serialOfSegment(segment: JpegSegment): string | null {
  if (segment.marker !== COM) return null;
  const text = latin1Text(segment.data);
  return text.startsWith(COMMENT_PREFIX) ? parseReportSerial(text.slice(COMMENT_PREFIX.length)) : null;
}

export function readJpegSerial(bytes: Uint8Array): string | null {
  for (const segment of jpegHeaderSegments(bytes)) {
    const serial = serialOfSegment(segment);
    if (serial) return serial;
  }
  return null;
}

/** The JPEG with a COM serial segment after SOI and its leading APPn segments; unchanged if it already carries a serial. */
export function embedJpegSerial(bytes: Uint8Array, serial: string): Uint8Array {
  const segments = jpegHeaderSegments(bytes);
  if (segments.some((segment) => serialOfSegment(segment) !== null)) return bytes;
  let insertAt = 2;
  for (const segment of segments.slice(1)) {
    if (!isApp(segment.marker)) break;
    insertAt = segment.end;
  }
  const payload = latin1Bytes(`${COMMENT_PREFIX}${serial}`);
  const comment = concatBytes(new Uint8Array([0xff, COM]), uint16BE(payload.length + 2), payload);
  return concatBytes(bytes.subarray(0, insertAt), comment, bytes.subarray(insertAt));
}
