/** PNG and JPEG serials: inserted without touching the image, decoded by independent decoders (fast-png, jpeg-js), and fast-check properties. */
import { expect } from "chai";
import fc from "fast-check";
import * as crc32Module from "crc-32";
import { decode as decodePng } from "fast-png";
import { decode as decodeJpeg } from "jpeg-js";
import { isReportFileError } from "#core/documents/errors.ts";
import { jpegHeaderSegments } from "#core/documents/jpegSerial.ts";
import { pngChunks } from "#core/documents/pngSerial.ts";
import { embedReportSerial, issueReportFile, newReportSerial, readReportSerial } from "#core/documents/serial.ts";
import { jpegImage, pngImage, startsWithBytes } from "#test/support/documents.ts";

type Crc32Module = typeof crc32Module;
const CRC32: Crc32Module = (crc32Module as Crc32Module & { readonly default?: Crc32Module }).default ?? crc32Module;

async function expectDamaged(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isReportFileError(error, "damaged"), String(error)).to.equal(true);
    expect((error as { code: string }).code).to.equal("DAMAGED_FILE");
    return;
  }
  expect.fail("expected a damaged-file refusal");
}

const endsWithBytes = (bytes: Uint8Array, suffix: Uint8Array) => startsWithBytes(bytes.subarray(bytes.length - suffix.length), suffix);

describe("Report serials in images", () => {
  describe("PNG", () => {
    it("inserts one tEXt chunk before IEND; fast-png (CRCs checked) decodes the same pixels and the serial", async () => {
      const original = pngImage(17, 9);
      const serial = newReportSerial();
      const issued = await embedReportSerial(original, serial);
      const iend = original.length - 12;
      expect(startsWithBytes(issued, original.subarray(0, iend))).to.equal(true);
      expect(endsWithBytes(issued, original.subarray(iend))).to.equal(true);
      expect(pngChunks(issued).map((c) => c.type)).to.deep.equal([
        ...pngChunks(original)
          .map((c) => c.type)
          .slice(0, -1),
        "tEXt",
        "IEND",
      ]);
      const before = decodePng(original, { checkCrc: true });
      const after = decodePng(issued, { checkCrc: true });
      expect(after.text).to.deep.equal({
        ...before.text,
        "MedLedger-Serial": serial,
      });
      expect(Array.from(after.data)).to.deep.equal(Array.from(before.data));
      expect(await readReportSerial(issued)).to.equal(serial);
      expect(await readReportSerial(original)).to.equal(null);
    });

    it("is idempotent, and keeps bytes after IEND", async () => {
      const original = new Uint8Array([...pngImage(4, 4), 0x00, 0x01]);
      const issued = await issueReportFile(original);
      expect(issued.alreadySerialised).to.equal(false);
      expect(endsWithBytes(issued.bytes, new Uint8Array([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82, 0x00, 0x01]))).to.equal(true);
      expect(await embedReportSerial(issued.bytes, newReportSerial())).to.equal(issued.bytes);
      expect(await issueReportFile(issued.bytes)).to.deep.include({
        serial: issued.serial,
        alreadySerialised: true,
        type: "png",
      });
    });

    it("refuses truncated and corrupted PNGs", async () => {
      const original = pngImage(8, 8);
      await expectDamaged(embedReportSerial(original.subarray(0, original.length - 12), newReportSerial()));
      await expectDamaged(embedReportSerial(original.subarray(0, 40), newReportSerial()));
      const corrupted = new Uint8Array(original);
      corrupted[40] = corrupted[40]! ^ 0xff; // inside IDAT
      await expectDamaged(embedReportSerial(corrupted, newReportSerial()));
    });
  });

  describe("JPEG", () => {
    it("inserts a COM segment after SOI and APP0; jpeg-js decodes the same pixels and the comment", async () => {
      const original = jpegImage(16, 8);
      const serial = newReportSerial();
      const issued = await embedReportSerial(original, serial);
      const markers = (bytes: Uint8Array) => jpegHeaderSegments(bytes).map((s) => s.marker);
      expect(markers(original).slice(0, 2)).to.deep.equal([0xd8, 0xe0]);
      expect(markers(issued)).to.deep.equal([0xd8, 0xe0, 0xfe, ...markers(original).slice(2)]);
      const app0End = jpegHeaderSegments(original)[1]!.end;
      expect(startsWithBytes(issued, original.subarray(0, app0End))).to.equal(true);
      expect(endsWithBytes(issued, original.subarray(app0End))).to.equal(true);
      const before = decodeJpeg(original, { useTArray: true });
      const after = decodeJpeg(issued, { useTArray: true });
      expect(after.comments).to.deep.equal([`MedLedger-Serial: ${serial}`]);
      expect(Array.from(after.data)).to.deep.equal(Array.from(before.data));
      expect(await readReportSerial(issued)).to.equal(serial);
      expect(await embedReportSerial(issued, newReportSerial())).to.equal(issued);
    });

    it("keeps an Exif APP1 (and other leading APPn) before the comment", async () => {
      const jfif = jpegImage(8, 8);
      const app0End = jpegHeaderSegments(jfif)[1]!.end;
      const exifPayload = new TextEncoder().encode("Exif\u0000\u0000MM\u0000*fake");
      const app1 = new Uint8Array([0xff, 0xe1, 0, exifPayload.length + 2, ...exifPayload]);
      const withExif = new Uint8Array([...jfif.subarray(0, app0End), ...app1, ...jfif.subarray(app0End)]);
      const issued = await embedReportSerial(withExif, newReportSerial());
      expect(
        jpegHeaderSegments(issued)
          .map((s) => s.marker)
          .slice(0, 4),
      ).to.deep.equal([0xd8, 0xe0, 0xe1, 0xfe]);
      expect(decodeJpeg(issued, { useTArray: true }).width).to.equal(8);
    });

    it("refuses truncated JPEGs", async () => {
      const original = jpegImage(8, 8);
      await expectDamaged(embedReportSerial(original.subarray(0, original.length - 2), newReportSerial()));
      await expectDamaged(embedReportSerial(original.subarray(0, 30), newReportSerial()));
      await expectDamaged(readReportSerial(new Uint8Array([0xff, 0xd8, 0xff, 0xd9])));
    });
  });

  describe("properties (fast-check)", () => {
    it("real PNGs and JPEGs of any size: the embedded file decodes to the same pixels and yields the serial", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 24 }),
          fc.integer({ min: 1, max: 24 }),
          fc.integer({ min: 0, max: 255 }),
          fc.boolean(),
          async (width, height, seed, png) => {
            const original = png ? pngImage(width, height, seed) : jpegImage(width, height, seed, seed % 2 ? ["scanner note"] : undefined);
            const serial = newReportSerial();
            const issued = await embedReportSerial(original, serial);
            expect(await readReportSerial(issued)).to.equal(serial);
            if (png) expect(Array.from(decodePng(issued, { checkCrc: true }).data)).to.deep.equal(Array.from(decodePng(original).data));
            else expect(Array.from(decodeJpeg(issued, { useTArray: true }).data)).to.deep.equal(Array.from(decodeJpeg(original, { useTArray: true }).data));
          },
        ),
        { numRuns: 40 },
      );
    });

    const chunk = (type: string, data: Uint8Array) => {
      const typeAndData = new Uint8Array([...new TextEncoder().encode(type), ...data]);
      const crc = CRC32.buf(typeAndData) >>> 0;
      return new Uint8Array([
        data.length >>> 24,
        (data.length >>> 16) & 0xff,
        (data.length >>> 8) & 0xff,
        data.length & 0xff,
        ...typeAndData,
        crc >>> 24,
        (crc >>> 16) & 0xff,
        (crc >>> 8) & 0xff,
        crc & 0xff,
      ]);
    };
    const chunkType = fc.stringMatching(/^[a-z][a-zA-Z]{3}$/).filter((t) => t !== "tEXt");

    it("PNG-shaped files with arbitrary ancillary chunks: one tEXt chunk lands before IEND, everything else byte for byte", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 13, maxLength: 13 }),
          fc.array(fc.tuple(chunkType, fc.uint8Array({ maxLength: 300 })), {
            maxLength: 6,
          }),
          fc.uint8Array({ maxLength: 500 }),
          async (ihdr, extra, idat) => {
            const body = [chunk("IHDR", ihdr), ...extra.map(([type, data]) => chunk(type, data)), chunk("IDAT", idat)];
            const head = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...body.flatMap((c) => Array.from(c))]);
            const original = new Uint8Array([...head, ...chunk("IEND", new Uint8Array(0))]);
            const serial = newReportSerial();
            const issued = await embedReportSerial(original, serial);
            const expected = new Uint8Array([
              ...head,
              ...chunk("tEXt", new TextEncoder().encode(`MedLedger-Serial\u0000${serial}`)),
              ...chunk("IEND", new Uint8Array(0)),
            ]);
            expect(Array.from(issued)).to.deep.equal(Array.from(expected));
            expect(await readReportSerial(issued)).to.equal(serial);
          },
        ),
        { numRuns: 100 },
      );
    });

    it("JPEG-shaped files with arbitrary APPn and other header segments: the COM lands after the leading APPn, everything else byte for byte", async () => {
      const segment = (marker: number, data: Uint8Array) => new Uint8Array([0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data]);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0xe0, max: 0xef }), fc.uint8Array({ maxLength: 200 })), { maxLength: 4 }),
          fc.array(fc.tuple(fc.constantFrom(0xdb, 0xc4, 0xc0, 0xfe, 0xe2), fc.uint8Array({ maxLength: 200 })), { minLength: 1, maxLength: 4 }),
          fc.uint8Array({ maxLength: 400 }).map((scan) => scan.map((b) => (b === 0xff ? 0x00 : b))),
          async (apps, others, scan) => {
            const lead = new Uint8Array([0xff, 0xd8, ...apps.flatMap(([m, d]) => Array.from(segment(m, d)))]);
            // The first segment after the leading APPn is not an APPn (a quantisation table, as in real files).
            const rest = new Uint8Array([
              ...segment(0xdb, new Uint8Array(65)),
              ...others.flatMap(([m, d]) => Array.from(segment(m, d))),
              ...segment(0xda, new Uint8Array([1, 1, 0, 0, 63, 0])),
              ...scan,
              0xff,
              0xd9,
            ]);
            const serial = newReportSerial();
            const issued = await embedReportSerial(new Uint8Array([...lead, ...rest]), serial);
            const comment = new TextEncoder().encode(`MedLedger-Serial: ${serial}`);
            expect(Array.from(issued)).to.deep.equal([...lead, ...segment(0xfe, comment), ...rest]);
            expect(await readReportSerial(issued)).to.equal(serial);
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});
