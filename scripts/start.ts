/**
 * `npm start`: the whole system on this machine — local chain (anvil), MedLedger deployed,
 * embedded IPFS with a Kubo RPC API, demo data, and the web app. Chain, IPFS and database are kept
 * in .data/ for the next start (all or nothing; `--fresh` starts over). Ctrl-C stops everything;
 * the children also die when this process is killed (local-stack/supervisor.ts).
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { describeState, startLocalStack } from "#local-stack/index.ts";

const program = new Command("npm start")
  .description("Run MedLedger locally: chain, contract, IPFS, demo data and web app.")
  .addOption(new Option("--rpc-port <port>", "local chain (anvil) port").default(8545).argParser(Number))
  .addOption(new Option("--ipfs-port <port>", "Kubo RPC API port of the embedded IPFS node").default(5001).argParser(Number))
  .addOption(new Option("--web-port <port>", "web app port").default(3000).argParser(Number))
  .addOption(new Option("--indexer-port <port>", "indexer (list API) port").default(42069).argParser(Number))
  .option("--fresh", "discard the state kept from the last run (chain, IPFS, database) and start over")
  .option("--data-dir <dir>", "where chain, IPFS and database keep their state (default .data/)")
  .option("--no-seed", "start empty: no demo staff, patients or reports (on a fresh state)")
  .addOption(new Option("--no-deployment-file", "do not write deployments/<chainId>.json (tests)").hideHelp())
  .option("--no-web", "do not serve the web app")
  .parse();

const opts = program.opts<{
  rpcPort: number;
  ipfsPort: number;
  webPort: number;
  indexerPort: number;
  fresh?: boolean;
  dataDir?: string;
  seed: boolean;
  web: boolean;
  deploymentFile: boolean;
}>();
const started = Date.now();
const log = (line: string) => console.log(`[medledger] ${line}`);

try {
  const { deploymentFile, dataDir, ...rest } = opts;
  const stack = await startLocalStack({ ...rest, dataDir: dataDir === undefined ? undefined : resolve(dataDir), writeDeploymentFile: deploymentFile, log });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
MedLedger is running (ready in ${seconds} s).
${describeState(stack.state)}

  Web app        ${stack.webUrl ?? "(not served: --no-web)"}
  Indexer (lists) ${stack.indexerUrl}   index in ${stack.indexerDatabase}
  Ethereum RPC   ${stack.rpcUrl}   chain ${stack.deployment.chainId}
  Contract       ${stack.deployment.address}
  IPFS (Kubo RPC) ${stack.ipfsApiUrl}
${
  stack.seeded
    ? `
Demo accounts (public development keys — local chain only; pick them in the app's dev wallet,
or use them in the CLI with --as <name>):
${DEMO_PEOPLE.map((p) => `  ${p.handle.padEnd(14)} ${p.role.padEnd(13)} ${demoAccount(p).address}  ${p.displayName}`).join("\n")}
`
    : ""
}
Try:  npm run medledger -- report list --as patient1
Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await stack.stop();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  process.on("SIGHUP", shutdown);
  // Our parent (npm) gone — killed, say — means nobody watches this stack any more: stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown();
  }, 1_000).unref();
} catch (error) {
  console.error(`\nMedLedger could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
