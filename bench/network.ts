/**
 * Real-network figures (issue "runs on a real network"), merged into bench/results/perf.json:
 * - `cliListThroughCappedRpcMs`: `medledger report list` of a patient, no indexer, through a
 *   JSON-RPC proxy capping `eth_getLogs` at 10,000 blocks (and 10,000 results) the way providers
 *   answer, over more than 1,000,000 blocks of history (the Hardhat EVM mines them in seconds;
 *   anvil would take hours). The time of the whole CLI process, start to exit.
 * - `parallelUploads10SameDoctorFirstTry`: 10 `medledger report upload` processes of one doctor
 *   started at once on the local stack (anvil): how many succeed on their first try.
 * Run with `hardhat run bench/network.ts` (part of `npm run bench`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { createPublicClient, createWalletClient, custom, defineChain, toHex, type EIP1193Provider, type Transport } from "viem";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { uploadReport } from "#core/reports/upload.ts";
import { cleanEnv, runCli } from "#harness/cli/run.ts";
import { startCappedProxy } from "#harness/rpc/cappedProxy.ts";
import { deployMedLedger } from "#ignition/deploy.ts";
import { toDeployment } from "#local-stack/deploy.ts";
import { startLocalStack } from "#local-stack/index.ts";
import { openHeliaStore } from "#local-stack/ipfs/heliaStore.ts";
import { startKuboRpcServer } from "#local-stack/ipfs/kuboRpcServer.ts";
import { freePort } from "#local-stack/processes.ts";
import { randomReportPdf as benchReportPdf, seedClinic, seedDoctorAndPatient } from "#harness/data/manyReports.ts";
import { writeResults } from "./stats.ts";

const log = (line: string) => console.log(`[bench:network] ${line}`);
const person = (handle: string) => demoAccount(DEMO_PEOPLE.find((p) => p.handle === handle)!);

async function cliListThroughCappedRpc(): Promise<Record<string, number>> {
  const connection = await network.create();
  const dir = mkdtempSync(join(tmpdir(), "medledger-bench-network-"));
  const store = await openHeliaStore(join(dir, "ipfs"));
  const ipfs = await startKuboRpcServer({ store, host: "127.0.0.1", port: await freePort() });
  try {
    const provider = connection.provider as unknown as EIP1193Provider;
    const transport: Transport = custom(provider);
    const deployment = toDeployment(await deployMedLedger(connection));
    const chain = defineChain({
      id: deployment.chainId,
      name: "bench",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: ["http://in-process"] } },
    });
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 });
    const as = (handle: string): LedgerWriter => ({
      publicClient,
      walletClient: createWalletClient({ account: person(handle), chain, transport }),
      deployment,
    });
    const mine = (blocks: number) => provider.request({ method: "hardhat_mine" as never, params: [toHex(blocks)] as never });
    const kubo = createKuboStore(ipfs.url);

    log("mining 300,000 blocks, setting up the clinic, 2 reports 700,000 blocks apart, 100,000 blocks more");
    await mine(300_000);
    await seedClinic(as, deployment, kubo);
    await mine(400_000);
    const patient = person("patient1").address;
    await uploadReport(as("doctor1"), kubo, { file: await benchReportPdf(4), patient });
    await mine(300_000);
    await uploadReport(as("doctor1"), kubo, { file: await benchReportPdf(4), patient });
    await mine(100_000);
    const blocks = Number((await publicClient.getBlockNumber()) - deployment.deployBlock);

    const capped = await startCappedProxy({ upstream: provider, maxBlockRange: 10_000, maxResults: 10_000 });
    try {
      const env = cleanEnv({
        MEDLEDGER_CHAIN_ID: String(deployment.chainId),
        MEDLEDGER_CONTRACT: deployment.address,
        MEDLEDGER_DEPLOY_BLOCK: String(deployment.deployBlock),
        MEDLEDGER_IPFS_API_URL: ipfs.url,
        MEDLEDGER_STATE_DIR: join(dir, "state"),
      });
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const result = await runCli(["--rpc", capped.url, "report", "list", "--as", "patient1", "--json"], { env, cwd: dir });
        times.push(performance.now() - started);
        const listed = (JSON.parse(result.stdout) as { reports: unknown[] }).reports.length;
        if (result.code !== 0 || listed !== 2) throw new Error(`report list failed (exit ${result.code}, ${listed} reports): ${result.stderr}`);
      }
      const refused = capped.calls.filter((call) => call.outcome !== "answered").length;
      if (refused > 0) throw new Error(`${refused} eth_getLogs calls went over the provider's caps`);
      const calls = capped.calls.length / 3;
      const median = times.sort((a, b) => a - b)[1]!;
      log(`report list over ${blocks} blocks: ${median.toFixed(0)} ms (median of 3), ${calls} eth_getLogs calls each, every one within the cap`);
      return { cliListThroughCappedRpcMs: Math.round(median), cliListThroughCappedRpcBlocks: blocks, cliListThroughCappedRpcGetLogsCalls: calls };
    } finally {
      await capped.close();
    }
  } finally {
    await ipfs.close();
    await store.close();
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function parallelUploads(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "medledger-bench-parallel-"));
  const stack = await startLocalStack({
    rpcPort: await freePort(),
    ipfsPort: await freePort(),
    dataDir: join(dir, "data"),
    seed: false,
    web: false,
    writeDeploymentFile: false,
  });
  try {
    await seedDoctorAndPatient(stack);
    const env = cleanEnv({
      MEDLEDGER_RPC_URL: stack.rpcUrl,
      MEDLEDGER_CHAIN_ID: String(stack.deployment.chainId),
      MEDLEDGER_CONTRACT: stack.deployment.address,
      MEDLEDGER_DEPLOY_BLOCK: String(stack.deployment.deployBlock),
      MEDLEDGER_IPFS_API_URL: stack.ipfsApiUrl,
      MEDLEDGER_STATE_DIR: join(dir, "state"),
    });
    const files = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const path = join(dir, `parallel-${i}.pdf`);
        writeFileSync(path, await benchReportPdf(16));
        return path;
      }),
    );
    const patient = person("patient1").address;
    const started = performance.now();
    const results = await Promise.all(
      files.map((file) => runCli(["--as", "doctor1", "report", "upload", file, "--patient", patient, "--json"], { env, cwd: dir })),
    );
    const elapsed = performance.now() - started;
    const succeeded = results.filter((r) => r.code === 0).length;
    for (const failed of results.filter((r) => r.code !== 0)) log(`failed: ${failed.stderr.trim().split("\n")[0]}`);
    log(`10 parallel uploads of one doctor: ${succeeded} succeeded first try, in ${elapsed.toFixed(0)} ms`);
    return { parallelUploads10SameDoctorFirstTry: succeeded, parallelUploads10SameDoctorMs: Math.round(elapsed) };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const figures = { ...(await cliListThroughCappedRpc()), ...(await parallelUploads()) };
const path = writeResults("perf", figures);
console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })));
console.log(`written to ${path}`);
