/** Every user-facing failure of the core flows gives a specific MedLedgerError, and loses nothing. */
import { expect } from "chai";
import { bytesToHex, createPublicClient, http, zeroHash, type Hex } from "viem";
import { writeLedger, assertLedgerReachable } from "#core/contract/calls.ts";
import { digestFile } from "#core/crypto/digests.ts";
import { encryptReport, generateReportKey } from "#core/crypto/reportCipher.ts";
import { wrapKey } from "#core/crypto/keyWrap.ts";
import { publishedKeyOf } from "#core/identity/encryptionKey.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { cidToHex } from "#core/ipfs/cid.ts";
import { readReport } from "#core/reports/read.ts";
import { prepareReport, submitReport } from "#core/reports/upload.ts";
import { verifyReport } from "#core/verify/verify.ts";
import { freePort } from "#local-stack/processes.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";

describe("Core failure handling", function () {
  this.timeout(120_000);
  let ledger: LedgerFixture;
  let ipfs: IpfsFixture;
  let identities: Map<string, EncryptionIdentity>;
  const file = (text: string) => new TextEncoder().encode(`%PDF-1.7 demo report ${text} ${Math.random()}`);

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

  it("refuses an upload for a patient not assigned to the doctor, saying why", async () => {
    try {
      await prepareReport(ledger.as("doctor2"), ipfs.store, { file: file("x"), patient: addressOf(ledger, "patient1") });
      expect.fail("should refuse");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("NO_ACCESS");
      expect((error as Error).message).to.match(/not assigned to you/);
    }
  });

  it("a failed transaction keeps the prepared upload; a retry registers it without uploading again, and is idempotent", async () => {
    const prepared = await prepareReport(ledger.as("doctor1"), ipfs.store, { file: file("retry"), patient: addressOf(ledger, "patient1") });
    await writeLedger(ledger.as("admin"), "pause", []);
    try {
      await submitReport(ledger.as("doctor1"), prepared);
      expect.fail("should fail while paused");
    } catch (error) {
      expect((error as { code: string }).code).to.equal("CONTRACT_REVERT");
      expect((error as Error).message).to.match(/paused/);
    }
    await writeLedger(ledger.as("admin"), "unpause", []);
    const first = await submitReport(ledger.as("doctor1"), prepared);
    expect(first.transactionHash).to.match(/^0x/);
    expect(first.record.cid).to.equal(prepared.cid);
    const again = await submitReport(ledger.as("doctor1"), prepared);
    expect(again.transactionHash).to.equal(undefined);
    expect(again.record.reportId).to.equal(prepared.reportId);
  });

  it("refuses to upload a file that is already registered", async () => {
    const bytes = file("dup");
    const prepared = await prepareReport(ledger.as("doctor1"), ipfs.store, { file: bytes, patient: addressOf(ledger, "patient1") });
    await submitReport(ledger.as("doctor1"), prepared);
    await expectCode(prepareReport(ledger.as("doctor1"), ipfs.store, { file: bytes, patient: addressOf(ledger, "patient1") }), "INVALID_INPUT");
  });

  it("detects a decrypted file whose digests differ from the chain", async () => {
    // A faulty client registers the digests of one file but stores the encryption of another.
    const claimed = file("claimed");
    const actual = file("actual");
    const { sha1, sha256 } = await digestFile(claimed);
    const key = generateReportKey();
    const ciphertext = await encryptReport(actual, key, sha256);
    const cid = await ipfs.store.add(ciphertext);
    const patient = addressOf(ledger, "patient1");
    const doctor = addressOf(ledger, "doctor1");
    const patientKey = (await publishedKeyOf(ledger.reader(), patient))!;
    const doctorKey = (await publishedKeyOf(ledger.reader(), doctor))!;
    await writeLedger(ledger.as("doctor1"), "registerReport", [{
      sha256Digest: sha256,
      sha1Digest: sha1,
      patient,
      supersedes: zeroHash,
      cid: cidToHex(cid),
      patientKey: bytesToHex(wrapKey(key, patientKey, { reportId: sha256, reader: patient })),
      doctorKey: bytesToHex(wrapKey(key, doctorKey, { reportId: sha256, reader: doctor })),
    }]);
    await expectCode(readReport(ledger.reader(), ipfs.store, sha256, identities.get("patient1")!), "DIGEST_MISMATCH");
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
      await createKuboStore(url).add(file("x"));
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
      expect((error as Error).message).to.contain(url);
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
