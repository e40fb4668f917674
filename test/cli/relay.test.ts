/**
 * A patient holding 0 ETH uses the `medledger` CLI with `--relay <server>`: the CLI signs with the
 * patient's key and the hospital's relayer (the local stack's web server, POST /api/relay) sends
 * and pays — share, revoke one report, revoke everything, rotate the key. Without `--relay` the
 * same share fails: the account cannot pay for gas. A relayer out of funds is reported in plain words.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { createPublicClient, createTestClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { devRelayerKey } from "#core/dev/demoKeys.ts";
import { makeReportPdf } from "#local-stack/seed/pdf.ts";
import { address, json, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(0);
  return result;
}

describe("medledger CLI: a patient holding 0 ETH acts through the hospital's relayer (--relay)", function () {
  this.timeout(600_000);
  let cli: CliStack;
  let relay: string;
  const patient = address("patient1");
  const reader = address("doctor2");
  const relayer = privateKeyToAccount(devRelayerKey()).address;
  const reportIds: Hex[] = [];
  const chain = () => createPublicClient({ transport: http(cli.stack.rpcUrl) });
  const asPatient = (args: readonly string[]) => cli.run(["--as", "patient1", "--relay", relay, "--json", ...args]);

  before(async () => {
    cli = await startCliStack({ web: true });
    relay = cli.stack.webUrl!;
    ok(await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]));
    ok(await cli.run(["--as", "admin", "staff", "add", address("doctor1"), "--role", "doctor", "--name", "Dr. Ada Lovelace"]));
    ok(await cli.run(["--as", "admin", "staff", "add", reader, "--role", "doctor", "--name", "Dr. Gregory House"]));
    for (const handle of ["receptionist1", "doctor1", "doctor2"]) ok(await cli.run(["--as", handle, "keys", "publish"]));
    const request = json<{ code: string }>(ok(await cli.run(["--as", "patient1", "--json", "patient", "request"])));
    ok(await cli.run(["--as", "receptionist1", "patient", "register", "--code", request.code, "--name", "Alice Martin", "--doctor", address("doctor1")]));
    for (const title of ["Echocardiogram", "Stress test"]) {
      const file = join(cli.dir, `${title}.pdf`);
      writeFileSync(
        file,
        await makeReportPdf({
          title,
          patientName: "Alice Martin",
          doctorName: "Dr. Ada Lovelace",
          department: "Cardiology",
          date: "2026-11-20",
          findings: ["Normal."],
        }),
      );
      reportIds.push(json<{ reportId: Hex }>(ok(await cli.run(["--as", "doctor1", "--json", "report", "upload", file, "--patient", patient]))).reportId);
    }
    await createTestClient({ mode: "anvil", transport: http(cli.stack.rpcUrl) }).setBalance({ address: patient, value: 0n });
  });
  after(async () => {
    await cli?.stop();
  });

  it("without --relay the share fails: the patient cannot pay for gas", async () => {
    const direct = await cli.run(["--as", "patient1", "report", "share", "--all", "--with", reader]);
    expect(direct.code).to.not.equal(0);
    expect(await chain().getBalance({ address: patient })).to.equal(0n);
  });

  it("shares all reports through the relayer: sent by the hospital's account, the patient still holds 0", async () => {
    const before = await chain().getBalance({ address: relayer });
    const plain = ok(await cli.run(["--as", "patient1", "--relay", relay, "report", "share", "--all", "--with", reader]));
    expect(plain.stdout).to.contain("The hospital's relayer sends it and pays the fee…").and.contain("Shared 2 reports with");
    const hash = plain.stdout.match(/Transaction (0x[0-9a-f]{64})/)![1] as Hex;
    const receipt = await chain().getTransactionReceipt({ hash });
    expect(receipt.from.toLowerCase()).to.equal(relayer.toLowerCase());
    expect(await chain().getBalance({ address: patient })).to.equal(0n);
    expect(await chain().getBalance({ address: relayer })).to.be.below(before);
    ok(await cli.run(["--as", "doctor2", "report", "read", reportIds[0]!, "--out", join(cli.dir, "read.pdf")]));
  });

  it("revokes one report, then everything, through the relayer", async () => {
    const one = json<{ transactionHash: Hex }>(ok(await asPatient(["report", "revoke", reportIds[0]!, "--from", reader])));
    expect((await chain().getTransactionReceipt({ hash: one.transactionHash })).from.toLowerCase()).to.equal(relayer.toLowerCase());
    const refused = await cli.run(["--as", "doctor2", "report", "read", reportIds[0]!, "--out", join(cli.dir, "refused.pdf")]);
    expect(refused.code).to.not.equal(0);
    ok(await asPatient(["report", "revoke", "--all", "--from", reader]));
    expect((await cli.run(["--as", "doctor2", "report", "read", reportIds[1]!, "--out", join(cli.dir, "refused2.pdf")])).code).to.not.equal(0);
    expect(await chain().getBalance({ address: patient })).to.equal(0n);
  });

  it("rotates the patient's key through the relayer: their reports are re-keyed and still open", async () => {
    const rotated = json<{ keyVersion: number; rekeyed: Hex[]; pending: Hex[] }>(ok(await asPatient(["keys", "rotate"])));
    expect(rotated.keyVersion).to.equal(2);
    expect([...rotated.rekeyed].sort()).to.deep.equal([...reportIds].sort());
    expect(rotated.pending).to.deep.equal([]);
    for (const id of reportIds) ok(await cli.run(["--as", "patient1", "report", "read", id, "--out", join(cli.dir, `${id}.pdf`)]));
    expect(await chain().getBalance({ address: patient })).to.equal(0n);
  });

  it("the relayer's refusals are printed in plain words: out of funds, and a --relay that is no web address", async () => {
    const node = createTestClient({ mode: "anvil", transport: http(cli.stack.rpcUrl) });
    const funds = await chain().getBalance({ address: relayer });
    await node.setBalance({ address: relayer, value: 0n });
    try {
      const broke = await cli.run(["--as", "patient1", "--relay", relay, "report", "share", "--all", "--with", reader]);
      expect(broke.code).to.equal(1);
      expect(broke.stderr)
        .to.contain("The hospital's relayer is out of funds, so it cannot send your change. Nothing was sent.")
        .and.contain("Tell the hospital, or try again later");
    } finally {
      await node.setBalance({ address: relayer, value: funds });
    }
    const wrong = await cli.run(["--as", "patient1", "--relay", "ftp://example.org", "report", "revoke", "--all", "--from", reader]);
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stderr).to.contain("http:// or https:// URL");
  });
});
