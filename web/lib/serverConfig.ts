/**
 * Server side: reads MEDLEDGER_* at request time through the core's one resolver, which looks the
 * deployment file up in MEDLEDGER_DEPLOYMENTS_DIR or in the repository found from the working
 * directory (bundled server code has no stable `import.meta.url`).
 */
import { isMedLedgerError } from "#core/errors.ts";
import { resolveConfig } from "#core/node/config.ts";
import { relayerSignerFromEnv } from "#core/relay/relayerSigner.ts";
import { chainNameOf, type ConfigResult } from "./publicConfig.ts";

/** The configuration for this request, or what is wrong with it. */
export function loadPublicConfig(env: NodeJS.ProcessEnv = process.env): ConfigResult {
  try {
    const config = resolveConfig({}, env);
    return {
      ok: true,
      config: {
        rpcUrl: config.rpcUrl,
        chainId: config.deployment.chainId,
        contract: config.deployment.address,
        deployBlock: config.deployment.deployBlock.toString(),
        maxFileBytes: config.maxFileBytes,
        chainName: chainNameOf(config.deployment.chainId),
        confirmations: Math.max(1, config.confirmations ?? 1),
        relayerEnabled: relayerSignerFromEnv(env) !== undefined,
        indexer: Boolean(env.MEDLEDGER_INDEXER_URL),
      },
    };
  } catch (error) {
    if (isMedLedgerError(error)) return { ok: false, problem: { message: error.message, hint: error.hint } };
    return {
      ok: false,
      problem: { message: "The server's MedLedger configuration could not be read.", hint: "Check the MEDLEDGER_* environment variables and restart the app." },
    };
  }
}
