/** File types by content, never by name; refusals that say what the file looks like; the serial format. */
import { expect } from "chai";
import { isReportFileError } from "#core/documents/errors.ts";
import { parseReportSerial } from "#core/documents/serialFormat.ts";
import { embedReportSerial, issueReportFile, newReportSerial, readReportSerial } from "#core/documents/serial.ts";
import { describeFileContent, detectReportType, requireReportType } from "#core/documents/types.ts";
import { jpegImage, pngImage, simplePdf } from "#test/support/documents.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function refusal(promise: Promise<unknown>): Promise<{ code: string; reason: string; message: string; hint: string }> {
  try {
    await promise;
  } catch (error) {
    expect(isReportFileError(error), String(error)).to.equal(true);
    return error as {
      code: string;
      reason: string;
      message: string;
      hint: string;
    };
  }
  return expect.fail("expected a refusal");
}

describe("Report file types and serial format", () => {
  it("detects PDF, PNG and JPEG by their magic bytes", async () => {
    expect(detectReportType(await simplePdf({ useObjectStreams: false }))).to.equal("pdf");
    expect(detectReportType(pngImage(2, 2))).to.equal("png");
    expect(detectReportType(jpegImage(2, 2))).to.equal("jpeg");
    expect(detectReportType(text("report.pdf"))).to.equal(null);
    expect(detectReportType(new Uint8Array(0))).to.equal(null);
  });

  it("refuses plain text in words a doctor understands", async () => {
    const error = await refusal(embedReportSerial(text("Patient: Alice\nHIV: REACTIVE (positive)\n"), newReportSerial()));
    expect(error.code).to.equal("UNSUPPORTED_FILE_TYPE");
    expect(error.reason).to.equal("unsupported-type");
    expect(error.message).to.equal("Only PDF, PNG and JPEG reports can be registered: this file looks like plain text.");
    expect(error.hint).to.match(/PDF/);
  });

  it("refuses an empty file with EMPTY_FILE", async () => {
    const error = await refusal(issueReportFile(new Uint8Array(0)));
    expect(error.code).to.equal("EMPTY_FILE");
    expect(error.reason).to.equal("empty");
    expect((await refusal(readReportSerial(new Uint8Array(0)))).code).to.equal("EMPTY_FILE");
  });

  it("names what other files look like", () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
    expect(describeFileContent(zip)).to.match(/ZIP archive or an Office document/);
    expect(describeFileContent(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).to.match(/older Office document/);
    expect(describeFileContent(text("GIF89a\u0001\u0000"))).to.equal("a GIF image");
    expect(describeFileContent(new Uint8Array([...new Uint8Array(128), ...text("DICM"), 0, 0]))).to.match(/DICOM/);
    expect(describeFileContent(new Uint8Array([0, 0, 0, 24, ...text("ftypheic"), 0, 0]))).to.match(/HEIC/);
    expect(describeFileContent(text("<!DOCTYPE html><html>"))).to.match(/web page/);
    expect(describeFileContent(text('{"finding": 1}'))).to.match(/JSON/);
    expect(describeFileContent(text("Befund: unauffällig — ok"))).to.equal("plain text");
    expect(describeFileContent(text("\uFEFF%PDF-1.7 junk"))).to.match(/damaged PDF/);
    expect(describeFileContent(new Uint8Array([0x00, 0x13, 0x37, 0x99, 0xfe]))).to.equal("a file of an unknown type");
    expect(() => requireReportType(zip)).to.throw(/this file looks like a ZIP archive or an Office document \(Word, Excel, PowerPoint\)\./);
  });

  it("makes 128-bit serials, readable and distinct", () => {
    const serials = new Set(Array.from({ length: 1000 }, () => newReportSerial()));
    expect(serials.size).to.equal(1000);
    for (const serial of serials) {
      expect(serial).to.match(/^ML(-[0-9A-F]{4}){8}$/);
      expect(parseReportSerial(` ${serial.toLowerCase()} `)).to.equal(serial);
    }
    expect(parseReportSerial("ML-1234")).to.equal(null);
  });
});
