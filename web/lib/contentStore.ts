"use client";
/**
 * The IPFS store (Kubo RPC API) the browser talks to directly. kubo-rpc-client is large, so it is
 * loaded on first use (an upload or a read), not with every page.
 */
import { useMemo } from "react";
import type { CatOptions, ContentStore } from "#core/ipfs/types.ts";
import { usePublicConfig } from "./ledgerContext.tsx";

/** A ContentStore that loads the Kubo client when first used. */
export function lazyKuboStore(apiUrl: string): ContentStore {
  let store: Promise<ContentStore> | undefined;
  const load = () => (store ??= import("#core/ipfs/kuboStore.ts").then((m) => m.createKuboStore(apiUrl)));
  return {
    endpoint: apiUrl,
    add: async (bytes: Uint8Array) => (await load()).add(bytes),
    cat: async (cid: string, options?: CatOptions) => (await load()).cat(cid, options),
  };
}

export function useContentStore(): ContentStore {
  const config = usePublicConfig();
  return useMemo(() => lazyKuboStore(config.ipfsApiUrl), [config.ipfsApiUrl]);
}
