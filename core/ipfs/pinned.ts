/**
 * A CID goes on chain only once the IPFS node confirms it keeps it (pinned): otherwise the chain
 * would point at a file nobody can ever open. Every workflow that registers a CID calls this
 * just before its transaction.
 */
import { MedLedgerError } from "../errors.ts";
import type { ContentStore } from "./types.ts";

/** Resolves when `store` confirms it pins `cid`; NOT_PINNED otherwise (nothing is sent). */
export async function confirmPinned(store: ContentStore, cid: string, what = "encrypted file"): Promise<void> {
  if (await store.isPinned(cid)) return;
  throw new MedLedgerError(
    "NOT_PINNED",
    `The IPFS node does not keep the ${what} (${cid}), so nothing was registered: the record would point at a file nobody could open.`,
    "Retry: the file is stored again first. If it keeps failing, ask the administrator to check the IPFS node's storage and pinning.",
  );
}
