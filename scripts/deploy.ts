/**
 * Deploys MedLedger through Hardhat Ignition and writes deployments/<chainId>.json.
 *
 *   npx hardhat run --network localhost scripts/deploy.ts
 *   RPC_URL=https://… DEPLOYER_PRIVATE_KEY=0x… npx hardhat run --network custom scripts/deploy.ts
 *
 * Environment (all optional):
 * - RPC_URL: with `--network localhost`, the node's URL instead of http://127.0.0.1:8545
 *   (with `--network custom` it is the network's URL, as hardhat.config.ts says).
 * - MEDLEDGER_ADMIN: the first admin (default: the deploying account).
 * - MEDLEDGER_ADMIN_DELAY: admin transfer delay in seconds (default: 86400).
 * - MEDLEDGER_DEPLOYMENT_ID: Ignition deployment id (default: chain-<chainId>).
 * - MEDLEDGER_RESET=1|0: forget an earlier Ignition journal (default: 1 on development chains).
 * - MEDLEDGER_DEPLOYMENTS_DIR: where to write <chainId>.json (default: deployments/).
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { z } from "zod";
import { addressSchema } from "#core/validation.ts";
import { deployMedLedger, writeDeploymentFile, DEPLOYMENTS_DIR } from "#ignition/deploy.ts";

const env = z
  .object({
    RPC_URL: z.string().url().optional(),
    MEDLEDGER_ADMIN: z.optional(addressSchema),
    MEDLEDGER_ADMIN_DELAY: z.coerce.bigint().nonnegative().optional(),
    MEDLEDGER_DEPLOYMENT_ID: z
      .string()
      .regex(/^[\w-]+$/)
      .optional(),
    MEDLEDGER_RESET: z.enum(["0", "1"]).optional(),
    MEDLEDGER_DEPLOYMENTS_DIR: z.string().min(1).optional(),
  })
  .safeParse(process.env);
if (!env.success) {
  const issue = env.error.issues[0];
  console.error(`Environment variable ${String(issue?.path[0])} is invalid: ${issue?.message}.`);
  process.exit(1);
}
const settings = env.data;

/** The selected network; a localhost-like network follows RPC_URL when it is set. */
async function connect(): Promise<NetworkConnection> {
  const selected = await network.create();
  if (selected.networkName !== "localhost" || !settings.RPC_URL) return selected;
  await selected.close();
  return network.create({ network: "localhost", override: { url: settings.RPC_URL } });
}

const connection = await connect();
try {
  const record = await deployMedLedger(connection, {
    admin: settings.MEDLEDGER_ADMIN,
    adminTransferDelay: settings.MEDLEDGER_ADMIN_DELAY,
    deploymentId: settings.MEDLEDGER_DEPLOYMENT_ID,
    reset: settings.MEDLEDGER_RESET === undefined ? undefined : settings.MEDLEDGER_RESET === "1",
  });
  const file = writeDeploymentFile(record, settings.MEDLEDGER_DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR);
  console.log(
    `MedLedger deployed on chain ${record.chainId} (${connection.networkName}) at ${record.address}, block ${record.deployBlock}, admin ${record.admin}`,
  );
  console.log(`Wrote ${file}`);
} finally {
  await connection.close();
}
