/**
 * Retry safety for uploads: after the encrypted report is stored on IPFS, the prepared
 * registration is saved as `<state dir>/pending/<reportId>.json` until the chain has it. A rerun of
 * the same command finds it by the file's SHA-256 and registers it without encrypting or
 * uploading again. The state dir is MEDLEDGER_STATE_DIR, by default `.medledger` in the current
 * directory. The entry holds only public data (digests, CID, wrapped keys): no secret.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { z } from "zod";
import type { Deployment } from "#core/contract/ledger.ts";
import type { PreparedReport } from "#core/reports/upload.ts";

const hex = (digits?: number) => z.string().regex(digits ? new RegExp(`^0x[0-9a-fA-F]{${digits}}$`) : /^0x[0-9a-fA-F]*$/);

const pendingSchema = z.object({
  v: z.literal(1),
  chainId: z.number().int().positive(),
  contract: hex(40),
  savedAt: z.string(),
  prepared: z.object({
    reportId: hex(64),
    sha1: hex(40),
    patient: hex(40),
    doctor: hex(40),
    supersedes: hex(64).nullable(),
    cid: z.string().min(1),
    patientKey: hex(),
    doctorKey: hex(),
    size: z.number().int().positive(),
  }),
});

/** The folder holding pending uploads. */
export function pendingDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return join(env.MEDLEDGER_STATE_DIR ?? join(cwd, ".medledger"), "pending");
}

export function pendingPath(dir: string, reportId: Hex): string {
  return join(dir, `${reportId.toLowerCase()}.json`);
}

/** Saves `prepared` (atomically: write then rename); returns the file's path. */
export async function savePending(dir: string, deployment: Deployment, prepared: PreparedReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = pendingPath(dir, prepared.reportId);
  const body = { v: 1, chainId: deployment.chainId, contract: deployment.address, savedAt: new Date().toISOString(), prepared };
  await writeFile(`${path}.tmp`, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
  return path;
}

/** The pending upload of `reportId` for this deployment, or undefined (missing, damaged or for another deployment). */
export async function loadPending(dir: string, deployment: Deployment, reportId: Hex): Promise<PreparedReport | undefined> {
  let text: string;
  try {
    text = await readFile(pendingPath(dir, reportId), "utf8");
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
  if (entry.prepared.reportId.toLowerCase() !== reportId.toLowerCase()) return undefined;
  const p = entry.prepared;
  return {
    reportId: p.reportId.toLowerCase() as Hex,
    sha1: p.sha1 as Hex,
    patient: p.patient as Address,
    doctor: p.doctor as Address,
    supersedes: p.supersedes as Hex | null,
    cid: p.cid,
    patientKey: p.patientKey as Hex,
    doctorKey: p.doctorKey as Hex,
    size: p.size,
  };
}

export async function removePending(dir: string, reportId: Hex): Promise<void> {
  await rm(pendingPath(dir, reportId), { force: true });
}
