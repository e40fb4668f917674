"use client";
/**
 * "Your encryption key": replacing it (core/identity/rotation.ts `rotateEncryptionKey`, only when
 * asked), with the core's progress, and finishing an interrupted replacement (`finishRotation`).
 * An account holding no ETH has the changes sent by the hospital's relayer (web/lib/relay.ts).
 * Usable on any page whose user holds a key. Each outcome is announced by the transactions' toast
 * (pending → confirmed / failed); the card keeps the steps and what is left to do (Finish).
 */
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { Address } from "viem";
import { readLedger } from "#core/contract/calls.ts";
import type { RewrapResult, RotationResult, RotationStep } from "#core/identity/rotation.ts";
import { useContentStore } from "#web/lib/contentStore.ts";
import { useIdentity } from "#web/lib/identity.tsx";
import { useLedgerReader, useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { useRefreshLedger } from "#web/lib/queries.ts";
import { useActionSender, useRelayed } from "#web/lib/relay.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useAction, type Progress } from "#web/lib/useAction.ts";
import { ConfirmButton } from "./ConfirmButton.tsx";
import { StepList } from "./Progress.tsx";

const LEDGER = [queryKeys.ledger.all()];

const ROTATION_STEPS = [
  { id: "unlocking", label: "Signing with your wallet (your current key, then the new one)" },
  { id: "publishing", label: "Publishing your new key (confirm the transaction)" },
  { id: "collecting", label: "Finding the reports you can read" },
  { id: "rewrapping", label: "Updating their keys for your new key (confirm the transaction)" },
] as const;

/** The same steps when the hospital's relayer sends the changes (the account holds no ETH). */
const RELAYED_ROTATION_STEPS = [
  ROTATION_STEPS[0],
  { id: "publishing", label: "Publishing your new key (sign it; the hospital sends it and pays the fee)" },
  ROTATION_STEPS[2],
  { id: "rewrapping", label: "Locking your reports again for your new key (sign each; the hospital sends them)" },
] as const;

const reports = (n: number): string => `${n} report${n === 1 ? "" : "s"}`;

/** What a replacement (or its finish) did, in words: the toast's message once confirmed. */
function outcome(result: RewrapResult, replaced: boolean): string {
  const updated = result.rewrapped.length + result.rekeyed.length;
  return (
    (replaced ? "Your encryption key was replaced. " : "Done. ") +
    (updated > 0 ? `${reports(updated)} now open with your new key` : "Nothing needed updating") +
    (result.pending.length > 0
      ? `; ${reports(result.pending.length)} shared with you still use your old key: choose Finish to update them.`
      : ": every report stays readable.")
  );
}

/** The last of a replacement's transactions: confirmed, it confirms those before it. */
const lastHash = (result: RewrapResult | RotationResult) =>
  result.transactionHashes.at(-1) ?? ("publishTransactionHash" in result ? result.publishTransactionHash : undefined);

export function EncryptionKeyCard({ address }: { address: Address }) {
  const reader = useLedgerReader();
  const getWriter = useLedgerWriter();
  const { replace } = useIdentity(address);
  const refresh = useRefreshLedger();
  const store = useContentStore();
  const senderFor = useActionSender();
  const relayed = useRelayed(address) === true;
  const version = useQuery({ queryKey: queryKeys.ledger.keyVersion(address), queryFn: () => readLedger(reader, "keyVersionOf", [address]) });
  /** Whether the new key got published in the last attempt (what remains is then the re-wrap: Finish). */
  const [published, setPublished] = useState(false);
  const publishedRef = useRef(false); // the same, for the failure's words (read when it fails)
  const rotate = useAction(
    async (progress: Progress<RotationStep>) => {
      setPublished(false);
      publishedRef.current = false;
      const writer = await getWriter();
      const send = await senderFor(writer);
      const { rotateEncryptionKey } = await import("#core/identity/rotation.ts");
      const result = await rotateEncryptionKey(writer, {
        // Relayed: the hospital sends the key and re-keys the reports (rewrapKeys has no signed form).
        ...(send ? { send, rekeyThrough: store } : {}),
        onProgress: (step) => {
          if (step === "collecting") {
            // The new key is on chain from here: the page shows it even if what follows fails.
            setPublished(true);
            publishedRef.current = true;
            void refresh();
          }
          if (step !== "done") progress(step);
        },
      });
      replace(result.identity);
      return result;
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: "Replacing your encryption key…",
        success: (result) => <span data-testid="rotation-done">{outcome(result, true)}</span>,
        failure: () => (publishedRef.current ? "Your new key is published, but your reports were not updated for it" : "Your key was not replaced"),
        hashOf: lastHash,
      },
    },
  );
  const finish = useAction(
    async (progress: Progress<RotationStep>) => {
      const writer = await getWriter();
      const send = await senderFor(writer);
      const { finishRotation } = await import("#core/identity/rotation.ts");
      const { unlockIdentity } = await import("#core/identity/encryptionKey.ts");
      const result = await finishRotation(writer, {
        ...(send ? { relayed: { send, store } } : {}),
        onProgress: (step) => {
          if (step !== "done") progress(step);
        },
      });
      replace(await unlockIdentity(writer.walletClient, writer.deployment, writer));
      return result;
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: "Updating your reports for your new key…",
        success: (result) => <span data-testid="rotation-done">{outcome(result, false)}</span>,
        failure: "Not finished",
        hashOf: lastHash,
      },
    },
  );
  const busy = rotate.pending || finish.pending;
  const step = rotate.step ?? finish.step;
  const needsFinish = !finish.result && ((rotate.result && rotate.result.pending.length > 0) || (rotate.error !== null && published));

  return (
    <section className="card" aria-labelledby="key-title" data-testid="encryption-key">
      <h2 id="key-title">Your encryption key</h2>
      <p>
        Your reports are locked for your encryption key, which comes from your wallet.
        {version.data ? ` You are using key number ${version.data}.` : ""} Replace it if you think someone else may have got hold of it.
      </p>
      <ConfirmButton
        label="Replace my encryption key"
        confirmLabel="Replace my key"
        className="btn"
        disabled={busy}
        explanation={
          relayed
            ? "Your wallet will ask you to sign three times for the keys (once for your current key, twice for the new one), then once for each change the hospital sends for you (publishing the new key, then each of your reports). You pay nothing. Every report stays readable with the new key."
            : "Your wallet will ask you to sign three times (once for your current key, twice for the new one) and to confirm two transactions (publishing the new key, then updating your reports' keys). Every report stays readable with the new key."
        }
        onConfirm={() => void rotate.run()}
      />
      {step ? <StepList steps={relayed ? RELAYED_ROTATION_STEPS : ROTATION_STEPS} current={step} /> : null}
      {needsFinish ? (
        <div className="row">
          <p className="small">{rotate.error ? "Some reports still use your old key. " : null}Finish updates them for your new key.</p>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void finish.run()}>
            Finish
          </button>
        </div>
      ) : null}
    </section>
  );
}
