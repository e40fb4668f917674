/**
 * Retry safety for uploads: after the encrypted report is stored on IPFS, the prepared
 * registration is saved as `<state dir>/pending/<source SHA-256>.json` until the chain has it. A
 * rerun of the same command finds it by the SHA-256 of the file as given (the issued file carries
 * a fresh serial, so its digest differs) and registers it without serialising, encrypting or
 * uploading again. The state dir is MEDLEDGER_STATE_DIR, by default `.medledger` in the current
 * directory. The entry holds only public data (digests, CID, wrapped keys): no secret. Beside it,
 * `<source SHA-256>.cipher` keeps the ciphertext as stored on IPFS, so a rerun can store it again
 * (the same bytes, the same CID) if the IPFS node lost it meanwhile (core/reports/stored.ts).
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address, Hash, Hex } from "viem";
import { z } from "zod";
import type { Deployment } from "#core/contract/ledger.ts";
import type { PreparedReport } from "#core/reports/upload.ts";

const hex = (digits?: number) => z.string().regex(digits ? new RegExp(`^0x[0-9a-fA-F]{${digits}}$`) : /^0x[0-9a-fA-F]*$/);

const pendingSchema = z.object({
  v: z.literal(2),
  chainId: z.number().int().positive(),
  contract: hex(40),
  savedAt: z.string(),
  prepared: z.object({
    reportId: hex(64),
    sha256: hex(64),
    sha1: hex(40),
    patient: hex(40),
    doctor: hex(40),
    supersedes: hex(64).nullable(),
    cid: z.string().min(1),
    patientKey: hex(),
    doctorKey: hex(),
    size: z.number().int().positive(),
    serial: z.string().min(1),
    sourceSha256: hex(64),
  }),
  /** Where the issued file (the one with the serial) was written. */
  issuedPath: z.string().optional(),
  /** The registration transaction of the last attempt, once the node accepted it: a rerun checks it before sending again. */
  transactionHash: hex(64).optional(),
});

export interface PendingUpload {
  readonly prepared: PreparedReport;
  readonly issuedPath?: string;
  readonly transactionHash?: Hash;
}

/** The folder holding pending uploads. */
export function pendingDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return join(env.MEDLEDGER_STATE_DIR ?? join(cwd, ".medledger"), "pending");
}

export function pendingPath(dir: string, sourceSha256: Hex): string {
  return join(dir, `${sourceSha256.toLowerCase()}.json`);
}

function ciphertextPath(dir: string, sourceSha256: Hex): string {
  return join(dir, `${sourceSha256.toLowerCase()}.cipher`);
}

/** Saves `prepared` (atomically: write then rename; never the issued bytes) and the attempt's transaction if sent; returns the file's path. */
export async function savePending(dir: string, deployment: Deployment, prepared: PreparedReport, issuedPath?: string, transactionHash?: Hash): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = pendingPath(dir, prepared.sourceSha256);
  const { issuedFile: _bytes, ciphertext, ...kept } = prepared;
  const body = {
    v: 2,
    chainId: deployment.chainId,
    contract: deployment.address,
    savedAt: new Date().toISOString(),
    prepared: kept,
    ...(issuedPath ? { issuedPath } : {}),
    ...(transactionHash ? { transactionHash } : {}),
  };
  // A unique temporary name: two processes may save entries at once.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  if (ciphertext) {
    const cipherTmp = `${tmp}.cipher`;
    await writeFile(cipherTmp, ciphertext, { mode: 0o600 });
    await rename(cipherTmp, ciphertextPath(dir, prepared.sourceSha256));
  }
  await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
  return path;
}

/** The pending upload of the file with SHA-256 `sourceSha256` (as given) for this deployment, or undefined (missing, damaged or for another deployment). */
export async function loadPending(dir: string, deployment: Deployment, sourceSha256: Hex): Promise<PendingUpload | undefined> {
  let text: string;
  try {
    text = await readFile(pendingPath(dir, sourceSha256), "utf8");
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = pendingSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const entry = parsed.data;
  if (entry.chainId !== deployment.chainId || entry.contract.toLowerCase() !== deployment.address.toLowerCase()) return undefined;
  if (entry.prepared.sourceSha256.toLowerCase() !== sourceSha256.toLowerCase()) return undefined;
  const p = entry.prepared;
  const prepared: PreparedReport = {
    reportId: p.reportId.toLowerCase() as Hex,
    sha256: p.sha256.toLowerCase() as Hex,
    sha1: p.sha1 as Hex,
    patient: p.patient as Address,
    doctor: p.doctor as Address,
    supersedes: p.supersedes as Hex | null,
    cid: p.cid,
    patientKey: p.patientKey as Hex,
    doctorKey: p.doctorKey as Hex,
    size: p.size,
    serial: p.serial,
    sourceSha256: p.sourceSha256.toLowerCase() as Hex,
  };
  const ciphertext = await readFile(ciphertextPath(dir, sourceSha256)).then(
    (bytes) => new Uint8Array(bytes),
    () => undefined,
  );
  return {
    prepared: ciphertext ? { ...prepared, ciphertext } : prepared,
    ...(entry.issuedPath ? { issuedPath: entry.issuedPath } : {}),
    ...(entry.transactionHash ? { transactionHash: entry.transactionHash.toLowerCase() as Hash } : {}),
  };
}

export async function removePending(dir: string, sourceSha256: Hex): Promise<void> {
  await rm(pendingPath(dir, sourceSha256), { force: true });
  await rm(ciphertextPath(dir, sourceSha256), { force: true });
}
