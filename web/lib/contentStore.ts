"use client";
/**
 * The IPFS store of the browser: MedLedger's own server (its IPFS gateway, same origin, with the
 * session cookie). The browser never talks to an IPFS node's RPC API.
 */
import { useMemo } from "react";
import { createGatewayStore } from "#core/ipfs/gatewayStore.ts";
import type { ContentStore } from "#core/ipfs/types.ts";

export function useContentStore(): ContentStore {
  return useMemo(() => createGatewayStore({ baseUrl: "" }), []);
}
