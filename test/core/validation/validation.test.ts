/** The one validation rule: addresses, digests, report ids and CIDs, as schemas and as parse functions. */
import { expect } from "chai";
import fc from "fast-check";
import { getAddress } from "viem";
import { z } from "zod";
import {
  addressProblem,
  addressSchema,
  cidSchema,
  parseAddress,
  parseCid,
  parseDigest,
  parseReportId,
  parseSha1,
  parseSha256,
  reportIdSchema,
} from "#core/validation.ts";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const hex = (digits: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: digits, maxLength: digits });

/** The address with one letter's case flipped such that it stays mixed case (a checksum typo), if there is one. */
function breakChecksum(address: string): string | undefined {
  const body = address.slice(2);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (!/[a-fA-F]/.test(c)) continue;
    const flipped = `${body.slice(0, i)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${body.slice(i + 1)}`;
    if (flipped !== flipped.toLowerCase() && flipped !== flipped.toUpperCase()) return `0x${flipped}`;
  }
  return undefined;
}

describe("Validation: one rule for addresses, digests, report ids and CIDs", function () {
  it("accepts an address in lower, upper or checksummed case, trimmed, and returns it checksummed", function () {
    for (const text of [ALICE, ALICE.toLowerCase(), `0x${ALICE.slice(2).toUpperCase()}`, `  ${ALICE}\n`]) {
      expect(parseAddress(text, "patient")).to.equal(ALICE);
      expect(addressSchema.parse(text)).to.equal(ALICE);
      expect(addressProblem(text)).to.equal(undefined);
    }
  });

  it("refuses malformed addresses and wrong checksums with messages a person understands", function () {
    expect(() => parseAddress("0x1234", "patient"))
      .to.throw('The patient "0x1234" is not an Ethereum address.')
      .with.property("code", "INVALID_INPUT");
    expect(() => parseAddress(ALICE.slice(2), "doctor")).to.throw(/is not an Ethereum address/);
    const typo = breakChecksum(ALICE)!;
    expect(() => parseAddress(typo, "doctor"))
      .to.throw(/wrong checksum/)
      .with.property("code", "INVALID_INPUT");
    expect(addressProblem("0x1234")).to.match(/0x followed by 40 hexadecimal digits/);
    expect(addressProblem(typo)).to.match(/wrong checksum/);
    const issues = addressSchema.safeParse("0x1234").error?.issues ?? [];
    expect(
      issues.map((i) => i.message),
      "one message, not a format and a checksum error",
    ).to.have.length(1);
  });

  it("property: any checksummed address round-trips; a wrong mixed-case checksum is refused", function () {
    fc.assert(
      fc.property(hex(40), (body) => {
        const address = getAddress(`0x${body}`);
        expect(parseAddress(address)).to.equal(address);
        expect(parseAddress(address.toLowerCase())).to.equal(address);
        expect(addressSchema.parse(` ${address} `)).to.equal(address);
        const typo = breakChecksum(address);
        if (typo) {
          expect(() => parseAddress(typo)).to.throw(/wrong checksum/);
          expect(addressSchema.safeParse(typo).success).to.equal(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("parses digests by length, any case, with or without 0x; refuses the wrong kind", function () {
    const sha1 = `0x${"ab".repeat(20)}`;
    const sha256 = `0x${"cd".repeat(32)}`;
    expect(parseDigest(sha1.slice(2).toUpperCase())).to.deep.equal({ kind: "sha1", value: sha1 });
    expect(parseDigest(` ${sha256} `)).to.deep.equal({ kind: "sha256", value: sha256 });
    expect(() => parseDigest("abc")).to.throw("That is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) digest.");
    expect(parseSha1(sha1)).to.equal(sha1);
    expect(parseSha256(sha256)).to.equal(sha256);
    expect(() => parseSha1(sha256))
      .to.throw(/A SHA-1 digest has 40 hex digits; this one has 64, a SHA-256 digest/)
      .with.property("code", "INVALID_INPUT");
    expect(() => parseSha256(sha1)).to.throw(/A SHA-256 digest has 64 hex digits/);
  });

  it("parses report ids (the SHA-256) and CIDs", function () {
    const id = `0x${"ef".repeat(32)}`;
    expect(parseReportId(id.slice(2).toUpperCase())).to.equal(id);
    expect(() => parseReportId(`0x${"ef".repeat(20)}`)).to.throw(/is not a report id/);
    expect(reportIdSchema.parse(id.toUpperCase().replace("0X", "0x"))).to.equal(id);
    const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    expect(parseCid(` ${cid} `)).to.equal(cid);
    expect(cidSchema.parse(cid)).to.equal(cid);
    expect(() => parseCid("bafy-not-a-cid"))
      .to.throw(/is not a valid IPFS CID/)
      .with.property("code", "INVALID_INPUT");
  });

  it("the schemas work inside the server's full zod objects (one rule there too)", function () {
    const body = z.object({ doctor: addressSchema, user: z.optional(addressSchema) });
    expect(body.parse({ doctor: ALICE.toLowerCase() })).to.deep.equal({ doctor: ALICE });
    const failed = body.safeParse({ doctor: breakChecksum(ALICE) });
    expect(failed.success).to.equal(false);
    expect(failed.error?.issues[0]?.path).to.deep.equal(["doctor"]);
  });
});
