/** The Ignition module and the reusable deploy function on the in-process EVM. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { deployMedLedger, writeDeploymentFile } from "#ignition/deploy.ts";
import MedLedgerModule, { DEFAULT_ADMIN_TRANSFER_DELAY } from "#ignition/modules/MedLedger.ts";
import { globalOptions } from "hardhat";
import { connection, ethers, ignition } from "./fixture.ts";

/** EIP-170: the largest runtime code a real network accepts. */
const MAX_CODE_SIZE = 24_576;

describe("MedLedger deployment (Ignition)", () => {
  it("the module defaults to the deployer as admin and a one-day delay", async () => {
    const [deployer] = await ethers.getSigners();
    const { medLedger } = await ignition.deploy(MedLedgerModule);
    expect(await medLedger.getFunction("defaultAdmin")()).to.equal(deployer!.address);
    expect(await medLedger.getFunction("defaultAdminDelay")()).to.equal(DEFAULT_ADMIN_TRANSFER_DELAY);
    expect(DEFAULT_ADMIN_TRANSFER_DELAY).to.equal(86_400n);
  });

  it("fits EIP-170's code size limit (checked without coverage instrumentation)", async function () {
    if (globalOptions.coverage) {
      // Instrumented code is larger by design; the real size is checked by the plain run.
      const { medLedger } = await ignition.deploy(MedLedgerModule);
      expect(await ethers.provider.getCode(await medLedger.getAddress())).to.not.equal("0x");
      return;
    }
    const { medLedger } = await ignition.deploy(MedLedgerModule);
    const size = ethers.getBytes(await ethers.provider.getCode(await medLedger.getAddress())).length;
    expect(size).to.be.greaterThan(0).and.at.most(MAX_CODE_SIZE);
  });

  it("deployMedLedger takes admin and delay, finds the creation block, and the file holds exactly the record", async () => {
    const signers = await ethers.getSigners();
    const admin = signers[5]!.address;
    const record = await deployMedLedger(connection, { admin, adminTransferDelay: 600n });
    expect(record.admin).to.equal(admin);
    expect(record.chainId).to.equal(31337);
    const ledger = await ethers.getContractAt("MedLedger", record.address);
    expect(await ledger.getFunction("defaultAdminDelay")()).to.equal(600n);
    expect(await ethers.provider.getCode(record.address, record.deployBlock)).to.not.equal("0x");
    expect(await ethers.provider.getCode(record.address, record.deployBlock - 1)).to.equal("0x");

    const dir = mkdtempSync(join(tmpdir(), "medledger-deploy-"));
    try {
      const file = writeDeploymentFile(record, dir);
      expect(file).to.equal(join(dir, "31337.json"));
      expect(JSON.parse(readFileSync(file, "utf8"))).to.deep.equal({
        chainId: 31337,
        address: record.address,
        deployBlock: record.deployBlock,
        admin,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
