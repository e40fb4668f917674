/**
 * MedLedger on anvil, an EVM node independent of Hardhat's: the deploy script (Ignition module)
 * deploys it through the `custom` network (RPC_URL + DEPLOYER_PRIVATE_KEY), then a Hardhat
 * connection to the node adds a doctor and reads the record back; the reusable
 * `deployMedLedger` also deploys over that connection.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { globalOptions, network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { deployMedLedger, journalPath, type DeploymentRecord } from "#ignition/deploy.ts";
import type { MedLedger } from "#types/ethers-contracts/index.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "node_modules", ".bin");
/** anvil's (and Hardhat's) first development key: public, local chains only. */
const DEV_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_ADDRESS_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolveRun(output) : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

async function waitForRpc(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`anvil did not answer at ${url}`);
}

describe("MedLedger on anvil", function () {
  this.timeout(120_000);

  let anvil: ChildProcess | undefined;
  let url = "";
  let work = "";
  let connection: NetworkConnection | undefined;
  /** Ignition deployment ids of this run (their journals are removed at the end). */
  const ids: string[] = [];

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    ids.push(`test-anvil-${port}-script`, `test-anvil-${port}-reusable`);
    work = mkdtempSync(join(tmpdir(), "medledger-anvil-"));
    // Under `--coverage` the artifacts hold instrumented bytecode, larger than EIP-170's 24 KiB:
    // only then is anvil's size limit lifted (deploy.test.ts checks the real size against it).
    const limit = globalOptions.coverage ? ["--disable-code-size-limit"] : [];
    anvil = spawn(join(BIN, "anvil"), ["--port", String(port), "--host", "127.0.0.1", "--silent", ...limit], { stdio: "ignore" });
    await waitForRpc(url, anvil);
  });

  after(async () => {
    await connection?.close();
    if (anvil && anvil.exitCode === null) {
      const exited = new Promise((r) => anvil!.once("exit", r));
      anvil.kill("SIGTERM");
      await exited;
    }
    if (work) rmSync(work, { recursive: true, force: true });
    for (const id of ids) rmSync(journalPath(id), { recursive: true, force: true });
  });

  it("deploys with `hardhat run --network custom scripts/deploy.ts`, adds a doctor and reads it back", async () => {
    const deployments = join(work, "deployments");
    const output = await run(join(BIN, "hardhat"), ["run", "--no-compile", "--network", "custom", "scripts/deploy.ts"], {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH ?? ""}`,
      RPC_URL: url,
      DEPLOYER_PRIVATE_KEY: DEV_KEY_0,
      MEDLEDGER_DEPLOYMENTS_DIR: deployments,
      MEDLEDGER_DEPLOYMENT_ID: ids[0],
    });
    expect(output).to.match(/MedLedger deployed on chain 31337 \(custom\)/);
    const record = JSON.parse(readFileSync(join(deployments, "31337.json"), "utf8")) as DeploymentRecord;
    expect(Object.keys(record).sort()).to.deep.equal(["address", "admin", "chainId", "deployBlock"]);
    expect(record.chainId).to.equal(31337);
    expect(record.admin).to.equal(DEV_ADDRESS_0);
    expect(record.deployBlock).to.be.a("number").and.to.be.greaterThan(0);

    connection = await network.create({ network: "localhost", override: { url } });
    const { ethers } = connection;
    expect(await ethers.provider.getCode(record.address)).to.not.equal("0x");
    const creation = await ethers.provider.getCode(record.address, record.deployBlock - 1);
    expect(creation, "no code before the recorded deploy block").to.equal("0x");

    const signers = await ethers.getSigners();
    const admin = signers[0]!;
    const doctor = signers[3]!;
    const ledger = (await ethers.getContractAt("MedLedger", record.address, admin)) as unknown as MedLedger;
    const role = await ledger.DOCTOR_ROLE();
    const profile = { name: "Dr. Ada Lovelace", department: "Cardiology", contact: "ada@example.org" };
    await (await ledger.addStaff(doctor.address, role, profile)).wait();
    const member = await ledger.staffMember(doctor.address);
    expect(member.role).to.equal(role);
    expect(member.active).to.equal(true);
    const hash = connection.ethers.keccak256(
      connection.ethers.AbiCoder.defaultAbiCoder().encode(["tuple(string,string,string)"], [[profile.name, profile.department, profile.contact]]),
    );
    expect(member.profileHash).to.equal(hash);
    expect(await ledger.hasRole(role, doctor.address)).to.equal(true);
  });

  it("deploys again through the reusable deployMedLedger over a Hardhat connection to the node", async () => {
    connection ??= await network.create({ network: "localhost", override: { url } });
    const record = await deployMedLedger(connection, { deploymentId: ids[1], adminTransferDelay: 3600n });
    expect(record.chainId).to.equal(31337);
    const ledger = (await connection.ethers.getContractAt("MedLedger", record.address)) as unknown as MedLedger;
    expect(await ledger.defaultAdmin()).to.equal(record.admin);
    expect(await ledger.defaultAdminDelay()).to.equal(3600n);
    const receipt = await connection.ethers.provider.getCode(record.address, record.deployBlock);
    expect(receipt).to.not.equal("0x");
  });
});
