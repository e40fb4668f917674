/**
 * Before a prepared report is registered (the first time, or by a retry from a pending record):
 * the IPFS node must still keep its ciphertext. A retry after the file vanished (unpinned and
 * garbage-collected, a node wiped or replaced) stores the kept ciphertext again — the same bytes,
 * so the same CID, and the wrapped keys stay valid — and only then registers it. Without the
 * ciphertext the retry is refused before any transaction: registering it would make a report
 * nobody can ever open, and block the file from being uploaded again (its digests would be taken).
 */
import { MedLedgerError } from "../errors.ts";
import { confirmPinned } from "../ipfs/pinned.ts";
import type { ContentStore } from "../ipfs/types.ts";
import type { PreparedReport, UploadProgress } from "./upload.ts";

/** Makes sure `store` keeps `prepared.cid`, storing `prepared.ciphertext` again if it does not. */
export async function ensureStored(store: ContentStore, prepared: PreparedReport, onProgress?: (progress: UploadProgress) => void): Promise<void> {
  if (await store.isPinned(prepared.cid)) return;
  if (!prepared.ciphertext) {
    throw new MedLedgerError(
      "NOT_PINNED",
      `The encrypted report (${prepared.cid}) is no longer on the IPFS node, and this retry no longer has it, so nothing was registered.`,
      "Upload the original file again as a new upload (discard the saved attempt): it is encrypted and stored afresh.",
    );
  }
  onProgress?.({ step: "uploading" });
  const cid = await store.add(prepared.ciphertext);
  if (cid !== prepared.cid) {
    throw new MedLedgerError(
      "NOT_PINNED",
      `Storing the encrypted report again gave another CID (${cid}, not ${prepared.cid}), so nothing was registered.`,
      "The IPFS node imports files with other settings than before; ask the administrator, then upload the original file again.",
    );
  }
  await confirmPinned(store, prepared.cid, "encrypted report");
}
