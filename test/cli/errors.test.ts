/**
 * The CLI's failures, as a user meets them: each one a clear "Error: … / What to do: …" on stderr,
 * no stack trace, and the documented exit code (2 usage or connection, 1 refused).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet, encryptKeystoreJson } from "ethers";
import { freePort } from "#local-stack/processes.ts";
import { address, cleanEnv, json, runCli, startAnvil, startCliStack, type CliResult, type CliStack } from "../support/cli.ts";

function expectUserError(result: CliResult, code: number, message: string): void {
  expect(result.code, `stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).to.equal(code);
  expect(result.stderr).to.contain(message);
  expect(result.stderr).to.contain("What to do:");
  expect(result.stderr).not.to.match(/\n\s+at /); // no stack trace
}

describe("medledger CLI: errors and configuration", function () {
  this.timeout(300_000);
  let cli: CliStack;
  let file: string;

  before(async () => {
    cli = await startCliStack();
    file = join(cli.dir, "report.txt");
    writeFileSync(file, "Blood test: all values within reference ranges.\n");
  });
  after(async () => {
    await cli?.stop();
  });

  it("prints help for every command group and exits 0", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).to.equal(0);
    for (const word of ["verify", "report", "staff", "patient", "keys", "--rpc", "--as", "--keystore", "--json", "MEDLEDGER_PRIVATE_KEY"]) {
      expect(top.stdout).to.contain(word);
    }
    for (const group of ["report", "staff", "patient", "keys"]) {
      const help = await runCli([group, "--help"]);
      expect(help.code).to.equal(0);
      expect(help.stdout).to.contain(`Usage: medledger ${group}`);
    }
    const upload = await runCli(["report", "upload", "--help"]);
    expect(upload.stdout).to.contain("--patient <address>");
    const verify = await runCli(["verify", "--help"]);
    expect(verify.stdout).to.contain("Exit codes: 0 the file is genuine").and.contain("4 on record");
  });

  it("usage errors exit 2: unknown command, missing option, invalid address", async () => {
    const unknown = await runCli(["frobnicate"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("unknown command");
    const missing = await cli.run(["--as", "doctor1", "report", "upload", file]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("--patient <address>");
    expectUserError(await cli.run(["--as", "doctor1", "report", "upload", file, "--patient", "0x1234"]), 2, 'The patient "0x1234" is not an Ethereum address.');
    expectUserError(await cli.run(["verify", "--sha256", "zz"]), 2, "not a SHA-1");
    const badChain = await runCli(["--chain-id", "x", "verify", file]);
    expect(badChain.code).to.equal(2);
    expect(badChain.stderr).to.contain("positive whole number");
  });

  it("an unreachable node exits 2 and names the RPC URL in its details (also in --json)", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await cli.run(["--rpc", url, "verify", file]);
    expectUserError(result, 2, "The network MedLedger runs on cannot be reached right now.");
    expect(result.stderr).to.contain(`Details: Ethereum node: ${url} (MEDLEDGER_RPC_URL or --rpc`);
    const asJson = await cli.run(["--rpc", url, "--json", "verify", file]);
    expect(asJson.code).to.equal(2);
    const { error } = json<{ ok: boolean; error: { code: string; message: string; hint: string; details: string } }>(asJson);
    expect(error).to.deep.include({
      code: "RPC_UNREACHABLE",
      message: "The network MedLedger runs on cannot be reached right now.",
      hint: "Check your connection and retry in a moment; if it keeps failing, tell the hospital's IT team.",
    });
    expect(error.details).to.contain(url);
  });

  it("an unreachable IPFS node exits 2, names its URL, and nothing is registered", async () => {
    const admin = await cli.run(["--as", "admin", "staff", "add", address("receptionist1"), "--role", "receptionist", "--name", "Rita Reyes"]);
    expect(admin.code, admin.stderr).to.equal(0);
    const request = await cli.run(["--as", "patient2", "--json", "patient", "request"]);
    const { code } = json<{ code: string }>(request);
    const ipfs = `http://127.0.0.1:${await freePort()}`;
    const result = await cli.run(["--as", "receptionist1", "--ipfs", ipfs, "patient", "register", "--code", code, "--name", "Bob Nguyen"]);
    expectUserError(result, 2, `The IPFS node at ${ipfs} cannot be reached.`);
    const patients = json<{ patients: unknown[] }>(await cli.run(["--json", "patient", "list"]));
    expect(patients.patients).to.deep.equal([]);
  });

  it("a wrong chain id or a missing contract exits 2", async () => {
    expectUserError(await cli.run(["--chain-id", "5", "verify", file]), 2, "serves chain 31337, but MedLedger is deployed on chain 5");
    expectUserError(
      await cli.run(["--contract", "0x000000000000000000000000000000000000dEaD", "verify", file]),
      2,
      "No MedLedger contract at 0x000000000000000000000000000000000000dEaD",
    );
    const noDeployment = await runCli(["--chain-id", "424242", "verify", file], { env: cleanEnv(), cwd: cli.dir });
    expectUserError(noDeployment, 2, "No MedLedger deployment is known for chain 424242");
  });

  it("refuses empty files and files over --max-bytes before anything is sent", async () => {
    const empty = join(cli.dir, "empty.pdf");
    writeFileSync(empty, new Uint8Array(0));
    expectUserError(await cli.run(["--as", "doctor1", "report", "upload", empty, "--patient", address("patient1")]), 2, "The file is empty.");
    expectUserError(await cli.run(["verify", empty]), 2, "is empty");
    expectUserError(
      await cli.run(["--as", "doctor1", "--max-bytes", "10", "report", "upload", file, "--patient", address("patient1")]),
      2,
      "over the 10 B limit",
    );
    expectUserError(await cli.run(["verify", join(cli.dir, "missing.pdf")]), 2, "Cannot read the file");
  });

  it("commands that sign need a key, and say how to configure one", async () => {
    const result = await cli.run(["report", "share", `0x${"11".repeat(32)}`, "--with", address("stranger")]);
    expectUserError(result, 2, "no signing key is configured");
    expect(result.stderr).to.contain("MEDLEDGER_PRIVATE_KEY").and.contain("--keystore");
    expectUserError(await cli.run(["report", "list"]), 2, "no signing key is configured");
    expectUserError(await cli.run(["keys", "show"], { MEDLEDGER_PRIVATE_KEY: "0x1234" }), 2, "MEDLEDGER_PRIVATE_KEY is not a private key.");
    expectUserError(await cli.run(["--as", "nobody", "keys", "show"]), 2, 'There is no demo account "nobody"');
  });

  it("signs with MEDLEDGER_PRIVATE_KEY or an encrypted keystore (password from the environment)", async () => {
    const wallet = Wallet.createRandom();
    const fromEnv = json(await cli.run(["--json", "keys", "show"], { MEDLEDGER_PRIVATE_KEY: wallet.privateKey }));
    expect(fromEnv).to.include({ account: wallet.address, published: false });

    const keystore = join(cli.dir, "keystore.json");
    writeFileSync(keystore, await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "correct horse", { scrypt: { N: 1024 } }));
    const fromKeystore = json(await cli.run(["--json", "--keystore", keystore, "keys", "show"], { MEDLEDGER_KEYSTORE_PASSWORD: "correct horse" }));
    expect(fromKeystore).to.include({ account: wallet.address });
    expectUserError(await cli.run(["--keystore", keystore, "keys", "show"], { MEDLEDGER_KEYSTORE_PASSWORD: "wrong" }), 2, "wrong password");
    expectUserError(await cli.run(["--keystore", keystore, "keys", "show"]), 2, "needs a password and there is no terminal");
    expectUserError(await cli.run(["--keystore", file, "keys", "show"], { MEDLEDGER_KEYSTORE_PASSWORD: "x" }), 2, "is not an encrypted JSON keystore");
  });

  it("refuses --as (the public demo keys) on a chain other than the local one", async () => {
    const anvil = await startAnvil(1337);
    try {
      const result = await runCli(
        [
          "--rpc",
          anvil.rpcUrl,
          "--chain-id",
          "1337",
          "--contract",
          "0x000000000000000000000000000000000000dEaD",
          "--deploy-block",
          "0",
          "--as",
          "doctor1",
          "report",
          "list",
        ],
        {
          env: cleanEnv(),
          cwd: cli.dir,
        },
      );
      expectUserError(result, 2, "--as uses the public demo keys, which are accepted on the local chain (31337) only");
      expect(result.stderr).to.contain(`serves chain 1337`);
      // Even when the configuration claims 31337, the node's real chain id decides.
      const lying = await runCli(["--rpc", anvil.rpcUrl, "--contract", "0x000000000000000000000000000000000000dEaD", "--as", "doctor1", "report", "list"], {
        env: cleanEnv(),
        cwd: cli.dir,
      });
      expectUserError(lying, 2, "serves chain 1337");
    } finally {
      await anvil.stop();
    }
  });
});
