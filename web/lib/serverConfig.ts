/**
 * Server side: reads MEDLEDGER_* at request time through the core's resolver. The deployment file
 * (deployments/<chainId>.json) is looked up from the repository root, found by walking up from the
 * working directory, because bundled server code has no stable `import.meta.url`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_DEFAULTS, parseDeploymentFile } from "#core/config.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { resolveConfig } from "#core/node/config.ts";
import { repositoryRoot } from "#server/paths.ts";
import { chainNameOf, type ConfigResult } from "./publicConfig.ts";

/** The configuration for this request, or what is wrong with it. */
export function loadPublicConfig(env: NodeJS.ProcessEnv = process.env): ConfigResult {
  try {
    const chainId = Number(env.MEDLEDGER_CHAIN_ID ?? LOCAL_DEFAULTS.chainId);
    let overrides = {};
    if (!env.MEDLEDGER_CONTRACT && Number.isInteger(chainId)) {
      const file = join(env.MEDLEDGER_DEPLOYMENTS_DIR ?? join(repositoryRoot(process.cwd()), "deployments"), `${chainId}.json`);
      if (existsSync(file)) {
        const deployment = parseDeploymentFile(JSON.parse(readFileSync(file, "utf8")), file);
        overrides = { contract: deployment.address, deployBlock: Number(deployment.deployBlock) };
      }
    }
    const config = resolveConfig(overrides, env);
    return {
      ok: true,
      config: {
        rpcUrl: config.rpcUrl,
        chainId: config.deployment.chainId,
        contract: config.deployment.address,
        deployBlock: config.deployment.deployBlock.toString(),
        ipfsApiUrl: config.ipfsApiUrl,
        maxFileBytes: config.maxFileBytes,
        chainName: chainNameOf(config.deployment.chainId),
      },
    };
  } catch (error) {
    if (isMedLedgerError(error)) return { ok: false, problem: { message: error.message, hint: error.hint } };
    return { ok: false, problem: { message: "The server's MedLedger configuration could not be read.", hint: "Check the MEDLEDGER_* environment variables and restart the app." } };
  }
}
