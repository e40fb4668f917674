/**
 * Retry safety for uploads: after the encrypted report is stored on IPFS, the prepared
 * registration is saved as `<state dir>/pending/<source SHA-256>.json` until the chain has it and
 * its block is final (MEDLEDGER_FINALITY_BLOCKS: a reorganisation may remove a fresh block). A
 * rerun of the same command finds it by the SHA-256 of the file as given (the issued file carries
 * a fresh serial, so its digest differs) and registers it without serialising, encrypting or
 * uploading again. The state dir is MEDLEDGER_STATE_DIR, by default `.medledger` in the current
 * directory. The entry holds only public data (digests, CID, wrapped keys): no secret. Beside it,
 * `<source SHA-256>.cipher` keeps the ciphertext as stored on IPFS, so a rerun can store it again
 * (the same bytes, the same CID) if the IPFS node lost it meanwhile (core/reports/stored.ts).
 * `medledger report pending` checks every entry and registers again what the chain lost.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
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
    metadataDigest: hex(64).nullable().optional(),
    /** The key wrapped for the hospital's records custodian (absent in records saved before custody). */
    custodianKey: hex().optional(),
    /** Held for review: a retry registers it held too. */
    held: z.boolean().optional(),
  }),
  /** Where the issued file (the one with the serial) was written. */
  issuedPath: z.string().optional(),
  /** The registration transaction of the last attempt, once the node accepted it: a rerun checks it before sending again. */
  transactionHash: hex(64).optional(),
  /** Reported registered in this block, not yet final: kept until a rerun or `report pending` finds it final (a reorganisation may still remove it). */
  registeredInBlock: z.string().regex(/^\d+$/).optional(),
});

export interface PendingUpload {
  readonly prepared: PreparedReport;
  readonly issuedPath?: string;
  readonly transactionHash?: Hash;
  /** Set once the registration was reported done: its block, awaiting finality. */
  readonly registeredInBlock?: bigint;
}

export interface SaveExtra {
  readonly transactionHash?: Hash;
  readonly registeredInBlock?: bigint;
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
export async function savePending(dir: string, deployment: Deployment, prepared: PreparedReport, issuedPath?: string, extra: SaveExtra = {}): Promise<string> {
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
    ...(extra.transactionHash ? { transactionHash: extra.transactionHash } : {}),
    ...(extra.registeredInBlock !== undefined ? { registeredInBlock: extra.registeredInBlock.toString() } : {}),
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
  const entry = await readEntry(pendingPath(dir, sourceSha256), deployment);
  return entry && entry.prepared.sourceSha256 === sourceSha256.toLowerCase() ? entry : undefined;
}

/** Every pending upload of this deployment in `dir`, oldest first (damaged or foreign entries are left alone). */
export async function listPending(dir: string, deployment: Deployment): Promise<PendingUpload[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /^0x[0-9a-f]{64}\.json$/.test(name));
  } catch {
    return [];
  }
  const entries = await Promise.all(names.map(async (name) => ({ name, entry: await readEntry(join(dir, name), deployment) })));
  return entries
    .filter(
      (e): e is { name: string; entry: PendingUpload & { savedAt: string } } => e.entry !== undefined && `${e.entry.prepared.sourceSha256}.json` === e.name,
    )
    .map((e) => e.entry)
    .sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

async function readEntry(path: string, deployment: Deployment): Promise<(PendingUpload & { savedAt: string }) | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
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
    metadataDigest: (p.metadataDigest ?? null) as Hex | null,
    ...(p.custodianKey !== undefined ? { custodianKey: p.custodianKey as Hex } : {}),
    ...(p.held ? { held: true } : {}),
  };
  const ciphertext = await readFile(ciphertextPath(dirname(path), prepared.sourceSha256)).then(
    (bytes) => new Uint8Array(bytes),
    () => undefined,
  );
  return {
    prepared: ciphertext ? { ...prepared, ciphertext } : prepared,
    ...(entry.issuedPath ? { issuedPath: entry.issuedPath } : {}),
    ...(entry.transactionHash ? { transactionHash: entry.transactionHash.toLowerCase() as Hash } : {}),
    ...(entry.registeredInBlock !== undefined ? { registeredInBlock: BigInt(entry.registeredInBlock) } : {}),
    savedAt: entry.savedAt,
  };
}

export async function removePending(dir: string, sourceSha256: Hex): Promise<void> {
  await rm(pendingPath(dir, sourceSha256), { force: true });
  await rm(ciphertextPath(dir, sourceSha256), { force: true });
}
