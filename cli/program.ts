/**
 * The `medledger` command-line program: global options, the command groups, and one place where
 * errors become "Error: … / What to do: …" and an exit code (0 ok, 1 refused or failed,
 * 2 usage or connection error; `verify` adds 1 = not registered, 3 = mismatch or superseded).
 */
import { Command, CommanderError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerAuditCommands } from "./commands/audit.ts";
import { registerGuardianCommands } from "./commands/guardian.ts";
import { registerExportCommand } from "./commands/export.ts";
import { registerEmergencyCommands } from "./commands/emergency.ts";
import { registerKeysCommands } from "./commands/keys.ts";
import { registerPatientCommands } from "./commands/patient.ts";
import { registerReportCommands } from "./commands/report.ts";
import { registerStaffCommands } from "./commands/staff.ts";
import { registerVerifyCommand } from "./commands/verify.ts";
import { EXIT, printError, type CliRun } from "./output.ts";
import { addressOption, httpUrl, nonNegativeInt, positiveInt } from "./validate.ts";

const ENVIRONMENT_HELP = `
Configuration (flags override environment variables, which override deployments/<chainId>.json):
  MEDLEDGER_RPC_URL, MEDLEDGER_CHAIN_ID, MEDLEDGER_CONTRACT, MEDLEDGER_DEPLOY_BLOCK, MEDLEDGER_IPFS_API_URL,
  MEDLEDGER_MAX_FILE_BYTES, MEDLEDGER_CONFIRMATIONS (default 1),
  MEDLEDGER_FINALITY_BLOCKS (blocks until a registration is final: 0 on the local chain, else 64)
Signing key (commands that send or sign; never a flag):
  MEDLEDGER_PRIVATE_KEY=0x…               a raw private key
  --keystore <file> / MEDLEDGER_KEYSTORE  an encrypted JSON keystore; password from
                                          MEDLEDGER_KEYSTORE_PASSWORD or a hidden prompt
  --as <handle>                           a demo account, on the local chain (31337) only
Upload retries are kept in MEDLEDGER_STATE_DIR (default ./.medledger)/pending until final;
\`medledger report pending\` settles them (registers again what a reorganisation removed).
Relayer (patients without ETH): --relay <url> / MEDLEDGER_RELAY_URL, the MedLedger server's address.
Access history: --server <url> / MEDLEDGER_SERVER_URL (else the relay's server): \`report read\` logs
the opening there, proven with your key; without a server nothing is logged (the CLI says so).

Examples:
  medledger verify report.pdf
  medledger --as doctor1 report upload report.pdf --patient 0x976E…0aa9
  medledger --as patient1 report share 0x5f2c… --with 0x9965…A4dc
  medledger --as patient1 export --out bundle.json
`;

/** Builds the program; `run` receives its output and exit code (tests pass buffers). */
export function buildProgram(run: CliRun): Command {
  const program = new Command();
  program
    .name("medledger")
    .description("MedLedger: encrypted medical reports on IPFS, their digests and access rights on Ethereum.")
    .version(packageJson.version, "-V, --version")
    .addOption(new Option("--rpc <url>", "Ethereum JSON-RPC URL").argParser(httpUrl))
    .addOption(new Option("--chain-id <n>", "chain id MedLedger is deployed on").argParser(positiveInt))
    .addOption(new Option("--contract <address>", "MedLedger contract address").argParser(addressOption))
    .addOption(new Option("--deploy-block <n>", "block the contract was deployed in (where listings start)").argParser(nonNegativeInt))
    .addOption(new Option("--ipfs <url>", "IPFS (Kubo RPC) API URL").argParser(httpUrl))
    .addOption(new Option("--max-bytes <n>", "largest report file accepted, in bytes").argParser(positiveInt))
    .option("--as <handle>", "sign as a demo account (local chain only), e.g. doctor1, patient1, receptionist1, admin")
    .option("--keystore <file>", "sign with the key of an encrypted JSON keystore file")
    .option("--json", "machine-readable JSON output on stdout")
    .addOption(
      new Option(
        "--relay <url>",
        "send your patient actions (share, revoke, re-key, key rotation) through the hospital's relayer at this MedLedger server: you sign, it pays",
      ).argParser(httpUrl),
    )
    .addOption(
      new Option("--server <url>", "the hospital's MedLedger server, where `report read` logs the opening in the patient's access history").argParser(httpUrl),
    )
    .addHelpText("after", ENVIRONMENT_HELP)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => run.io.out(s), writeErr: (s) => run.io.err(s) });

  registerVerifyCommand(program, run);
  registerReportCommands(program, run);
  registerStaffCommands(program, run);
  registerPatientCommands(program, run);
  registerKeysCommands(program, run);
  registerAuditCommands(program, run);
  registerGuardianCommands(program, run);
  registerExportCommand(program, run);
  registerEmergencyCommands(program, run);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], run: CliRun): Promise<number> {
  const program = buildProgram(run);
  const json = argv.includes("--json");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; any parsing problem is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return printError(run, error, json);
  }
}
