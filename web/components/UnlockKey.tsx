"use client";
/**
 * The one step after connecting a wallet: "Unlock and sign in". It asks the wallet for what the
 * page needs, in sequence, with a step list saying which signature is which:
 *
 *   1. the EIP-712 identity signature, from which the encryption key is derived in this tab (it
 *      never leaves the device, and is never the sign-in message), and — for `publish` — the key's
 *      public half published on chain the first time;
 *   2. for `signIn`, when the account is not signed in yet, the EIP-4361 (SIWE) message for the
 *      hospital server's session (appointments, the activity log). A different message, a different
 *      signature.
 *
 * A signature the user cancels leaves the card where it was, saying so, with "Try again". The page
 * (`children`) is shown once the key is unlocked and, when the sign-in was asked for, it succeeded
 * or the user chose to go on without it.
 */
import { useState, type ReactNode } from "react";
import type { Address } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import { MedLedgerError } from "#core/errors.ts";
import { useIdentity } from "../lib/identity.tsx";
import { useSession } from "../lib/session.tsx";
import { useAction } from "../lib/useAction.ts";
import { isUserRejection } from "../lib/userError.ts";
import { ErrorBox } from "./ErrorBox.tsx";
import { StepList, type Step } from "./Progress.tsx";

type GetInStep = "unlocking" | "signing-in";

/** A cancelled signature in plain words: nothing changed, try again. */
function cancelled(error: unknown, step: GetInStep): unknown {
  if (!isUserRejection(error)) return error;
  return step === "unlocking"
    ? new MedLedgerError("USER_REJECTED", "You cancelled the signature in your wallet. Nothing was changed.", "Try again when you are ready.")
    : new MedLedgerError(
        "USER_REJECTED",
        "You cancelled the sign-in signature in your wallet. You are not signed in; nothing else was changed.",
        "Try again, or go on without signing in (appointments and the activity log need it).",
      );
}

export function UnlockKey({
  address,
  publish,
  signIn = false,
  why,
  children,
}: {
  address: Address;
  publish: boolean;
  /** Whether the page also signs in to the hospital server in the same step (when not signed in yet). */
  signIn?: boolean;
  why: string;
  children: (identity: EncryptionIdentity) => ReactNode;
}) {
  const { identity, unlock } = useIdentity(address);
  const session = useSession();
  /** True from the start of a combined run until the page may show (the card stays through step 2). */
  const [holding, setHolding] = useState(false);
  const [skipped, setSkipped] = useState(false);
  const needsSignIn = signIn && !skipped && session.session !== undefined && !session.signedInAsWallet;
  const steps: Step[] = [];
  if (!identity || holding) {
    steps.push({
      id: "unlocking",
      label: `Unlock your reports (this signature stays on this device: your encryption key is made from it).${publish ? " The first time, your wallet asks twice for this same message, then one transaction publishes the key's public half." : ""}`,
    });
  }
  if (needsSignIn || (holding && signIn && !skipped)) {
    steps.push({ id: "signing-in", label: "Sign in to the hospital server (a second, different message, for your appointments and activity)." });
  }

  const getIn = useAction(async (progress: (step: GetInStep) => void, from: GetInStep) => {
    setHolding(true);
    if (from === "unlocking") {
      progress("unlocking");
      try {
        await unlock({ publish });
      } catch (error) {
        setHolding(false);
        throw cancelled(error, "unlocking");
      }
    }
    if (needsSignIn) {
      progress("signing-in");
      try {
        await session.signInOrThrow();
      } catch (error) {
        throw cancelled(error, "signing-in"); // the card stays, with the key unlocked and "Try again"
      }
    }
    setHolding(false);
    return true;
  });

  if (identity && !holding && (!needsSignIn || !getIn.error)) return <>{children(identity)}</>;
  const both = steps.length > 1;
  const failedAtSignIn = identity !== undefined && getIn.error !== null;
  const current = getIn.step ?? (failedAtSignIn ? "signing-in" : undefined);
  return (
    <section className="card" aria-labelledby="unlock-title" data-testid="unlock-card">
      <h2 id="unlock-title">{both ? "Unlock and sign in" : "Unlock your reports"}</h2>
      <p>
        {why}
        {both ? " Your wallet asks you to sign two different messages, one after the other:" : " Your wallet asks you to sign one message:"}
      </p>
      <StepList steps={steps} current={current} />
      <p className="muted small">
        Only sign the unlock message on MedLedger: whoever has that signature can read your reports. It is never sent anywhere, not even to the hospital.
      </p>
      <ErrorBox error={getIn.error} title={failedAtSignIn ? "Not signed in" : "Not unlocked"} />
      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={getIn.pending}
          aria-busy={getIn.pending || undefined}
          onClick={() => void getIn.run(identity ? "signing-in" : "unlocking")}
        >
          {getIn.pending ? "Waiting for the wallet…" : getIn.error ? "Try again" : both ? "Unlock and sign in" : "Unlock my key"}
        </button>
        {failedAtSignIn && !getIn.pending ? (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setSkipped(true);
              setHolding(false);
              getIn.reset();
            }}
          >
            Go on without signing in
          </button>
        ) : null}
      </div>
    </section>
  );
}
