/** PDF serials: the template attack fails once a serial is embedded; the serial is an incremental update that real parsers read. */
import { expect } from "chai";
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from "pdf-lib";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "viem";
import { digestFile } from "#core/crypto/digests.ts";
import { isReportFileError } from "#core/documents/errors.ts";
import { embedReportSerial, issueReportFile, newReportSerial, readReportSerial } from "#core/documents/serial.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { encryptWithQpdf, requireTool, runOnFile, serologyReport, simplePdf, startsWithBytes } from "#test/support/documents.ts";

const FINDINGS = ["NON-REACTIVE (negative)", "REACTIVE (positive)", "INDETERMINATE (repeat in 2 weeks)"] as const;

async function expectRefusal(promise: Promise<unknown>, reason: string, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isReportFileError(error), String(error)).to.equal(true);
    expect((error as { reason: string }).reason).to.equal(reason);
    expect((error as { code: string }).code).to.equal(code);
    return;
  }
  expect.fail(`expected a ${reason} refusal`);
}

/** What pdf-lib (an independent parser) finds in the Info dictionary. */
async function infoSerial(bytes: Uint8Array): Promise<string | undefined> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict);
  const value = info.get(PDFName.of("MedLedgerSerial"));
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

describe("Report serials in PDFs", function () {
  this.timeout(60_000);

  describe("the template attack (guessing a finding from the on-chain digest)", () => {
    it("succeeds against a plain file and fails once the issued file carries a serial", async () => {
      const truth = await makeReportPdf(serologyReport("REACTIVE (positive)"));
      const attackerGuesses = async (onChainSha256: string, extraCandidates: (finding: string) => Promise<Uint8Array[]>) => {
        const recovered: string[] = [];
        for (const finding of FINDINGS) {
          const plain = await makeReportPdf(serologyReport(finding));
          for (const candidate of [plain, ...(await extraCandidates(finding))]) {
            if ((await digestFile(candidate)).sha256 === onChainSha256) recovered.push(finding);
          }
        }
        return recovered;
      };

      // Without a serial, the chain alone confirms the guess.
      const plainDigest = (await digestFile(truth)).sha256;
      expect(await attackerGuesses(plainDigest, async () => [])).to.deep.equal(["REACTIVE (positive)"]);

      // With a serial: the attacker regenerates every candidate, also with serials of their own.
      const issued = await embedReportSerial(truth, newReportSerial());
      const issuedDigests = await digestFile(issued);
      const recovered = await attackerGuesses(issuedDigests.sha256, async (finding) => {
        const plain = await makeReportPdf(serologyReport(finding));
        return Promise.all([1, 2, 3].map(() => embedReportSerial(plain, newReportSerial())));
      });
      expect(recovered).to.deep.equal([]);
      for (const finding of FINDINGS) {
        const candidate = await makeReportPdf(serologyReport(finding));
        expect((await digestFile(candidate)).sha1).to.not.equal(issuedDigests.sha1);
      }
      // The issued file is still the lab's file: the true candidate is its exact prefix.
      expect(startsWithBytes(issued, truth)).to.equal(true);
    });
  });

  for (const useObjectStreams of [false, true]) {
    const form = useObjectStreams ? "an xref stream (object streams)" : "a classic xref table";
    describe(`a PDF with ${form}`, () => {
      let original: Uint8Array;
      before(async () => {
        original = await simplePdf({ useObjectStreams });
        expect(new TextDecoder("latin1").decode(original).includes("/Type /XRef")).to.equal(useObjectStreams);
      });

      it("gets an incremental update: the original bytes are a prefix, a new section with /Prev follows %%EOF", async () => {
        const serial = newReportSerial();
        const issued = await embedReportSerial(original, serial);
        expect(startsWithBytes(issued, original)).to.equal(true);
        const appended = new TextDecoder("latin1").decode(issued.subarray(original.length));
        const previousStartXref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(new TextDecoder("latin1").decode(original))![1];
        expect(appended).to.include(`/Prev ${previousStartXref}`);
        expect(appended).to.include(`/MedLedgerSerial (${serial})`);
        expect(appended.trimEnd().endsWith("%%EOF")).to.equal(true);
        if (useObjectStreams) expect(appended).to.match(/\/Type \/XRef/);
        else expect(appended).to.match(/\nxref\n\d+ 1\n\d{10} \d{5} n\r\ntrailer\n/);
      });

      it("reads back, in MedLedger and in pdf-lib, with the original metadata kept", async () => {
        const serial = newReportSerial();
        const issued = await embedReportSerial(original, serial);
        expect(await readReportSerial(issued)).to.equal(serial);
        expect(await infoSerial(issued)).to.equal(serial);
        const pdf = await PDFDocument.load(issued, { updateMetadata: false });
        expect(pdf.getTitle()).to.equal("Blood count");
        expect(pdf.getAuthor()).to.equal("Dr. Lab");
        expect(pdf.getPageCount()).to.equal(1);
        expect(await readReportSerial(original)).to.equal(null);
      });

      it("passes qpdf --check and pdfinfo shows the serial", async function () {
        requireTool("qpdf");
        requireTool("pdfinfo");
        const serial = newReportSerial();
        const issued = await embedReportSerial(original, serial);
        const check = runOnFile("qpdf", ["--check"], issued);
        expect(check.status, check.output).to.equal(0);
        expect(check.output).to.include("No syntax or stream encoding errors");
        expect(check.output).to.not.match(/WARNING/i);
        const info = runOnFile("pdfinfo", ["-custom"], issued);
        expect(info.output).to.include(`MedLedgerSerial: ${serial}`);
        expect(info.output).to.include("Title:           Blood count");
      });

      it("adds a new Info dictionary when the file has none", async function () {
        const bare = await simplePdf({ useObjectStreams, withoutInfo: true });
        const serial = newReportSerial();
        const issued = await embedReportSerial(bare, serial);
        expect(startsWithBytes(issued, bare)).to.equal(true);
        expect(await readReportSerial(issued)).to.equal(serial);
        expect(await infoSerial(issued)).to.equal(serial);
        requireTool("qpdf");
        {
          const check = runOnFile("qpdf", ["--check"], issued);
          expect(check.status, check.output).to.equal(0);
          expect(check.output).to.not.match(/WARNING/i);
        }
      });

      it("is deterministic and idempotent: same file and serial give the same bytes; a serialised file is left as it is", async () => {
        const serial = newReportSerial();
        const once = await embedReportSerial(original, serial);
        expect(bytesToHex(sha256(await embedReportSerial(original, serial)))).to.equal(bytesToHex(sha256(once)));
        const again = await embedReportSerial(once, newReportSerial());
        expect(again).to.equal(once);
        const issued = await issueReportFile(once);
        expect(issued).to.deep.include({
          serial,
          alreadySerialised: true,
          type: "pdf",
        });
        expect(issued.bytes).to.equal(once);
      });
    });
  }

  it("keeps a signed-like PDF's /ByteRange digest valid (the signed bytes are untouched)", async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([200, 200]);
    const placeholder = 1_111_111_111;
    const signature = pdf.context.obj({
      Type: "Sig",
      Filter: "Adobe.PPKLite",
      SubFilter: "adbe.pkcs7.detached",
      ByteRange: [0, placeholder, placeholder, placeholder],
      Contents: PDFHexString.of("00".repeat(32)),
    });
    pdf.catalog.set(PDFName.of("LabSignature"), pdf.context.register(signature));
    const unsigned = await pdf.save({ useObjectStreams: false });
    // "Sign": fix the ByteRange around /Contents (same width as the placeholder) and put the digest of those ranges into /Contents.
    const text = new TextDecoder("latin1").decode(unsigned);
    const contentsAt = text.indexOf(`<${"00".repeat(32)}>`);
    const afterContents = contentsAt + 66;
    const pad = (n: number) => String(n).padStart(10, "0");
    const signed = new Uint8Array(unsigned);
    signed.set(
      new TextEncoder().encode(`0 ${pad(contentsAt)} ${pad(afterContents)} ${pad(unsigned.length - afterContents)}`),
      text.indexOf(`0 ${placeholder} ${placeholder} ${placeholder}`),
    );
    const signedDigest = (bytes: Uint8Array) => {
      const [, a, b, c] = /\/ByteRange \[ 0 (\d+) (\d+) (\d+) \]/.exec(new TextDecoder("latin1").decode(bytes))!.map(Number);
      return bytesToHex(sha256(new Uint8Array([...bytes.subarray(0, a), ...bytes.subarray(b!, b! + c!)])));
    };
    const digest = signedDigest(signed);
    signed.set(new TextEncoder().encode(digest.slice(2).toUpperCase()), contentsAt + 1);
    expect(signedDigest(signed)).to.equal(digest); // /Contents is outside the signed ranges

    const issued = await embedReportSerial(signed, newReportSerial());
    expect(startsWithBytes(issued, signed)).to.equal(true);
    expect(signedDigest(issued)).to.equal(digest);
    const sigDict = (await PDFDocument.load(issued)).catalog.lookup(PDFName.of("LabSignature"), PDFDict);
    expect(sigDict.lookup(PDFName.of("ByteRange"), PDFArray).lookup(1, PDFNumber).asNumber()).to.equal(contentsAt);
    expect(new TextDecoder("latin1").decode(issued)).to.include(digest.slice(2).toUpperCase());
  });

  describe("refusals", () => {
    it("refuses a truncated PDF as damaged", async () => {
      const pdf = await makeReportPdf(serologyReport("NON-REACTIVE (negative)"));
      await expectRefusal(embedReportSerial(pdf.subarray(0, pdf.length - 40), newReportSerial()), "damaged", "DAMAGED_FILE");
      await expectRefusal(embedReportSerial(pdf.subarray(0, 200), newReportSerial()), "damaged", "DAMAGED_FILE");
      await expectRefusal(readReportSerial(pdf.subarray(0, pdf.length / 2)), "damaged", "DAMAGED_FILE");
    });

    it("refuses a PDF whose startxref points nowhere (broken cross-reference)", async () => {
      const pdf = await simplePdf({ useObjectStreams: false });
      const text = new TextDecoder("latin1").decode(pdf).replace(/startxref\s+(\d+)/, (_, n: string) => `startxref\n${String(Number(n) - 7)}`);
      await expectRefusal(embedReportSerial(new Uint8Array(Array.from(text, (c) => c.charCodeAt(0))), newReportSerial()), "damaged", "DAMAGED_FILE");
    });

    it("refuses an encrypted PDF", async function () {
      requireTool("qpdf");
      await expectRefusal(embedReportSerial(encryptWithQpdf(await simplePdf({ useObjectStreams: false })), newReportSerial()), "encrypted", "DAMAGED_FILE");
    });

    it("refuses a malformed serial", async () => {
      try {
        await embedReportSerial(await simplePdf({ useObjectStreams: false }), "ML-1234");
        expect.fail("accepted a malformed serial");
      } catch (error) {
        expect((error as { code: string }).code).to.equal("INVALID_INPUT");
      }
    });
  });
});
