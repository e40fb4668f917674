/**
 * Deploys MedLedger through its Ignition module over any Hardhat network connection, and writes
 * the deployment file (`deployments/<chainId>.json`) that the core, CLI and web app read.
 * Used by `scripts/deploy.ts` (`npx hardhat run --network <name> scripts/deploy.ts`) and by
 * anything that holds a connection (the local stack, tests).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { id } from "ethers";
import { config } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import MedLedgerModule, { DEFAULT_ADMIN_TRANSFER_DELAY } from "./modules/MedLedger.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Chain ids of development nodes (Hardhat, anvil), whose state does not survive a restart. */
export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];

/** What `deployments/<chainId>.json` holds. */
export interface DeploymentRecord {
  readonly chainId: number;
  readonly address: `0x${string}`;
  readonly deployBlock: number;
  readonly admin: `0x${string}`;
}

export interface DeployOptions {
  /** The first default admin; defaults to the connection's first account. */
  readonly admin?: string;
  /** Delay in seconds of a default-admin transfer; defaults to one day. */
  readonly adminTransferDelay?: bigint;
  /** Ignition deployment id (its journal folder); defaults to `chain-<chainId>`. */
  readonly deploymentId?: string;
  /**
   * Forget an earlier Ignition journal of this deployment id and deploy anew. Defaults to true
   * on development chains (a restarted node has lost the contract the journal remembers), false
   * elsewhere (a journal on a real network resumes an interrupted deployment).
   */
  readonly reset?: boolean;
}

/** The constructor emits RoleGranted for the first admin: it marks the creation block. */
const ROLE_GRANTED_TOPIC = id("RoleGranted(bytes32,address,address)");

/**
 * Deploys MedLedger (or resumes its Ignition deployment) over `connection`.
 * @returns The deployment record; its `deployBlock` is the block of the contract's creation.
 */
export async function deployMedLedger(connection: NetworkConnection, options: DeployOptions = {}): Promise<DeploymentRecord> {
  const provider = connection.ethers.provider;
  const chainId = Number((await provider.getNetwork()).chainId);
  const deploymentId = options.deploymentId ?? `chain-${chainId}`;
  // Where Ignition keeps this deployment's journal (HTTP networks only; the path is Hardhat's).
  const journalDir = journalPath(deploymentId);
  if (options.reset ?? LOCAL_CHAIN_IDS.includes(chainId)) rmSync(journalDir, { recursive: true, force: true });

  const [deployer] = await connection.ethers.getSigners();
  const admin = options.admin ?? deployer?.address;
  if (!admin) throw new Error("The network connection has no account to deploy with.");
  const fromBlock = await provider.getBlockNumber();
  const { medLedger } = await connection.ignition.deploy(MedLedgerModule, {
    parameters: {
      MedLedger: {
        admin,
        adminTransferDelay: (options.adminTransferDelay ?? DEFAULT_ADMIN_TRANSFER_DELAY).toString(),
      },
    },
    deploymentId,
  });
  const address = (await medLedger.getAddress()) as `0x${string}`;
  const deployBlock = (await creationBlockFromLogs(connection, address, fromBlock)) ?? creationBlockFromJournal(journalDir, address);
  if (deployBlock === undefined) throw new Error(`Could not find the creation block of MedLedger at ${address}.`);
  const onChainAdmin = (await medLedger.getFunction("defaultAdmin")()) as string;
  return { chainId, address, deployBlock, admin: onChainAdmin as `0x${string}` };
}

/** Folder of Ignition's journal of deployment `deploymentId` (`ignition/deployments/<id>`). */
export function journalPath(deploymentId: string): string {
  return join(config.paths.ignition, "deployments", deploymentId);
}

/** The block of the constructor's RoleGranted event, when the contract was created since `fromBlock`. */
async function creationBlockFromLogs(connection: NetworkConnection, address: string, fromBlock: number): Promise<number | undefined> {
  const logs = await connection.ethers.provider.getLogs({ address, fromBlock, toBlock: "latest", topics: [ROLE_GRANTED_TOPIC] });
  return logs[0]?.blockNumber;
}

/** The creation block recorded in Ignition's journal (a resumed deployment created the contract earlier). */
function creationBlockFromJournal(journalDir: string, address: string): number | undefined {
  let journal: string;
  try {
    journal = readFileSync(join(journalDir, "journal.jsonl"), "utf8");
  } catch {
    return undefined;
  }
  for (const line of journal.split("\n")) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as { receipt?: { contractAddress?: string; blockNumber?: number } };
    if (entry.receipt?.contractAddress?.toLowerCase() === address.toLowerCase()) return entry.receipt.blockNumber;
  }
  return undefined;
}

/** Default folder of the deployment files. */
export const DEPLOYMENTS_DIR = join(ROOT, "deployments");

/** Writes `<dir>/<chainId>.json` and returns its path. */
export function writeDeploymentFile(record: DeploymentRecord, dir: string = DEPLOYMENTS_DIR): string {
  const file = join(dir, `${record.chainId}.json`);
  mkdirSync(dir, { recursive: true });
  const content = { chainId: record.chainId, address: record.address, deployBlock: record.deployBlock, admin: record.admin };
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}
