/**
 * Deploys MedLedger to a running node through the project's Ignition module (the same path as a
 * real network's `hardhat run --network custom scripts/deploy.ts`), as the demo admin.
 */
import { rmSync } from "node:fs";
import { network } from "hardhat";
import type { Deployment } from "#core/contract/ledger.ts";
import { deployMedLedger, journalPath, type DeploymentRecord } from "#ignition/deploy.ts";

export function toDeployment(record: DeploymentRecord): Deployment {
  return { chainId: record.chainId, address: record.address, deployBlock: BigInt(record.deployBlock) };
}

/** Deploys to the node at `rpcUrl` (Hardhat's or anvil's; account #0 of the dev mnemonic is the admin). */
export async function deployLocal(rpcUrl: string): Promise<Deployment> {
  const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  // A journal of its own per node, dropped afterwards: a development node's state dies with it.
  const deploymentId = `local-${process.pid}-${new URL(rpcUrl).port}`;
  try {
    return toDeployment(await deployMedLedger(connection, { deploymentId, reset: true }));
  } finally {
    rmSync(journalPath(deploymentId), { recursive: true, force: true });
    await connection.close();
  }
}
