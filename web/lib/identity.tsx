"use client";
/**
 * The connected user's encryption identity (X25519 key pair derived from a wallet signature),
 * kept in memory for this tab only, per account. Unlocking asks the wallet for the EIP-712
 * identity signature; publishing puts the public key on chain if it is not there yet.
 * The key derivation (X25519, HKDF) is loaded on demand at the first unlock, not with the page.
 */
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import type { Address, Hash } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { useLedgerWriter, useOptionalLedger } from "./ledgerContext.tsx";
import { useRefreshLedger } from "./queries.ts";
import { startTransactionToast, type ToastHandle } from "./txToast.tsx";

interface IdentityStore {
  readonly identities: ReadonlyMap<string, EncryptionIdentity>;
  remember(identity: EncryptionIdentity): void;
}

const IdentityContext = createContext<IdentityStore | null>(null);

export function IdentityProvider({ children }: { children: ReactNode }) {
  const [identities, setIdentities] = useState<ReadonlyMap<string, EncryptionIdentity>>(new Map());
  const remember = useCallback((identity: EncryptionIdentity) => {
    setIdentities((current) => new Map(current).set(identity.address.toLowerCase(), identity));
  }, []);
  return <IdentityContext.Provider value={{ identities, remember }}>{children}</IdentityContext.Provider>;
}

export interface IdentityState {
  readonly identity: EncryptionIdentity | undefined;
  /** Signs the identity message (and publishes the key when `publish`); returns the identity. */
  unlock(options?: { publish?: boolean }): Promise<EncryptionIdentity>;
  /** Keeps `identity` as this account's key from now on (after a key rotation). */
  replace(identity: EncryptionIdentity): void;
}

export function useIdentity(address: Address | undefined): IdentityState {
  const store = useContext(IdentityContext);
  if (!store) throw new Error("useIdentity must be used inside <IdentityProvider>.");
  const getWriter = useLedgerWriter();
  const ledger = useOptionalLedger();
  const refresh = useRefreshLedger();
  const identity = address ? store.identities.get(address.toLowerCase()) : undefined;
  const unlock = useCallback(
    async (options: { publish?: boolean } = {}) => {
      const writer = await getWriter();
      const { ensureKeyPublished, unlockIdentity } = await import("#core/identity/encryptionKey.ts");
      const unlocked = identity ?? (await unlockIdentity(writer.walletClient, writer.deployment, writer));
      if (options.publish) {
        // A first key goes on chain once: its transaction is announced like every other, in the toast.
        let toast: ToastHandle | undefined;
        let hash: Hash | undefined;
        try {
          const published = await ensureKeyPublished(writer, unlocked, {
            onPublishing: () => {
              if (ledger) toast = startTransactionToast("Publishing your encryption key…", ledger.config, ledger.reader);
            },
            onSent: (sent) => {
              hash = sent;
            },
          });
          if (published) {
            await toast?.confirmed(null, "Your encryption key is published: reports can now be encrypted for you.", hash);
            await refresh();
          }
        } catch (error) {
          toast?.failed("Your encryption key was not published", error);
          throw error;
        }
      }
      store.remember(unlocked);
      return unlocked;
    },
    [getWriter, identity, ledger, refresh, store],
  );
  return { identity, unlock, replace: store.remember };
}
