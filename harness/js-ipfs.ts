/**
 * js-ipfs 0.66 (npm `ipfs`) as a second, independent Kubo-RPC node for tests: installed in
 * harness/js-ipfs/ (its own package.json and lock, `npm ci --ignore-scripts` on first use: its
 * old dependency tree stays out of the root), started offline with its repository in a temporary
 * folder and its RPC API on a free port (it picks one itself: `/tcp/0`, read from its output).
 * Runs on the project's Node 24 under the local stack's supervisor, so it never outlives the test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "#core/node/config.ts";
import { childEnv, startProcess, waitUntil, type ManagedProcess } from "#local-stack/processes.ts";

const HARNESS_DIR = join(PROJECT_ROOT, "harness", "js-ipfs");
const CLI = join(HARNESS_DIR, "node_modules", "ipfs", "src", "cli.js");

export interface JsIpfsNode {
  /** The Kubo-RPC API, e.g. http://127.0.0.1:41905. */
  readonly apiUrl: string;
  readonly repoDir: string;
  stop(): Promise<void>;
}

/** Installs js-ipfs from its lock file when it is missing (offline from the npm cache once installed). */
export function ensureJsIpfsInstalled(log: (line: string) => void = () => {}): void {
  if (existsSync(CLI)) return;
  log("[js-ipfs] installing harness/js-ipfs (npm ci --ignore-scripts)…");
  execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: HARNESS_DIR,
    env: childEnv(),
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (!existsSync(CLI)) throw new Error(`npm ci in ${HARNESS_DIR} did not install ${CLI}`);
}

/** Starts an offline js-ipfs daemon with an empty repository; stop() also deletes the repository. */
export async function startJsIpfs(log: (line: string) => void = () => {}): Promise<JsIpfsNode> {
  ensureJsIpfsInstalled(log);
  const repoDir = mkdtempSync(join(tmpdir(), "medledger-js-ipfs-"));
  const env = childEnv({ IPFS_PATH: repoDir });
  try {
    execFileSync(process.execPath, [CLI, "init", "--empty-repo"], { env, stdio: ["ignore", "ignore", "inherit"] });
    const configPath = join(repoDir, "config");
    const config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
    // No swarm, no gateway, no gRPC, no discovery: the RPC API alone, on a port of its own choosing.
    config.Addresses = { Swarm: [], Announce: [], NoAnnounce: [], API: "/ip4/127.0.0.1/tcp/0", Gateway: "", RPC: "", Delegates: [] };
    config.Bootstrap = [];
    config.Discovery = { MDNS: { Enabled: false }, webRTCStar: { Enabled: false } };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  } catch (error) {
    rmSync(repoDir, { recursive: true, force: true });
    throw error;
  }
  let apiUrl: string | undefined;
  const daemon: ManagedProcess = startProcess("js-ipfs", process.execPath, [CLI, "daemon", "--offline"], env, {
    onLine: (line) => {
      const port = /HTTP API listening on \/ip4\/127\.0\.0\.1\/tcp\/(\d+)/.exec(line)?.[1];
      if (port) apiUrl = `http://127.0.0.1:${port}`;
    },
  });
  const stop = async () => {
    await daemon.stop();
    rmSync(repoDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      "js-ipfs",
      async () => {
        if (!apiUrl) return false;
        const response = await fetch(`${apiUrl}/api/v0/version`, { method: "POST" }).catch(() => undefined);
        return response?.ok ?? false;
      },
      daemon,
      60_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl: apiUrl!, repoDir, stop };
}
