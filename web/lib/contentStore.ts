"use client";
/**
 * The IPFS store of the browser: MedLedger's own server (its IPFS gateway, same origin, with the
 * session cookie). The browser never talks to an IPFS node's RPC API. Reads need no session;
 * storing (and a re-key's removal of the old copy) does — the server checks the account's role on
 * chain and its quota — so `add` and `unpin` sign the wallet's account in first when it is not
 * (one signature, the usual sign-in message), and once more if the server says the session has
 * ended meanwhile. The gateway client (and the CID codec it checks CIDs with) is loaded on the
 * first read or write, not with the page.
 */
import { useEffect, useMemo, useRef } from "react";
import { isMedLedgerError, MedLedgerError } from "#core/errors.ts";
import type { AddOptions, CatOptions, ContentStore } from "#core/ipfs/types.ts";
import { useSession, type SessionContextValue } from "./session.tsx";

let gatewayStore: Promise<ContentStore> | undefined;
const gateway = (): Promise<ContentStore> =>
  (gatewayStore ??= import("#core/ipfs/gatewayStore.ts").then(({ createGatewayStore }) => createGatewayStore({ baseUrl: "" })));

const notSignedIn = () =>
  new MedLedgerError(
    "NOT_SIGNED_IN",
    "Storing the encrypted file needs you to be signed in, and the sign-in did not happen, so nothing was stored.",
    "Sign in with your wallet (the Sign in button at the top), then retry.",
  );

export function useContentStore(): ContentStore {
  const session = useSession();
  const latest = useRef<SessionContextValue>(session);
  useEffect(() => {
    latest.current = session;
  }, [session]);

  return useMemo(() => {
    const signIn = async () => {
      if (!(await latest.current.signIn())) throw notSignedIn();
    };
    const signedIn = async <T>(work: () => Promise<T>): Promise<T> => {
      if (!latest.current.signedInAsWallet) await signIn();
      try {
        return await work();
      } catch (error) {
        if (!isMedLedgerError(error, "NOT_SIGNED_IN") && !isMedLedgerError(error, "SESSION_EXPIRED")) throw error;
        await signIn();
        return work();
      }
    };
    return {
      endpoint: "/api/ipfs",
      cat: async (cid: string, options?: CatOptions) => (await gateway()).cat(cid, options),
      isPinned: async (cid: string) => (await gateway()).isPinned(cid),
      add: (bytes: Uint8Array, options?: AddOptions) => signedIn(async () => (await gateway()).add(bytes, options)),
      unpin: (cid: string, options?: AddOptions) => signedIn(async () => (await gateway()).unpin!(cid, options)),
    };
  }, []);
}
