/**
 * The IPFS gateway: what browsers get instead of an IPFS node's admin API (Kubo RPC: pin/rm,
 * repo/gc, shutdown, config…). Three operations only, over the server's own ContentStore (any
 * Kubo RPC node, or an IPFS Cluster's Kubo-compatible proxy, configured by MEDLEDGER_IPFS_API_URL
 * on the server alone):
 *  - store: a signed-in account whose on-chain role writes to IPFS — a doctor (reports), a
 *    receptionist (sealed patient profiles), or a patient storing the new ciphertext of one of
 *    their own reports (a re-key after a revocation) — within the size limit and the per-account
 *    daily quota; recognisable plaintext (a PDF, PNG or JPEG) is refused: only ciphertext is stored;
 *  - read: a validated CID's bytes, streamed, capped (the content is ciphertext; rate limited per
 *    client network by the route) — of CIDs the node pins only, so the server is no open gateway
 *    to the whole IPFS network (an unpinned CID would make Kubo search the network for it);
 *  - pinned: whether the node keeps a CID, which the workflows confirm before registering it;
 *  - unpin: after a re-key, the report's patient or issuing doctor has the node drop the report's
 *    superseded ciphertexts — only those, as the chain lists them, never a current one.
 * With a remote pinning service (ctx.remotePinning, MEDLEDGER_PINNING_SERVICE_URL), every stored
 * CID is also requested there (the node's addresses as origins), "pinned" means the node pins it
 * and the service reports it pinned (waiting a bounded time; failed is NOT_PINNED), and unpinning
 * a superseded ciphertext withdraws its remote pin too. Reads come from the node alone.
 * A CID is only ever used as a parsed CID object, so no string reaches another RPC endpoint.
 */
import { equals } from "multiformats/bytes";
import { CID } from "multiformats/cid";
import type { Hex } from "viem";
import { detectReportType } from "#core/documents/types.ts";
import { MedLedgerError } from "#core/errors.ts";
import { parseCid } from "#core/validation.ts";
import type { Caller, ServerContext } from "../context.ts";
import { returnUploadQuota, takeUploadQuota } from "./quota.ts";

/** Refuses an account that has no reason to store anything on IPFS. */
export async function requireUploader(ctx: ServerContext, who: Caller, forReport: Hex | undefined): Promise<void> {
  if (who.roles.doctor || who.roles.receptionist) return;
  if (who.roles.patient && forReport) {
    const parties = await ctx.chain.reportParties(forReport);
    if (parties.patient.toLowerCase() === who.address.toLowerCase()) return;
    throw new MedLedgerError(
      "NO_ACCESS",
      "You can only store a new encrypted copy of your own reports.",
      "Open the report from your own list of reports, then change who can read it there.",
    );
  }
  throw new MedLedgerError(
    "NO_ACCESS",
    "Your account cannot store files: only doctors (reports) and the reception (patient profiles) do.",
    "Sign in with a doctor's or a receptionist's account.",
  );
}

/** Stores `bytes` (already read within the size cap) for `who` and returns the CID. */
export async function storeCiphertext(ctx: ServerContext, who: Caller, bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength === 0) throw new MedLedgerError("EMPTY_FILE", "The upload is empty.", "Nothing was stored; retry the upload.");
  if (detectReportType(bytes) !== null) {
    throw new MedLedgerError(
      "UNSUPPORTED_MEDIA_TYPE",
      "This upload is an unencrypted document, and MedLedger stores encrypted files only.",
      "Upload the report from MedLedger's own pages, which encrypt it in your browser first.",
    );
  }
  await takeUploadQuota(ctx, who.address, bytes.byteLength);
  let cid: string;
  try {
    cid = await ctx.ipfs.add(bytes);
  } catch (error) {
    await returnUploadQuota(ctx, who.address, bytes.byteLength).catch(() => undefined);
    throw error;
  }
  // The node keeps it now; the service is asked to fetch it from there. A refusal here is not
  // fatal: the confirmation before registering asks again and refuses until it is pinned.
  if (ctx.remotePinning) await ctx.remotePinning.request(cid, await originsOf(ctx)).catch(() => undefined);
  return cid;
}

/** The node's addresses, from which a remote pinning service fetches what it is asked to pin. */
async function originsOf(ctx: ServerContext): Promise<string[]> {
  return (await ctx.ipfs.addresses?.().catch(() => [])) ?? [];
}

/**
 * The bytes of `cid` as the node hands them out, at most the read limit. The first chunk is read
 * before this returns, so a missing CID is an error response rather than a cut-off one.
 */
export async function openCiphertext(
  ctx: ServerContext,
  rawCid: string,
  signal?: AbortSignal,
  /** Only the first bytes (a report's encrypted head, for a list), at most the read limit. */
  length?: number,
): Promise<{ cid: string; first: Uint8Array | undefined; rest: AsyncIterator<Uint8Array> }> {
  const cid = parseCid(rawCid);
  if (!(await ctx.ipfs.isPinned(cid))) {
    throw new MedLedgerError(
      "UNKNOWN_CID",
      `This server's IPFS node does not keep ${cid}.`,
      "The file may have been stored elsewhere, or lost: ask the report's doctor to upload it again.",
    );
  }
  const range = length === undefined ? { maxBytes: ctx.limits.ipfs.readBytes } : { length: Math.min(length, ctx.limits.ipfs.readBytes) };
  const chunks = ctx.ipfs.catStream(cid, { ...range, ...(signal ? { signal } : {}) })[Symbol.asyncIterator]();
  const first = await chunks.next();
  return { cid, first: first.done ? undefined : first.value, rest: chunks };
}

/**
 * Whether `cid` is kept: by the server's node, and — with a remote pinning service — by the
 * service too (waiting for it a bounded time; NOT_PINNED when it failed or is not done in time).
 */
export async function isCiphertextPinned(ctx: ServerContext, rawCid: string): Promise<{ cid: string; pinned: boolean }> {
  const cid = parseCid(rawCid);
  if (!(await ctx.ipfs.isPinned(cid))) return { cid, pinned: false };
  if (ctx.remotePinning) await ctx.remotePinning.confirm(cid, await originsOf(ctx));
  return { cid, pinned: true };
}

/** Unpins `rawCid` for `who`, if it is a superseded ciphertext of `reportId` and `who` its patient or issuing doctor. */
export async function unpinSuperseded(ctx: ServerContext, who: Caller, reportId: Hex, rawCid: string): Promise<{ cid: string; unpinned: boolean }> {
  const cid = parseCid(rawCid);
  const parties = await ctx.chain.reportParties(reportId);
  const me = who.address.toLowerCase();
  if (parties.patient.toLowerCase() !== me && parties.doctor.toLowerCase() !== me) {
    throw new MedLedgerError(
      "NO_ACCESS",
      "Only the report's patient or its issuing doctor can remove its old copies.",
      "Sign in as the patient or the issuing doctor.",
    );
  }
  const superseded = await ctx.chain.supersededCids(reportId);
  // Compare by multihash: the same content whether the CID is written as v0 or v1.
  const wanted = CID.parse(cid).multihash.bytes;
  if (!superseded.some((old) => equals(CID.parse(old).multihash.bytes, wanted))) {
    throw new MedLedgerError(
      "CONFLICT",
      `${cid} is not an earlier copy of this report, so it is kept.`,
      "Only the copies a re-encryption replaced can be removed; the current one stays.",
    );
  }
  if (!ctx.ipfs.unpin) throw new MedLedgerError("CONFIG", "This server's IPFS node cannot unpin.", "Ask the administrator to remove the old copy.");
  const unpinned = await ctx.ipfs.unpin(cid);
  const withdrawn = ctx.remotePinning ? await ctx.remotePinning.remove(cid) : false;
  return { cid, unpinned: unpinned || withdrawn };
}
