/**
 * The records custodian's worker as a process of its own (`npm run custody`), for a deployment:
 * the chain and contract from the usual configuration (core/node/config.ts: MEDLEDGER_RPC_URL,
 * MEDLEDGER_CONTRACT, …), the custodian from MEDLEDGER_CUSTODIAN_KEY and MEDLEDGER_CUSTODIAN_SECRET
 * (server/custody/local.ts). `npm start` runs the same worker inside the local stack.
 */
import { resolveConfig } from "#core/node/config.ts";
import { isMedLedgerError } from "#core/errors.ts";
import { custodianFromEnv } from "./local.ts";
import { startCustodyWorker } from "./worker.ts";

try {
  const config = resolveConfig();
  const custodian = custodianFromEnv(config, process.env, { dev: config.deployment.chainId === 31337 });
  if (!custodian) {
    console.error("No records custodian is configured: set MEDLEDGER_CUSTODIAN_KEY and MEDLEDGER_CUSTODIAN_SECRET.");
    process.exit(2);
  }
  const worker = startCustodyWorker({
    custodian: custodian.writer,
    keystore: custodian.keystore,
    confirmations: config.confirmations,
    log: (line) => console.log(line),
  });
  console.log(`records custodian ${custodian.keystore.account} watching MedLedger ${config.deployment.address} on chain ${config.deployment.chainId}`);
  const stop = () => void worker.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(isMedLedgerError(error) ? `${error.message}\n${error.hint}` : error);
  process.exit(1);
}
