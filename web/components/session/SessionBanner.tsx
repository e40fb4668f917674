"use client";
/** Under the header, on every page: why signing in or out failed (message + hint), and session expiry. */
import { useState } from "react";
import { useSession } from "#web/lib/session.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import styles from "./session.module.css";

export function SessionBanner() {
  const session = useSession();
  const [expiryDismissed, setExpiryDismissed] = useState(false);
  const showExpiry = session.endedBecause === "expired" && !expiryDismissed;
  if (!session.error && !showExpiry) return null;
  return (
    <div className="banner container" data-testid="session-banner">
      {session.error ? (
        <div className={styles.grow}>
          <ErrorBox error={session.error} title={session.failedAction === "sign-out" ? "Signing out failed" : "Signing in failed"} />
        </div>
      ) : (
        <div className={`alert alert-warning ${styles.grow}`} role="alert">
          <p className="alert-message">Your sign-in session expired.</p>
          <p className="alert-hint">Sign in again (button at the top right) to see appointments or the activity log.</p>
        </div>
      )}
      <button type="button" className="btn btn-small" onClick={() => (session.error ? session.clearError() : setExpiryDismissed(true))}>
        Dismiss
      </button>
    </div>
  );
}
