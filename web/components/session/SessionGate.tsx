"use client";
/**
 * Shows a page that needs a sign-in session only to a connected wallet signed in as itself, and
 * (when `roles` is given) holding one of those roles; otherwise says what to do.
 */
import type { ReactNode } from "react";
import type { RoleName } from "#core/accounts/roles.ts";
import { useWallet } from "#web/lib/ledgerContext.tsx";
import { useSession, type SignedInSession } from "#web/lib/session.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { SessionStatus } from "./SessionStatus.tsx";

export function SessionGate({ roles, purpose, children }: {
  /** Any one of these roles admits (all signed-in accounts when absent). */
  roles?: readonly RoleName[];
  /** "see the activity log", … — completes "Sign in to …". */
  purpose: string;
  children: (session: SignedInSession) => ReactNode;
}) {
  const wallet = useWallet();
  const session = useSession();
  if (!wallet.isConnected) {
    return <div className="card"><p>Connect your wallet (button at the top right), then sign in to {purpose}.</p></div>;
  }
  if (wallet.wrongNetwork) return <div className="card"><p>Switch your wallet to MedLedger&apos;s network first (see the banner above).</p></div>;
  if (session.session === undefined) {
    return session.loadError ? <ErrorBox error={session.loadError} title="Your session could not be read" /> : <Spinner label="Checking your sign-in session…" />;
  }
  const current = session.session;
  if (!current.signedIn || !session.signedInAsWallet) {
    return (
      <>
        <p>Sign in to {purpose}: your wallet signs a short message (no transaction, no fee).</p>
        <SessionStatus />
      </>
    );
  }
  if (roles && !roles.some((r) => current.roles[r])) {
    return (
      <>
        <SessionStatus />
        <div className="card" data-testid="session-wrong-role">
          <p>Your account does not hold the role needed to {purpose}.</p>
        </div>
      </>
    );
  }
  return <>{children(current)}</>;
}
