/** Cryptography of the core: round trips and every way it must refuse. */
import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { privateKeyToAccount } from "viem/accounts";
import type { Hex } from "viem";
import { digestFile } from "#core/crypto/digests.ts";
import { deriveEncryptionKeyPair, encryptionIdentityTypedData } from "#core/crypto/keyDerivation.ts";
import { unwrapKey, wrapKey, WRAPPED_KEY_BYTES } from "#core/crypto/keyWrap.ts";
import { decryptReport, encryptReport, generateReportKey, padmeLength, reportCiphertextLength } from "#core/crypto/reportCipher.ts";
import { openSealed, sealForReaders } from "#core/crypto/sealedBox.ts";
import { x25519 } from "@noble/curves/ed25519.js";

const alice = "0x00000000000000000000000000000000000a11ce";
const bob = "0x0000000000000000000000000000000000000b0b";
const reportId = `0x${"42".repeat(32)}` as Hex;
const otherReport = `0x${"43".repeat(32)}` as Hex;

function keyPair() {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = sizes[i++ % sizes.length]!;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

describe("Digests", () => {
  it("match the standard test vectors", async () => {
    const abc = new TextEncoder().encode("abc");
    expect(await digestFile(abc)).to.deep.equal({
      sha1: "0xa9993e364706816aba3e25717850c26c9cd0d89d",
      sha256: "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    });
  });

  it("agree with node:crypto for random data, in memory and streamed in odd chunk sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.array(fc.integer({ min: 1, max: 977 }), { minLength: 1, maxLength: 5 }),
        async (bytes, sizes) => {
          const expected = {
            sha1: `0x${createHash("sha1").update(bytes).digest("hex")}`,
            sha256: `0x${createHash("sha256").update(bytes).digest("hex")}`,
          };
          expect(await digestFile(bytes)).to.deep.equal(expected);
          expect(await digestFile(chunked(bytes, sizes))).to.deep.equal(expected);
          expect(await digestFile(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream())).to.deep.equal(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("Report encryption (AES-256-GCM)", () => {
  const plaintext = new TextEncoder().encode("%PDF-1.7 a medical report with findings that must stay private");

  it("round-trips with the key and the report id", async () => {
    const key = generateReportKey();
    const ciphertext = await encryptReport(plaintext, key, reportId);
    expect(ciphertext.length).to.equal(reportCiphertextLength(plaintext.length));
    expect(Buffer.from(await decryptReport(ciphertext, key, reportId)).equals(Buffer.from(plaintext))).to.equal(true);
  });

  it("uses a fresh nonce every time (no repeats over 2,000 encryptions)", async () => {
    const key = generateReportKey();
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const ciphertext = await encryptReport(plaintext, key, reportId);
      nonces.add(Buffer.from(ciphertext.subarray(1, 13)).toString("hex"));
    }
    expect(nonces.size).to.equal(2000);
  });

  it("refuses the wrong key and another report id", async () => {
    const ciphertext = await encryptReport(plaintext, generateReportKey(), reportId);
    await expectRejects(decryptReport(ciphertext, generateReportKey(), reportId), "TAMPERED_CIPHERTEXT");
    const key = generateReportKey();
    await expectRejects(decryptReport(await encryptReport(plaintext, key, reportId), key, otherReport), "TAMPERED_CIPHERTEXT");
  });

  it("detects a flipped bit at every position: version, nonce, body and tag", async () => {
    const key = generateReportKey();
    const ciphertext = await encryptReport(plaintext, key, reportId);
    for (let position = 0; position < ciphertext.length; position++) {
      const tampered = Uint8Array.from(ciphertext);
      tampered[position]! ^= 1 << (position % 8);
      await expectRejects(decryptReport(tampered, key, reportId), "TAMPERED_CIPHERTEXT");
    }
  });

  it("pads to Padmé sizes: reports a few bytes apart give ciphertexts of one size, at most 12 % larger", async () => {
    const key = generateReportKey();
    // The seed generator's NON-REACTIVE and REACTIVE serology reports, serialised: 3010 and 3005 bytes.
    const [a, b] = await Promise.all([encryptReport(new Uint8Array(3010), key, reportId), encryptReport(new Uint8Array(3005), key, reportId)]);
    expect(a.length).to.equal(b.length);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (length) => {
        const padded = padmeLength(length);
        return padded >= length && padded - length <= Math.max(1, length * 0.12) && padmeLength(padded) === padded;
      }),
    );
    for (const length of [0, 1, 7, 8, 100, 4095, 4096, 4097, 65_537]) {
      const file = randomBytes(length);
      expect(Buffer.from(await decryptReport(await encryptReport(file, key, reportId), key, reportId)).equals(file)).to.equal(true);
    }
  });

  it("refuses truncated ciphertext at every length", async () => {
    const key = generateReportKey();
    const ciphertext = await encryptReport(plaintext, key, reportId);
    for (let length = 0; length < ciphertext.length; length++) {
      await expectRejects(decryptReport(ciphertext.subarray(0, length), key, reportId), "TAMPERED_CIPHERTEXT");
    }
  });
});

describe("Key wrapping (X25519 + HKDF-SHA256 + AES-GCM)", () => {
  it("unwraps for the intended reader only, and is 80 bytes", () => {
    const reader = keyPair();
    const key = generateReportKey();
    const wrapped = wrapKey(key, reader.publicKey, { reportId, reader: alice });
    expect(wrapped.length).to.equal(WRAPPED_KEY_BYTES);
    expect(Buffer.from(unwrapKey(wrapped, reader.secretKey, { reportId, reader: alice })).equals(Buffer.from(key))).to.equal(true);
    expect(() => unwrapKey(wrapped, keyPair().secretKey, { reportId, reader: alice })).to.throw(/cannot open/);
  });

  it("refuses a wrapped key replayed for another report or another reader", () => {
    const reader = keyPair();
    const wrapped = wrapKey(generateReportKey(), reader.publicKey, { reportId, reader: alice });
    expect(() => unwrapKey(wrapped, reader.secretKey, { reportId: otherReport, reader: alice })).to.throw(/cannot open/);
    expect(() => unwrapKey(wrapped, reader.secretKey, { reportId, reader: bob })).to.throw(/cannot open/);
  });

  it("detects any flipped byte and a wrong length", () => {
    const reader = keyPair();
    const wrapped = wrapKey(generateReportKey(), reader.publicKey, { reportId, reader: alice });
    for (let position = 0; position < wrapped.length; position++) {
      const tampered = Uint8Array.from(wrapped);
      tampered[position]! ^= 0x80;
      expect(() => unwrapKey(tampered, reader.secretKey, { reportId, reader: alice })).to.throw();
    }
    expect(() => unwrapKey(wrapped.subarray(1), reader.secretKey, { reportId, reader: alice })).to.throw(/damaged/);
  });

  it("refuses a low-order (all-zero) reader key and a malformed context", () => {
    const key = generateReportKey();
    expect(() => wrapKey(key, new Uint8Array(32), { reportId, reader: alice }))
      .to.throw(/not a valid X25519 public key/)
      .with.property("code", "NO_ENCRYPTION_KEY");
    const reader = keyPair();
    expect(() => wrapKey(key, reader.publicKey, { reportId: "0x1234", reader: alice }))
      .to.throw(/not a report id/)
      .with.property("code", "INVALID_INPUT");
    expect(() => wrapKey(key, reader.publicKey, { reportId, reader: "0x1234" }))
      .to.throw(/not an Ethereum address/)
      .with.property("code", "INVALID_INPUT");
    // Addresses are compared case-insensitively: a checksummed address is the same reader.
    const wrapped = wrapKey(key, reader.publicKey, { reportId, reader: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
    expect(unwrapKey(wrapped, reader.secretKey, { reportId, reader: "0x5fbdb2315678afecb367f032d93f642f64180aa3" })).to.deep.equal(key);
  });

  it("uses a fresh ephemeral key for every wrap", () => {
    const reader = keyPair();
    const key = generateReportKey();
    const a = wrapKey(key, reader.publicKey, { reportId, reader: alice });
    const b = wrapKey(key, reader.publicKey, { reportId, reader: alice });
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(false);
  });
});

describe("Encryption identity from a wallet signature", () => {
  const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  it("is deterministic per account, chain and contract, and distinct across them", async () => {
    const sign = (chainId: number, verifyingContract: `0x${string}`) =>
      account.signTypedData(encryptionIdentityTypedData(chainId, verifyingContract, account.address));
    const a1 = deriveEncryptionKeyPair(await sign(31337, contract));
    const a2 = deriveEncryptionKeyPair(await sign(31337, contract));
    const otherChain = deriveEncryptionKeyPair(await sign(1, contract));
    const otherContract = deriveEncryptionKeyPair(await sign(31337, "0x0000000000000000000000000000000000000001"));
    expect(Buffer.from(a1.publicKey).equals(Buffer.from(a2.publicKey))).to.equal(true);
    expect(Buffer.from(a1.publicKey).equals(Buffer.from(otherChain.publicKey))).to.equal(false);
    expect(Buffer.from(a1.publicKey).equals(Buffer.from(otherContract.publicKey))).to.equal(false);
    expect(Buffer.from(x25519.getPublicKey(a1.secretKey)).equals(Buffer.from(a1.publicKey))).to.equal(true);
  });

  it("ignores the encoding of v (27/28 or 0/1)", async () => {
    const signature = await account.signTypedData(encryptionIdentityTypedData(31337, contract, account.address));
    const v = parseInt(signature.slice(130), 16);
    const recoded = `${signature.slice(0, 130)}${(v >= 27 ? v - 27 : v + 27).toString(16).padStart(2, "0")}` as Hex;
    expect(deriveEncryptionKeyPair(recoded).publicKey).to.deep.equal(deriveEncryptionKeyPair(signature).publicKey);
  });
});

describe("Sealed profiles", () => {
  it("open for each of three readers and for no one else", async () => {
    const readers = [keyPair(), keyPair(), keyPair()];
    const addresses = [alice, bob, "0x000000000000000000000000000000000000ca11"] as const;
    const plaintext = new TextEncoder().encode(JSON.stringify({ name: "Alice Martin", dateOfBirth: "1984-03-12" }));
    const sealed = await sealForReaders(
      plaintext,
      readers.map((r, i) => ({ address: addresses[i]!, publicKey: r.publicKey })),
      "ctx",
    );
    for (const [i, reader] of readers.entries()) {
      expect(Buffer.from(await openSealed(sealed, addresses[i]!, reader.secretKey, "ctx")).equals(Buffer.from(plaintext))).to.equal(true);
    }
    await expectRejects(openSealed(sealed, "0x000000000000000000000000000000000000dead", keyPair().secretKey, "ctx"), "NO_ACCESS");
    await expectRejects(openSealed(sealed, alice, readers[1]!.secretKey, "ctx"), "WRONG_KEY");
    await expectRejects(openSealed(sealed, alice, readers[0]!.secretKey, "another context"), "WRONG_KEY");
    await expectRejects(openSealed(new TextEncoder().encode("garbage"), alice, readers[0]!.secretKey, "ctx"), "TAMPERED_CIPHERTEXT");
  });
});

async function expectRejects(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as { code?: string }).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}
