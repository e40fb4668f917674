/** The web app's pure helpers (no browser needed): event descriptions, date filters, file types, form rules. */
import { expect } from "chai";
import { describe, it } from "mocha";
import { toFunctionSelector, zeroHash } from "viem";
import { ROLE_IDS } from "#core/accounts/roles.ts";
import { explorerOf, resultHash, transactionUrl } from "#web/lib/explorer.ts";
import { reportFileName, sniffMime } from "#web/lib/files.ts";
import { addressSchema } from "#core/validation.ts";
import { validate } from "#web/lib/forms.ts";
import { dayToSeconds, describeEvent } from "#web/lib/timeline.ts";

const ALICE = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const ADA = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const names = (a: string) => ({ [ALICE.toLowerCase()]: "Alice Martin", [ADA.toLowerCase()]: "Dr. Ada Lovelace" })[a.toLowerCase()] ?? a;

describe("web app helpers", function () {
  it("describes contract events in words, with names", function () {
    expect(describeEvent({ eventName: "StaffAdded", args: { account: ADA, role: ROLE_IDS.doctor, profile: { name: "Dr. Ada Lovelace" } } }, names)).to.equal(
      "Added Dr. Ada Lovelace as doctor",
    );
    expect(describeEvent({ eventName: "DoctorAssigned", args: { patient: ALICE, doctor: ADA } }, names)).to.equal(
      "Assigned Dr. Ada Lovelace to patient Alice Martin",
    );
    const reportId = `0x${"ab".repeat(32)}`;
    expect(describeEvent({ eventName: "ReportRegistered", args: { reportId, patient: ALICE, doctor: ADA, supersedes: zeroHash } }, names)).to.equal(
      "Registered report 0xababab…abab by Dr. Ada Lovelace for patient Alice Martin",
    );
    expect(describeEvent({ eventName: "Paused", args: {} }, names)).to.equal("Paused all changes");
  });

  it("describes guardian events: who appointed whom until when, and what a guardian did for which patient", function () {
    const rita = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    expect(
      describeEvent(
        { eventName: "GuardianAppointed", args: { record: ALICE, guardian: ADA, by: rita, until: Date.UTC(2032, 4, 14) / 1000, byReception: true } },
        names,
      ),
    ).to.equal(`The reception (${rita}) made Dr. Ada Lovelace a guardian of patient Alice Martin until 2032-05-14`);
    expect(
      describeEvent({ eventName: "GuardianAppointed", args: { record: ALICE, guardian: ADA, by: ALICE, until: 2 ** 40 - 1, byReception: false } }, names),
    ).to.equal("The patient (Alice Martin) made Dr. Ada Lovelace a guardian of patient Alice Martin");
    expect(describeEvent({ eventName: "GuardianshipEnded", args: { record: ALICE, guardian: ADA, by: ALICE } }, names)).to.equal(
      "Alice Martin ended Dr. Ada Lovelace's guardianship of patient Alice Martin",
    );
    const granted = toFunctionSelector("grantAccessAsGuardian(address,(address,bytes32[],bytes[],uint40))");
    expect(describeEvent({ eventName: "ActedAsGuardian", args: { patient: ALICE, guardian: ADA, action: granted } }, names)).to.equal(
      "Guardian Dr. Ada Lovelace shared reports for patient Alice Martin",
    );
    const revoked = toFunctionSelector("revokeAccessAsGuardian(address,bytes32,address)");
    expect(describeEvent({ eventName: "ActedAsGuardian", args: { patient: ALICE, guardian: ADA, action: revoked } }, names)).to.equal(
      "Guardian Dr. Ada Lovelace stopped sharing for patient Alice Martin",
    );
  });

  it("turns date inputs into an inclusive range of Unix seconds", function () {
    const from = dayToSeconds("2026-11-25", false)!;
    const to = dayToSeconds("2026-11-25", true)!;
    expect(to - from).to.equal(24 * 3600 - 1);
    expect(dayToSeconds("", false)).to.equal(undefined);
    expect(dayToSeconds("25/11/2026", true)).to.equal(undefined);
  });

  it("recognises PDF, PNG and JPEG reports for the download", function () {
    expect(sniffMime(new TextEncoder().encode("%PDF-1.7 …"))).to.equal("application/pdf");
    expect(sniffMime(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d]))).to.equal("image/png");
    expect(sniffMime(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0]))).to.equal("image/jpeg");
    expect(sniffMime(Uint8Array.from([1, 2, 3]))).to.equal("application/octet-stream");
    expect(reportFileName(`0x${"12".repeat(32)}`, "application/pdf")).to.equal("medledger-report-121212121212.pdf");
  });

  it("validates account addresses and reports the first error of each field", function () {
    const ok = validate(addressSchema, ` ${ALICE.toLowerCase()} `);
    expect(ok).to.deep.equal({ ok: true, data: ALICE });
    const bad = validate(addressSchema, "0x1234");
    expect(bad.ok).to.equal(false);
    if (!bad.ok) expect(bad.errors.form).to.match(/0x followed by 40 hexadecimal digits/);
  });

  it("links a transaction to its network's block explorer, from viem's chain definitions, and never on a local or unknown chain", async function () {
    const hash = `0x${"ab".repeat(32)}` as const;
    expect(await transactionUrl(1, hash)).to.deep.equal({ name: "Etherscan", url: `https://etherscan.io/tx/${hash}` });
    expect(await transactionUrl(11155111, hash)).to.deep.equal({ name: "Etherscan", url: `https://sepolia.etherscan.io/tx/${hash}` });
    expect((await explorerOf(8453))?.url).to.equal("https://basescan.org");
    expect(await transactionUrl(31337, hash), "the local chain has no explorer").to.equal(undefined);
    expect(await transactionUrl(1337, hash), "nor has a dev chain").to.equal(undefined);
    expect(await transactionUrl(987_654_321, hash), "nor an unknown network").to.equal(undefined);
  });

  it("finds the transaction of a core write's result: a hash, or its hash / transactionHash", function () {
    const hash = `0x${"cd".repeat(32)}`;
    expect(resultHash(hash)).to.equal(hash);
    expect(resultHash({ hash, receipt: {} })).to.equal(hash);
    expect(resultHash({ transactionHash: hash, reseal: { ok: true } })).to.equal(hash);
    expect(resultHash(`0x${"cd".repeat(20)}`), "an address is not a transaction").to.equal(undefined);
    expect(resultHash({ reader: "0x1" })).to.equal(undefined);
    expect(resultHash(undefined)).to.equal(undefined);
  });
});
