/** Every user-facing failure of the core flows gives a specific MedLedgerError, and loses nothing. */
import { expect } from "chai";
import { bytesToHex, createPublicClient, hexToBytes, http, zeroHash, type Hex } from "viem";
import { writeLedger, assertLedgerReachable } from "#core/contract/calls.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { encryptReport, generateReportKey } from "#core/crypto/reportCipher.ts";
import { unwrapKey, wrapKey } from "#core/crypto/keyWrap.ts";
import { publishedKeyOf } from "#core/identity/encryptionKey.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { cidToHex } from "#core/ipfs/cid.ts";
import { readReport } from "#core/reports/read.ts";
import { prepareReport, submitReport, uploadReport } from "#core/reports/upload.ts";
import { verifyReport } from "#core/verify/verify.ts";
import { freePort } from "#local-stack/processes.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, reportPdf, setUpClinic } from "#test/support/story.ts";
import { claimIdOf } from "#core/reports/claimId.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";

describe("Core failure handling", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let identities: Map<string, EncryptionIdentity>;
  const file = (text: string) => reportPdf(text);

  before(async () => {
    ledger = await inProcessLedger();
    ipfs = await embeddedIpfs();
    identities = await setUpClinic(ledger, ipfs.store);
  });
  after(async () => {
    await ipfs?.close();
    await ledger?.close();
  });

  it("refuses an empty file and a file over the size limit before anything is stored", async () => {
    const patient = addressOf(ledger, "patient1");
    await expectCode(prepareReport(ledger.as("doctor1"), ipfs.store, { file: new Uint8Array(0), patient }), "EMPTY_FILE");
    await expectCode(prepareReport(ledger.as("doctor1"), ipfs.store, { file: new Uint8Array(2048).fill(7), patient }, { maxBytes: 1024 }), "FILE_TOO_LARGE");
  });

  it("refuses a file that is not a PDF, PNG or JPEG, by its content", async () => {
    const patient = addressOf(ledger, "patient1");
    await expectCode(
      prepareReport(ledger.as("doctor1"), ipfs.store, { file: new TextEncoder().encode("Blood pressure 120/80, plain text"), patient }),
      "UNSUPPORTED_FILE_TYPE",
    );
    await expectCode(
      prepareReport(ledger.as("doctor1"), ipfs.store, { file: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), patient }),
      "UNSUPPORTED_FILE_TYPE",
    );
  });

  it("refuses an upload for a patient not assigned to the doctor, saying why", async () => {
    try {
      await prepareReport(ledger.as("doctor2"), ipfs.store, { file: await file("x"), patient: addressOf(ledger, "patient1") });
      expect.fail("should refuse");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("NO_ACCESS");
      expect((error as Error).message).to.match(/not assigned to you/);
    }
  });

  it("a failed transaction keeps the prepared upload; a retry registers it without uploading again, and is idempotent", async () => {
    const source = await file("retry");
    const prepared = await prepareReport(ledger.as("doctor1"), ipfs.store, { file: source, patient: addressOf(ledger, "patient1") });
    expect(prepared.sourceSha256).to.equal((await digestFile(source)).sha256);
    expect(prepared.sha256).to.equal((await digestFile(prepared.issuedFile!)).sha256);
    expect(prepared.sha256).to.not.equal(prepared.sourceSha256);
    await writeLedger(ledger.as("admin"), "pause", []);
    try {
      await submitReport(ledger.as("doctor1"), ipfs.store, prepared);
      expect.fail("should fail while paused");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("CONTRACT_REVERT");
      expect((error as Error).message).to.match(/paused/);
    }
    await writeLedger(ledger.as("admin"), "unpause", []);
    const first = await submitReport(ledger.as("doctor1"), ipfs.store, prepared);
    expect(first.transactionHash).to.match(/^0x/);
    expect(first.record.cid).to.equal(prepared.cid);
    const again = await submitReport(ledger.as("doctor1"), ipfs.store, prepared);
    expect(again.transactionHash).to.equal(undefined);
    expect(again.record.reportId).to.equal(prepared.reportId);
    // The retried registration is the file issued once, with its one serial.
    expect((await verifyReport(ledger.reader(), { kind: "file", file: prepared.issuedFile! })).status).to.equal("genuine");
    expect((await verifyReport(ledger.reader(), { kind: "file", file: source })).status).to.equal("not-registered");
  });

  it("refuses to upload an issued file that is already registered (it keeps its serial)", async () => {
    const prepared = await prepareReport(ledger.as("doctor1"), ipfs.store, { file: await file("dup"), patient: addressOf(ledger, "patient1") });
    await submitReport(ledger.as("doctor1"), ipfs.store, prepared);
    await expectCode(prepareReport(ledger.as("doctor1"), ipfs.store, { file: prepared.issuedFile!, patient: addressOf(ledger, "patient1") }), "INVALID_INPUT");
  });

  it("detects a decrypted file whose digests differ from the chain", async () => {
    // A faulty client registers the digests of one file but stores the encryption of another.
    const claimed = await file("claimed");
    const actual = await file("actual");
    const { sha1, sha256 } = await digestFile(claimed);
    const patient = addressOf(ledger, "patient1");
    const doctor = addressOf(ledger, "doctor1");
    const reportId = claimIdOf(sha256, doctor);
    const key = generateReportKey();
    const ciphertext = await encryptReport(actual, key, reportId);
    const cid = await ipfs.store.add(ciphertext);
    const patientKey = (await publishedKeyOf(ledger.reader(), patient))!;
    const doctorKey = (await publishedKeyOf(ledger.reader(), doctor))!;
    await writeLedger(ledger.as("doctor1"), "registerReport", [
      {
        sha256Digest: sha256,
        sha1Digest: sha1,
        patient,
        supersedes: zeroHash,
        cid: cidToHex(cid),
        patientKey: bytesToHex(wrapKey(key, patientKey, { reportId, reader: patient })),
        doctorKey: bytesToHex(wrapKey(key, doctorKey, { reportId, reader: doctor })),
        custodianKey: "0x",
        held: false,
      },
    ]);
    await expectCode(readReport(ledger.reader(), ipfs.store, reportId, identities.get("patient1")!), "DIGEST_MISMATCH");
  });

  it("a reader whose access expired is told so, with the date (not as a revocation)", async () => {
    const { reportId, prepared } = await uploadReport(ledger.as("doctor1"), ipfs.store, {
      file: await file("expiring"),
      patient: addressOf(ledger, "patient1"),
    });
    const patient = identities.get("patient1")!;
    const reader = addressOf(ledger, "doctor2");
    const key = unwrapKey(hexToBytes(prepared.patientKey), patient.secretKey, { reportId, reader: patient.address });
    const wrapped = bytesToHex(wrapKey(key, (await publishedKeyOf(ledger.reader(), reader))!, { reportId, reader }));
    const block = await ledger.reader().publicClient.getBlock();
    const expiresAt = Number(block.timestamp) + 3600;
    await writeLedger(ledger.as("patient1"), "grantAccessBatch", [{ reader, reportIds: [reportId], wrappedKeys: [wrapped], expiresAt }]);
    expect((await readReport(ledger.reader(), ipfs.store, reportId, identities.get("doctor2")!)).bytes).to.deep.equal(prepared.issuedFile);
    const node = ledger.reader().publicClient as unknown as { request(args: { method: string; params: unknown[] }): Promise<unknown> };
    await node.request({ method: "evm_increaseTime", params: [7200] });
    await node.request({ method: "evm_mine", params: [] });
    try {
      await readReport(ledger.reader(), ipfs.store, reportId, identities.get("doctor2")!);
      expect.fail("read after expiry");
    } catch (error) {
      expect((error as { code?: string }).code).to.equal("ACCESS_EXPIRED");
      expect((error as Error).message).to.equal(`Your access to this report expired on ${new Date(expiresAt * 1000).toUTCString()}.`);
    }
  });

  it("an unknown report id and an unknown CID give specific errors", async () => {
    const unknown = `0x${"ab".repeat(32)}` as Hex;
    await expectCode(readReport(ledger.reader(), ipfs.store, unknown, identities.get("patient1")!), "UNKNOWN_REPORT");
    await expectCode(ipfs.store.cat("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"), "UNKNOWN_CID");
  });

  it("names the URL of an unreachable IPFS endpoint and of an unreachable Ethereum node", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    try {
      await createKuboStore(url).add(await file("x"));
      expect.fail("should fail");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("IPFS_UNREACHABLE");
      expect((error as Error).message).to.contain(url);
    }
    const reader = { publicClient: createPublicClient({ transport: http(url, { retryCount: 0 }) }), deployment: ledger.deployment, rpcUrl: url };
    try {
      await assertLedgerReachable(reader);
      expect.fail("should fail");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("RPC_UNREACHABLE");
      expect((error as { details?: string }).details).to.contain(url);
    }
  });

  it("detects the wrong chain and a missing contract", async () => {
    const wrongChain = { ...ledger.reader(), deployment: { ...ledger.deployment, chainId: 1 } };
    await expectCode(assertLedgerReachable(wrongChain), "WRONG_CHAIN");
    const noContract = { ...ledger.reader(), deployment: { ...ledger.deployment, address: addressOf(ledger, "stranger") } };
    await expectCode(assertLedgerReachable(noContract), "NO_CONTRACT");
  });

  it("verification refuses an empty file", async () => {
    await expectCode(verifyReport(ledger.reader(), { kind: "file", file: new Uint8Array(0) }), "EMPTY_FILE");
  });
});
