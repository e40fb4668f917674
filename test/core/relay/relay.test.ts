import { expect } from "chai";
import { bytesToHex, keccak256, stringToHex, type Address } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import { keyBindingTypes } from "#core/contract/keyBinding.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { unlockIdentity, type EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { rotateEncryptionKey } from "#core/identity/rotation.ts";
import { readReport } from "#core/reports/read.ts";
import { revokeAndRekey } from "#core/reports/rekey.ts";
import { revokeAllShares, shareReports } from "#core/reports/share.ts";
import { parseSignedAction, relayedSender, signPatientAction, submitSignedAction } from "#core/relay/signedAction.ts";
import { grantAccessTypes, rekeyReportTypes, revokeAccessTypes } from "#core/relay/typedData.ts";
import { embeddedIpfs, type IpfsFixture } from "#test/support/ipfs.ts";
import { anvilLedger, inProcessLedger, type LedgerFixture } from "#test/support/ledgers.ts";
import { enrolUnfunded, issueReports, same, unfundedWriter, type IssuedReport } from "#test/support/sharing.ts";
import { addressOf, expectCode, setUpClinic } from "#test/support/story.ts";

/** The EIP-712 type string of a struct without nested structs, as Solidity's typehash spells it. */
function typeString(name: string, fields: readonly { name: string; type: string }[]): string {
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

for (const [name, startLedger] of [
  ["the in-process Hardhat EVM", inProcessLedger],
  ["anvil (an independent EVM node)", anvilLedger],
] as const) {
  describe(`Patients never need ETH: signed actions submitted by a relayer, on ${name}`, function () {
    this.timeout(120_000);
    let ledger: LedgerFixture;
    let ipfs: IpfsFixture;
    let ids: Map<string, EncryptionIdentity>;
    let patient: LedgerWriter;
    let identity: EncryptionIdentity;
    let relayer: LedgerWriter;
    let reports: IssuedReport[];
    const id = (handle: string) => ids.get(handle)!;
    const balance = () => ledger.reader().publicClient.getBalance({ address: patient.walletClient.account.address });

    before(async () => {
      ledger = await startLedger();
      ipfs = await embeddedIpfs();
      ids = await setUpClinic(ledger, ipfs.store);
      patient = unfundedWriter(ledger);
      identity = await enrolUnfunded(ledger, ipfs.store, patient, id("receptionist1"));
      reports = await issueReports(ledger, ipfs.store, 2, patient.walletClient.account.address);
      relayer = ledger.as("receptionist2");
    });
    after(async () => {
      await ipfs?.close();
      await ledger?.close();
    });

    it("signs with the contract's exact type strings", async () => {
      const reader = ledger.reader();
      expect(keccak256(stringToHex(typeString("GrantAccess", grantAccessTypes.GrantAccess)))).to.equal(await readLedger(reader, "GRANT_ACCESS_TYPEHASH"));
      expect(keccak256(stringToHex(typeString("RevokeAccess", revokeAccessTypes.RevokeAccess)))).to.equal(await readLedger(reader, "REVOKE_ACCESS_TYPEHASH"));
      expect(keccak256(stringToHex(typeString("RekeyReport", rekeyReportTypes.RekeyReport)))).to.equal(await readLedger(reader, "REKEY_REPORT_TYPEHASH"));
      expect(keccak256(stringToHex(typeString("EncryptionKey", keyBindingTypes.EncryptionKey)))).to.equal(await readLedger(reader, "ENCRYPTION_KEY_TYPEHASH"));
    });

    it("shares all reports until a date through the relayer; the patient's balance stays 0", async () => {
      expect(await balance()).to.equal(0n);
      const doctor2 = addressOf(ledger, "doctor2");
      const until = new Date(Date.now() + 7 * 24 * 3600 * 1000);
      const result = await shareReports(patient, identity, { reader: doctor2, reports: "all", expiresAt: until }, relayedSender(patient, relayer));
      expect(result.shared).to.have.length(2);
      for (const report of reports) {
        expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id("doctor2"))).bytes, report.file)).to.equal(true);
      }
      expect((await readLedger(ledger.reader(), "grantOf", [reports[0]!.reportId, doctor2]))[1]).to.equal(Math.floor(until.getTime() / 1000));
      expect(await balance()).to.equal(0n);
    });

    it("revokes and re-keys a report through the relayer: the remaining reader opens the new version", async () => {
      const stranger = addressOf(ledger, "stranger");
      const send = relayedSender(patient, relayer);
      await shareReports(patient, identity, { reader: stranger, reports: [reports[0]!.reportId] }, send);
      const rekeyed = await revokeAndRekey(patient, ipfs.store, reports[0]!.reportId, stranger, identity, { send });
      expect(rekeyed.version).to.equal(1);
      expect(rekeyed.readers).to.deep.equal([addressOf(ledger, "doctor2")]);
      expect(rekeyed.unpinned).to.equal(true);
      await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("stranger")), "ACCESS_REVOKED");
      for (const reader of [identity, id("doctor1"), id("doctor2")]) {
        expect(same((await readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, reader)).bytes, reports[0]!.file)).to.equal(true);
      }
      expect(await balance()).to.equal(0n);
    });

    it("carries a signed request as JSON; a changed request or a replay is refused", async () => {
      const stranger = addressOf(ledger, "stranger");
      const request = await signPatientAction(patient, { kind: "revoke", reader: stranger, reportId: null });
      const carried = parseSignedAction(JSON.parse(JSON.stringify(request)));
      const forged = { ...carried, action: { kind: "revoke" as const, reader: addressOf(ledger, "doctor2") as Address, reportId: null } };
      await expectCode(submitSignedAction(relayer, forged), "CONTRACT_REVERT");
      await submitSignedAction(relayer, carried);
      await expectCode(submitSignedAction(relayer, carried), "CONTRACT_REVERT");
      expect(() => parseSignedAction({ ...carried, nonce: "-1" })).to.throw(/not a well-formed/);
      await expectCode(submitSignedAction(relayer, { ...carried, chainId: 1 }), "WRONG_CHAIN");
      await expectCode(submitSignedAction(relayer, { ...carried, deadline: "1" }), "MESSAGE_EXPIRED");
      expect(await balance()).to.equal(0n);
    });

    it("revokes one report, then everything, all relayed", async () => {
      const doctor2 = addressOf(ledger, "doctor2");
      const send = relayedSender(patient, relayer);
      await send({ kind: "revoke", reader: doctor2, reportId: reports[0]!.reportId });
      await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, id("doctor2")), "ACCESS_REVOKED");
      expect(same((await readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2"))).bytes, reports[1]!.file)).to.equal(true);
      await revokeAllShares(patient, doctor2, send);
      await expectCode(readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, id("doctor2")), "ACCESS_REVOKED");
      expect(same((await readReport(ledger.reader(), ipfs.store, reports[1]!.reportId, identity)).bytes, reports[1]!.file)).to.equal(true);
      expect(await balance()).to.equal(0n);
    });

    it("publishes a first key and rotates a key through the relayer (rotateEncryptionKeyBySig)", async () => {
      const newcomer = unfundedWriter(ledger);
      const first = await unlockIdentity(newcomer.walletClient, ledger.deployment, newcomer);
      await relayedSender(newcomer, relayer)({ kind: "encryptionKey", key: bytesToHex(first.publicKey), version: 1 });
      expect(await readLedger(ledger.reader(), "encryptionKeyOf", [newcomer.walletClient.account.address])).to.equal(bytesToHex(first.publicKey));
      const next = await unlockIdentity(newcomer.walletClient, ledger.deployment, undefined, 2);
      await relayedSender(newcomer, relayer)({ kind: "encryptionKey", key: bytesToHex(next.publicKey), version: 2 });
      expect(await readLedger(ledger.reader(), "keyVersionOf", [newcomer.walletClient.account.address])).to.equal(2);
      expect(await ledger.reader().publicClient.getBalance({ address: newcomer.walletClient.account.address })).to.equal(0n);
    });

    it("rotates the unfunded patient's key through the relayer: their reports are re-keyed for the new key", async () => {
      const send = relayedSender(patient, relayer);
      const rotated = await rotateEncryptionKey(patient, { send, rekeyThrough: ipfs.store });
      expect(rotated.keyVersion).to.equal(2);
      expect(rotated.rewrapped).to.deep.equal([]);
      expect([...rotated.rekeyed].sort()).to.deep.equal(reports.map((r) => r.reportId).sort());
      expect(rotated.pending).to.deep.equal([]);
      for (const report of reports) {
        expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, rotated.identity)).bytes, report.file)).to.equal(true);
        expect(same((await readReport(ledger.reader(), ipfs.store, report.reportId, id("doctor1"))).bytes, report.file)).to.equal(true);
      }
      await expectCode(readReport(ledger.reader(), ipfs.store, reports[0]!.reportId, identity), "WRONG_KEY");
      expect(await balance()).to.equal(0n);
      identity = rotated.identity;
    });

    it("without the relayer the same share could not be sent: the patient has no ETH for gas", async () => {
      await expectCode(shareReports(patient, identity, { reader: addressOf(ledger, "doctor2"), reports: "all" }), "CONTRACT_REVERT");
    });
  });
}
