"use client";
/** Asks the user to unlock (and, if needed, publish) their encryption key before key-dependent work. */
import type { ReactNode } from "react";
import type { Address } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { useIdentity } from "../lib/identity.tsx";
import { useAction } from "../lib/useAction.ts";
import { ActionButton } from "./ActionButton.tsx";

export function UnlockKey({
  address,
  publish,
  why,
  children,
}: {
  address: Address;
  publish: boolean;
  why: string;
  children: (identity: EncryptionIdentity) => ReactNode;
}) {
  const { identity, unlock } = useIdentity(address);
  const unlocking = useAction(() => unlock({ publish }));
  if (identity) return <>{children(identity)}</>;
  return (
    <section className="card" aria-labelledby="unlock-title">
      <h2 id="unlock-title">Unlock your encryption key</h2>
      <p>
        {why} Your wallet signs a fixed MedLedger message; the key is derived from that signature and stays in this tab.
        {publish ? " The first time, its public half is published on chain (one transaction)." : ""}
      </p>
      <p className="muted small">Only sign this message on MedLedger: whoever has the signature can read your reports.</p>
      <ActionButton action={unlocking} pendingLabel="Waiting for the wallet…">
        Unlock my key
      </ActionButton>
    </section>
  );
}
