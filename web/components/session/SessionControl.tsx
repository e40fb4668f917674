"use client";
/** The header's sign-in control: "Sign in" once a wallet is connected, then "Signed in" and "Sign out". */
import { useNameOf } from "#web/lib/queries.ts";
import { useWallet } from "#web/lib/ledgerContext.tsx";
import { useSession } from "#web/lib/session.tsx";
import { sessionSummary } from "./SessionStatus.tsx";
import styles from "./session.module.css";

export function SessionControl() {
  const wallet = useWallet();
  const session = useSession();
  const nameOf = useNameOf();
  const current = session.session;
  if (current === undefined) return null;

  if (current.signedIn && (session.signedInAsWallet || !wallet.isConnected)) {
    return (
      <div className="row session-control" data-testid="session-control" data-signed-in="true">
        <span className={`badge badge-ok ${styles.wideOnly}`} data-testid="session-badge" title={sessionSummary(current, nameOf)}>
          Signed in
        </span>
        <button type="button" className="btn btn-small" disabled={session.pending !== null} onClick={() => void session.signOut()}>
          {session.pending === "signing-out" ? "Signing out…" : "Sign out"}
        </button>
      </div>
    );
  }
  if (!wallet.isConnected || wallet.wrongNetwork) return null;
  return (
    <div className="row session-control" data-testid="session-control" data-signed-in="false">
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={session.pending !== null}
        aria-describedby={current.signedIn ? "session-other-account" : undefined}
        onClick={() => void session.signIn()}
      >
        {session.pending === "signing-in" ? "Signing in…" : "Sign in"}
      </button>
      {current.signedIn ? (
        <span id="session-other-account" className="visually-hidden">
          Signed in as another account: {sessionSummary(current, nameOf)}
        </span>
      ) : null}
    </div>
  );
}
