/** The one configuration resolver: overrides > environment > deployment file (MEDLEDGER_DEPLOYMENTS_DIR or the repository's). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { deploymentsDir, PROJECT_ROOT, repositoryRoot, resolveConfig } from "#core/node/config.ts";

const A = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const B = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

describe("Configuration: one resolver for the CLI, the web server and scripts", function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "medledger-config-"));
    mkdirSync(join(dir, "repo", "deployments"), { recursive: true });
    mkdirSync(join(dir, "repo", "web", ".next"), { recursive: true });
    writeFileSync(join(dir, "repo", "package.json"), JSON.stringify({ name: "medledger" }));
    writeFileSync(join(dir, "repo", "deployments", "31337.json"), JSON.stringify({ chainId: 31337, address: A.toLowerCase(), deployBlock: 7 }));
    mkdirSync(join(dir, "elsewhere"), { recursive: true });
    writeFileSync(join(dir, "elsewhere", "31337.json"), JSON.stringify({ chainId: 31337, address: B, deployBlock: 9 }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the repository from the working directory (as bundled server code must), else falls back", function () {
    expect(repositoryRoot(join(dir, "repo", "web", ".next"))).to.equal(join(dir, "repo"));
    expect(repositoryRoot(join(dir, "elsewhere"))).to.equal(join(dir, "elsewhere"));
    expect(deploymentsDir({}, join(dir, "repo", "web"))).to.equal(join(dir, "repo", "deployments"));
    expect(deploymentsDir({}, join(dir, "elsewhere"))).to.equal(join(PROJECT_ROOT, "deployments"));
  });

  it("reads the deployment file from the repository, or from MEDLEDGER_DEPLOYMENTS_DIR", function () {
    const fromRepo = resolveConfig({}, {}, join(dir, "repo", "web"));
    expect(fromRepo.deployment).to.deep.equal({ chainId: 31337, address: A, deployBlock: 7n });
    const fromDir = resolveConfig({}, { MEDLEDGER_DEPLOYMENTS_DIR: join(dir, "elsewhere") }, join(dir, "repo"));
    expect(fromDir.deployment).to.deep.equal({ chainId: 31337, address: B, deployBlock: 9n });
  });

  it("overrides beat the environment, which beats the file; addresses follow the one rule", function () {
    const env = { MEDLEDGER_CONTRACT: B.toLowerCase(), MEDLEDGER_DEPLOY_BLOCK: "3" };
    expect(resolveConfig({}, env, join(dir, "repo")).deployment).to.deep.equal({ chainId: 31337, address: B, deployBlock: 3n });
    expect(resolveConfig({ contract: A, deployBlock: 1 }, env, join(dir, "repo")).deployment.address).to.equal(A);
    expect(() => resolveConfig({}, { MEDLEDGER_CONTRACT: "0x1234" }, dir))
      .to.throw(/MEDLEDGER_CONTRACT is invalid/)
      .with.property("code", "CONFIG");
    expect(() => resolveConfig({ chainId: 424242 }, {}, join(dir, "repo"))).to.throw(/No MedLedger deployment is known for chain 424242/);
  });

  it("never guesses the deployment block of a contract on a real network (listings would scan from block 0)", function () {
    expect(() => resolveConfig({}, { MEDLEDGER_CHAIN_ID: "11155111", MEDLEDGER_CONTRACT: A }, dir))
      .to.throw(/given without the block it was deployed in/)
      .with.property("code", "CONFIG");
    expect(
      resolveConfig({}, { MEDLEDGER_CHAIN_ID: "11155111", MEDLEDGER_CONTRACT: A, MEDLEDGER_DEPLOY_BLOCK: "7000000" }, dir).deployment.deployBlock,
    ).to.equal(7_000_000n);
    // The local development chain is short: from block 0 is honest there.
    expect(resolveConfig({}, { MEDLEDGER_CONTRACT: A }, dir).deployment.deployBlock).to.equal(0n);
  });

  it("confirmations and the finality depth: from the environment, else 1 and the chain's default (0 locally, 64 elsewhere)", function () {
    const local = resolveConfig({}, { MEDLEDGER_CONTRACT: A }, dir);
    expect([local.confirmations, local.finalityBlocks]).to.deep.equal([1, 0]);
    const remote = resolveConfig({}, { MEDLEDGER_CHAIN_ID: "1", MEDLEDGER_CONTRACT: A, MEDLEDGER_DEPLOY_BLOCK: "1" }, dir);
    expect([remote.confirmations, remote.finalityBlocks]).to.deep.equal([1, 64]);
    const set = resolveConfig({}, { MEDLEDGER_CONTRACT: A, MEDLEDGER_CONFIRMATIONS: "3", MEDLEDGER_FINALITY_BLOCKS: "12" }, dir);
    expect([set.confirmations, set.finalityBlocks]).to.deep.equal([3, 12]);
    expect(() => resolveConfig({}, { MEDLEDGER_CONTRACT: A, MEDLEDGER_CONFIRMATIONS: "0" }, dir)).to.throw(/MEDLEDGER_CONFIRMATIONS is invalid/);
  });
});
