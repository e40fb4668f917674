/**
 * PDF: the serial goes into the document Info dictionary (`/MedLedgerSerial`) written as an
 * INCREMENTAL UPDATE: the updated Info object, a cross-reference section for it, and a trailer
 * whose /Prev points at the previous one are appended after the original `%%EOF`. The original
 * bytes stay a prefix of the result, so a lab system's digital signature (its /ByteRange) still
 * covers exactly what it signed. The new section has the same form as the file's last one: a
 * classic `xref` table after a table, an (uncompressed) cross-reference stream after a stream.
 *
 * pdf-lib only parses (objects, object streams, xref streams); the append is written here:
 * @cantoo/pdf-lib 2.11 writes a wrong /Size for classic-table updates (qpdf warns) and re-writes
 * the catalog; @libpdf/core 0.4 falls back to a full rewrite for linearized or repaired files
 * (which would break the signature and the prefix) and adds a random /ID (so the result would not
 * be a function of file and serial). The update here is ~40 lines of PDF syntax, checked by qpdf.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFObjectParser, PDFRawStream, PDFRef, PDFString, type PDFObject } from "pdf-lib";
import { concatBytes, latin1Bytes, latin1Text } from "./bytes.ts";
import { damagedFile, encryptedPdf } from "./errors.ts";
import { parseReportSerial, PDF_SERIAL_KEY } from "./serialFormat.ts";

type XrefForm = "table" | "stream";

/** The latest revision: where its cross-reference section is, its form, and its trailer dictionary. */
interface LatestRevision {
  readonly document: PDFDocument;
  readonly startXref: number;
  readonly form: XrefForm;
  readonly trailer: PDFDict;
}

const TAIL = 2048;
/** Where to look for `trailer` after `xref`: 20 bytes an entry, room for ~800,000 objects. */
const MAX_TABLE_BYTES = 16 * 1024 * 1024;

function findStartXref(bytes: Uint8Array): number {
  const tail = latin1Text(bytes.subarray(Math.max(0, bytes.length - TAIL)));
  const at = tail.lastIndexOf("startxref");
  const match = at < 0 ? null : /^startxref\s+(\d+)\s+%%EOF/.exec(tail.slice(at));
  if (!match) throw damagedFile("pdf", "its end (startxref and %%EOF) is missing, as in a truncated download");
  const offset = Number(match[1]);
  if (!Number.isSafeInteger(offset) || offset >= bytes.length) throw damagedFile("pdf", "its cross-reference offset points outside the file");
  return offset;
}

async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(bytes, {
      ignoreEncryption: true,
      updateMetadata: false,
    });
  } catch (cause) {
    throw damagedFile("pdf", "its objects do not parse", cause);
  }
}

async function latestRevision(bytes: Uint8Array): Promise<LatestRevision> {
  const startXref = findStartXref(bytes);
  const document = await loadPdf(bytes);
  if (document.isEncrypted) throw encryptedPdf();
  const head = latin1Text(bytes.subarray(startXref, startXref + 64));
  if (head.startsWith("xref")) {
    const text = latin1Text(bytes.subarray(startXref, startXref + MAX_TABLE_BYTES));
    const at = text.indexOf("trailer");
    if (at < 0) throw damagedFile("pdf", "its last cross-reference table has no trailer");
    const trailer = parseObjectAt(bytes, startXref + at + "trailer".length, document);
    if (!(trailer instanceof PDFDict)) throw damagedFile("pdf", "its trailer does not parse");
    return { document, startXref, form: "table", trailer };
  }
  const object = /^(\d+)\s+(\d+)\s+obj\b/.exec(head);
  // pdf-lib consumes xref streams while loading (they are not in its context): parse this one here.
  const parsed = object ? parseObjectAt(bytes, startXref + object[0].length, document) : undefined;
  const dict = parsed instanceof PDFRawStream ? parsed.dict : parsed instanceof PDFDict ? parsed : undefined;
  if (dict?.get(PDFName.of("Type")) === PDFName.of("XRef")) return { document, startXref, form: "stream", trailer: dict };
  throw damagedFile("pdf", "its cross-reference offset does not point at a cross-reference section");
}

function parseObjectAt(bytes: Uint8Array, offset: number, document: PDFDocument): PDFObject | undefined {
  try {
    return PDFObjectParser.forBytes(bytes.subarray(offset), document.context).parseObject();
  } catch {
    return undefined;
  }
}

function textOf(value: PDFObject | undefined): string | null {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.decodeText();
  return null;
}

function infoOf(revision: LatestRevision): {
  readonly ref: PDFRef | null;
  readonly dict: PDFDict | null;
} {
  const ref = revision.trailer.get(PDFName.of("Info")) ?? revision.document.context.trailerInfo.Info;
  if (!(ref instanceof PDFRef)) return { ref: null, dict: null };
  const dict = revision.document.context.lookup(ref);
  return { ref, dict: dict instanceof PDFDict ? dict : null };
}

function serialOfInfo(info: PDFDict | null): string | null {
  const text = textOf(info?.get(PDFName.of(PDF_SERIAL_KEY)));
  return text === null ? null : parseReportSerial(text);
}

export async function readPdfSerial(bytes: Uint8Array): Promise<string | null> {
  return serialOfInfo(infoOf(await latestRevision(bytes)).dict);
}

const serialised = (object: PDFObject): Uint8Array => {
  const out = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(out, 0);
  return out;
};

/**
 * The PDF with its serial appended as an incremental update; unchanged if its current Info
 * dictionary already carries a serial. Deterministic: the same file and serial give the same bytes.
 */
export async function embedPdfSerial(bytes: Uint8Array, serial: string): Promise<Uint8Array> {
  const revision = await latestRevision(bytes);
  const { document, trailer } = revision;
  const info = infoOf(revision);
  if (serialOfInfo(info.dict) !== null) return bytes;

  const context = document.context;
  const previousSize = trailer.get(PDFName.of("Size"));
  let size = Math.max(context.largestObjectNumber + 1, previousSize instanceof PDFNumber ? previousSize.asNumber() : 0);
  const infoRef = info.ref && info.dict ? info.ref : PDFRef.of(size++);
  const newInfo = PDFDict.withContext(context);
  for (const [key, value] of info.dict?.entries() ?? []) newInfo.set(key, value);
  newInfo.set(PDFName.of(PDF_SERIAL_KEY), PDFString.of(serial));

  const root = trailer.get(PDFName.of("Root")) ?? context.trailerInfo.Root;
  if (!(root instanceof PDFRef)) throw damagedFile("pdf", "its trailer names no document catalog");
  const id = trailer.get(PDFName.of("ID"));

  const separator = bytes[bytes.length - 1] === 0x0a || bytes[bytes.length - 1] === 0x0d ? "" : "\n";
  const infoOffset = bytes.length + separator.length;
  const infoObject = concatBytes(
    latin1Bytes(`${separator}${infoRef.objectNumber} ${infoRef.generationNumber} obj\n`),
    serialised(newInfo),
    latin1Bytes("\nendobj\n"),
  );
  const xrefOffset = infoOffset + infoObject.length - separator.length;
  const entries: readonly string[] = [
    `/Root ${root.toString()}`,
    `/Info ${infoRef.toString()}`,
    ...(id instanceof PDFArray ? [`/ID ${latin1Text(serialised(id))}`] : []),
    `/Prev ${revision.startXref}`,
  ];

  let section: Uint8Array;
  if (revision.form === "table") {
    const entry = `${String(infoOffset).padStart(10, "0")} ${String(infoRef.generationNumber).padStart(5, "0")} n\r\n`;
    section = latin1Bytes(`xref\n${infoRef.objectNumber} 1\n${entry}trailer\n<< /Size ${size} ${entries.join(" ")} >>\nstartxref\n${xrefOffset}\n%%EOF\n`);
  } else {
    const xrefNumber = size++;
    // W [1 4 2]: type 1 (in use), 4-byte offset, 2-byte generation; Index lists the two objects in order.
    const row = (offset: number, generation: number) => [
      1,
      (offset >>> 24) & 0xff,
      (offset >>> 16) & 0xff,
      (offset >>> 8) & 0xff,
      offset & 0xff,
      (generation >>> 8) & 0xff,
      generation & 0xff,
    ];
    const data = new Uint8Array([...row(infoOffset, infoRef.generationNumber), ...row(xrefOffset, 0)]);
    section = concatBytes(
      latin1Bytes(
        `${xrefNumber} 0 obj\n<< /Type /XRef /Size ${size} ${entries.join(" ")} /W [ 1 4 2 ] /Index [ ${infoRef.objectNumber} 1 ${xrefNumber} 1 ] /Length ${data.length} >>\nstream\n`,
      ),
      data,
      latin1Bytes(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`),
    );
  }
  return concatBytes(bytes, infoObject, section);
}
