/**
 * Core benchmark on the local stack (anvil over HTTP, embedded IPFS behind its Kubo RPC
 * API — what a user of `npm start` gets): hash, encrypt, store, register and read for 1 KB … 50 MB,
 * a whole 1 MB upload, verification of 10 MB against coreutils, and memory while hashing a stream.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { digestFile } from "#core/crypto/digests.ts";
import { encryptReport, generateReportKey } from "#core/crypto/reportCipher.ts";
import { ensureKeyPublished, unlockIdentity } from "#core/identity/encryptionKey.ts";
import { createKuboStore } from "#core/ipfs/kuboStore.ts";
import { createLedgerReader, createLedgerWriter } from "#core/node/clients.ts";
import { assignDoctor, registerPatient } from "#core/patients/patients.ts";
import { createRegistrationRequest } from "#core/patients/registration.ts";
import { readReport } from "#core/reports/read.ts";
import { prepareReport, submitReport, type PreparedReport } from "#core/reports/upload.ts";
import { addStaff } from "#core/staff/staff.ts";
import { verifyDigests } from "#core/verify/verify.ts";
import { digestPath } from "#core/node/files.ts";
import { randomReportPdf as benchReportPdf } from "#harness/data/manyReports.ts";
import { DEMO_PEOPLE } from "#core/dev/demoAccounts.ts";
import { demoAccount } from "#core/dev/demoKeys.ts";
import { startLocalStack } from "#local-stack/index.ts";
import { freePort } from "#local-stack/processes.ts";
import { medianMs, round } from "./stats.ts";

const SIZES = [
  ["1KB", 1024, 9],
  ["1MB", 1024 * 1024, 9],
  ["10MB", 10 * 1024 * 1024, 5],
  ["50MB", 50 * 1024 * 1024, 3],
] as const;

export async function benchCore(log: (line: string) => void): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), "medledger-bench-"));
  const stack = await startLocalStack({
    rpcPort: await freePort(),
    ipfsPort: await freePort(),
    indexerPort: await freePort(),
    dataDir,
    seed: false,
    web: false,
    writeDeploymentFile: false,
  });
  const figures: Record<string, number> = {};
  try {
    const config = { rpcUrl: stack.rpcUrl, ipfsApiUrl: stack.ipfsApiUrl, deployment: stack.deployment, maxFileBytes: 64 * 1024 * 1024 };
    const store = createKuboStore(stack.ipfsApiUrl);
    const as = (handle: string) => createLedgerWriter(config, demoAccount(DEMO_PEOPLE.find((p) => p.handle === handle)!));
    const admin = as("admin"),
      reception = as("receptionist1"),
      doctor = as("doctor1"),
      patient = as("patient1");
    await addStaff(admin, reception.walletClient.account.address, "receptionist", { name: "R", department: "", contact: "" });
    await addStaff(admin, doctor.walletClient.account.address, "doctor", { name: "D", department: "", contact: "" });
    const ids = new Map<string, Awaited<ReturnType<typeof unlockIdentity>>>();
    for (const [h, w] of [
      ["receptionist1", reception],
      ["doctor1", doctor],
      ["patient1", patient],
    ] as const)
      ids.set(h, await unlockIdentity(w.walletClient, stack.deployment));
    await ensureKeyPublished(reception, ids.get("receptionist1")!);
    await ensureKeyPublished(doctor, ids.get("doctor1")!);
    const request = await createRegistrationRequest(patient, patient.walletClient, ids.get("patient1")!);
    await registerPatient(reception, store, request, { name: "Bench Patient", dateOfBirth: "", phone: "", email: "", notes: "" });
    await assignDoctor(reception, patient.walletClient.account.address, doctor.walletClient.account.address);
    const patientAddress = patient.walletClient.account.address;
    const reader = createLedgerReader(config);

    for (const [label, size, runs] of SIZES) {
      const file = new Uint8Array(randomBytes(size));
      const { sha256 } = await digestFile(file);
      const key = generateReportKey();
      const ciphertext = await encryptReport(file, key, sha256);
      figures[`hash${label}MedianMs`] = await medianMs(runs, () => digestFile(file));
      figures[`encrypt${label}MedianMs`] = await medianMs(runs, () => encryptReport(file, key, sha256));
      figures[`store${label}MedianMs`] = await medianMs(runs, (i) => {
        const copy = Uint8Array.from(ciphertext);
        copy[0] = (i + 2) & 0xff; // distinct content each run: no deduplication shortcut
        return store.add(copy);
      });
      // Register and read: fresh files, prepared outside the timed part.
      const prepared: { file: Uint8Array; prepared: PreparedReport }[] = [];
      for (let i = 0; i <= runs; i++) {
        const f = await benchReportPdf(size);
        prepared.push({ file: f, prepared: await prepareReport(doctor, store, { file: f, patient: patientAddress }, { maxBytes: config.maxFileBytes }) });
      }
      figures[`register${label}MedianMs`] = await medianMs(runs, (i) => submitReport(doctor, store, prepared[i + 1]!.prepared));
      figures[`read${label}MedianMs`] = await medianMs(runs, (i) =>
        readReport(reader, store, prepared[i + 1]!.prepared.reportId, ids.get("patient1")!, { maxBytes: config.maxFileBytes }),
      );
      figures[`upload${label}MedianMs`] = await medianMs(runs, async () => {
        const f = await benchReportPdf(size);
        const p = await prepareReport(doctor, store, { file: f, patient: patientAddress }, { maxBytes: config.maxFileBytes });
        await submitReport(doctor, store, p);
      });
      log(
        `${label}: hash ${figures[`hash${label}MedianMs`]} ms, encrypt ${figures[`encrypt${label}MedianMs`]} ms, store ${figures[`store${label}MedianMs`]} ms, register ${figures[`register${label}MedianMs`]} ms, read ${figures[`read${label}MedianMs`]} ms, whole upload ${figures[`upload${label}MedianMs`]} ms`,
      );
    }

    // Verification of a 10 MB file from disk against sha1sum + sha256sum of the same file.
    const path = join(dataDir, "report-10MB.bin");
    const tenMB = await prepareReport(
      doctor,
      store,
      { file: await benchReportPdf(10 * 1024 * 1024), patient: patientAddress },
      { maxBytes: config.maxFileBytes },
    );
    writeFileSync(path, tenMB.issuedFile!); // the issued file (with its serial) is the one that verifies
    await submitReport(doctor, store, tenMB);
    const coreutils = await medianMs(7, async () => {
      execFileSync("sha1sum", [path]);
      execFileSync("sha256sum", [path]);
    });
    const verify = await medianMs(7, async () => {
      const result = await verifyDigests(reader, await digestPath(path), "file");
      if (result.status !== "genuine") throw new Error("bench file not genuine");
    });
    figures.verify10MBMedianMs = verify;
    figures.coreutilsSha1Sha256_10MBMedianMs = coreutils;
    figures.verify10MBRatioToCoreutils = round(verify / coreutils);
    const cli = await medianMs(3, async () => {
      const r = spawnSync(
        join(process.cwd(), "node_modules/.bin/node"),
        ["cli/bin.ts", "verify", path, "--rpc", stack.rpcUrl, "--contract", stack.deployment.address, "--chain-id", String(stack.deployment.chainId)],
        { encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(`medledger verify exited ${r.status}: ${r.stderr}`);
    }).catch(() => Number.NaN);
    figures.cliVerify10MBMedianMs = cli;
    log(
      `verify 10 MB: ${verify} ms in-process vs sha1sum+sha256sum ${coreutils} ms → ratio ${figures.verify10MBRatioToCoreutils}; the CLI process end to end ${cli} ms`,
    );

    // Memory while hashing a stream: peak RSS growth for 10, 200 and 500 MB files (bounded: it
    // levels off at the stream's buffers plus garbage not yet collected).
    for (const [label, size] of [
      ["10MB", 10],
      ["200MB", 200],
      ["500MB", 500],
    ] as const) {
      const big = join(dataDir, `stream-${label}.bin`);
      const chunk = randomBytes(1024 * 1024);
      writeFileSync(big, Buffer.concat(Array.from({ length: size }, () => chunk)));
      figures[`hashStream${label}PeakRssGrowthMiB`] = measurePeakRss(big);
      rmSync(big);
    }
    log(
      `streaming hash peak RSS growth: 10 MB ${figures.hashStream10MBPeakRssGrowthMiB} MiB, 200 MB ${figures.hashStream200MBPeakRssGrowthMiB} MiB, 500 MB ${figures.hashStream500MBPeakRssGrowthMiB} MiB`,
    );
    return figures;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Hashes the file as a stream in a fresh Node process and reports its peak RSS growth (MiB). */
function measurePeakRss(path: string): number {
  const script = `
    import { createReadStream } from "node:fs";
    import { Readable } from "node:stream";
    import { digestFile } from "./core/crypto/digests.ts";
    globalThis.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
    await digestFile(Readable.toWeb(createReadStream(${JSON.stringify(path)})));
    peak = Math.max(peak, process.memoryUsage().rss);
    clearInterval(timer);
    console.log(((peak - base) / 1024 / 1024).toFixed(1));
  `;
  const out = execFileSync(join(process.cwd(), "node_modules/.bin/node"), ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
  return Number(out.trim());
}
