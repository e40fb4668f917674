import { createRequire } from "node:module";
import { join } from "node:path";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * solc comes from the `solc` npm package (no compiler download at any step):
 * Hardhat does not check that `version` matches the file, so read it from the package.
 */
const solcVersion: string = (require("solc/package.json") as { version: string }).version;
const solcPath: string = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  // The spec reporter, plus each test file's wall time at the end (where the suites' time goes).
  test: {
    mocha: {
      reporter: join(import.meta.dirname, "test", "support", "timingReporter.cjs"),
      rootHooks: {
        // What test helpers keep for later files (spare browser stacks, harness/browser/stack.ts) ends after the last one.
        afterAll: async function (this: Mocha.Context) {
          this.timeout(180_000);
          const registry = globalThis as unknown as Record<symbol, (() => Promise<void>)[] | undefined>;
          for (const work of registry[Symbol.for("medledger.test.runEnd")]?.splice(0) ?? []) await work();
        },
      },
    },
  },
  solidity: {
    profiles: {
      default: {
        version: solcVersion,
        path: solcPath,
        settings: {
          evmVersion: "cancun",
          optimizer: { enabled: true, runs: 200 },
          viaIR: true,
        },
      },
      production: {
        version: solcVersion,
        path: solcPath,
        settings: {
          evmVersion: "cancun",
          optimizer: { enabled: true, runs: 200 },
          viaIR: true,
        },
      },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    /** Any EVM network, by configuration alone: RPC_URL and DEPLOYER_PRIVATE_KEY from the environment or the keystore. */
    custom: {
      type: "http",
      chainType: "l1",
      url: configVariable("RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
