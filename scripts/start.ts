/**
 * `npm start`: the whole system on this machine — Hardhat node, MedLedger deployed, embedded IPFS
 * with a Kubo RPC API, demo data, and the web app. Ctrl-C stops everything.
 */
import { Command, Option } from "commander";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { startLocalStack } from "#local-stack/index.ts";

const program = new Command("npm start")
  .description("Run MedLedger locally: chain, contract, IPFS, demo data and web app.")
  .addOption(new Option("--rpc-port <port>", "Hardhat node port").default(8545).argParser(Number))
  .addOption(new Option("--ipfs-port <port>", "Kubo RPC API port of the embedded IPFS node").default(5001).argParser(Number))
  .addOption(new Option("--web-port <port>", "web app port").default(3000).argParser(Number))
  .option("--no-seed", "start empty: no demo staff, patients or reports")
  .option("--no-web", "do not serve the web app")
  .parse();

const opts = program.opts<{ rpcPort: number; ipfsPort: number; webPort: number; seed: boolean; web: boolean }>();
const started = Date.now();
const log = (line: string) => console.log(`[medledger] ${line}`);

try {
  const stack = await startLocalStack({ ...opts, log });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
MedLedger is running (ready in ${seconds} s).

  Web app        ${stack.webUrl ?? "(not served: --no-web)"}
  Ethereum RPC   ${stack.rpcUrl}   chain ${stack.deployment.chainId}
  Contract       ${stack.deployment.address}
  IPFS (Kubo RPC) ${stack.ipfsApiUrl}
${opts.seed ? `
Demo accounts (public development keys — local chain only; pick them in the app's dev wallet,
or use them in the CLI with --as <name>):
${DEMO_PEOPLE.map((p) => `  ${p.handle.padEnd(14)} ${p.role.padEnd(13)} ${demoAccount(p).address}  ${p.displayName}`).join("\n")}
` : ""}
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
} catch (error) {
  console.error(`\nMedLedger could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
