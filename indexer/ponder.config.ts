/**
 * The MedLedger indexer (Ponder): one chain, one contract, every event. Configured from the same
 * MEDLEDGER_* variables as the web app and the CLI. The database is PostgreSQL when DATABASE_URL is
 * set (with its own schema: `ponder start --schema` or DATABASE_SCHEMA), else embedded PGlite in
 * MEDLEDGER_INDEXER_DATA_DIR (default indexer/.ponder/pglite).
 */
import { createConfig } from "ponder";
import { medLedgerAbi } from "#core/contract/generated/medLedger.ts";
import { indexerSettings } from "#core/indexer/settings.ts";

const settings = indexerSettings(process.env);

export default createConfig({
  database: settings.databaseUrl
    ? { kind: "postgres", connectionString: settings.databaseUrl }
    : { kind: "pglite", directory: settings.pgliteDir ?? ".ponder/pglite" },
  chains: {
    medledger: {
      id: settings.chainId,
      rpc: settings.rpcUrl,
      pollingInterval: settings.pollingIntervalMs,
      ...(settings.maxBlockRange === undefined ? {} : { ethGetLogsBlockRange: settings.maxBlockRange }),
    },
  },
  contracts: {
    MedLedger: {
      chain: "medledger",
      abi: medLedgerAbi,
      address: settings.contract,
      startBlock: settings.deployBlock,
    },
  },
});
