"use client";
/**
 * The session in words — "Signed in as Dr. Ada Lovelace (doctor) until 18:30" — with the
 * sign-in and sign-out buttons. (Failures and the expiry notice are shown by SessionBanner.)
 */
import type { RoleName } from "#core/accounts/roles.ts";
import { useWallet } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { useSession, type SignedInSession } from "#web/lib/session.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

const ROLE_ORDER: readonly RoleName[] = ["admin", "receptionist", "doctor", "patient"];
const ROLE_WORD: Readonly<Record<RoleName, string>> = { admin: "administrator", receptionist: "receptionist", doctor: "doctor", patient: "patient" };

/** "administrator, doctor" or "no role". */
export function rolesText(roles: SignedInSession["roles"]): string {
  const held = ROLE_ORDER.filter((r) => roles[r]).map((r) => ROLE_WORD[r]);
  return held.length > 0 ? held.join(", ") : "no role";
}

/** Local date and time of an ISO instant, e.g. "25/11/2026, 18:30". */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "Signed in as <name> (<roles>) until <time>". */
export function sessionSummary(session: SignedInSession, nameOf: (address: string) => string): string {
  return `Signed in as ${nameOf(session.address)} (${rolesText(session.roles)}) until ${localTime(session.expiresAt)}`;
}

/** A card with the session's state and the sign-in / sign-out buttons. */
export function SessionStatus() {
  const wallet = useWallet();
  const session = useSession();
  const nameOf = useNameOf();
  const current = session.session;
  return (
    <section className="card" aria-labelledby="session-title" data-testid="session-status" data-signed-in={session.signedInAsWallet ? "true" : "false"}>
      <h2 id="session-title" className="visually-hidden">
        Sign-in session
      </h2>
      {current === undefined && !session.loadError ? <Spinner label="Checking your sign-in session…" /> : null}
      <ErrorBox error={session.loadError} title="Your session could not be read" />
      {current?.signedIn ? (
        <p data-testid="session-summary">
          <strong>{sessionSummary(current, nameOf)}</strong>
          {wallet.isConnected && !session.signedInAsWallet ? <span className="muted"> — not the account your wallet is connected with.</span> : null}
        </p>
      ) : current ? (
        <p>You are not signed in. Signing in proves, with a signature from your wallet (no transaction, no fee), that you hold your account.</p>
      ) : null}
      <div className="row">
        {wallet.isConnected && !wallet.wrongNetwork && !session.signedInAsWallet ? (
          <button type="button" className="btn btn-primary" disabled={session.pending !== null} onClick={() => void session.signIn()}>
            {session.pending === "signing-in" ? "Signing in…" : "Sign in with your wallet"}
          </button>
        ) : null}
        {current?.signedIn ? (
          <button type="button" className="btn" disabled={session.pending !== null} onClick={() => void session.signOut()}>
            {session.pending === "signing-out" ? "Signing out…" : "Sign out"}
          </button>
        ) : null}
        {!wallet.isConnected ? <span className="muted">Connect your wallet first (button at the top right).</span> : null}
        {wallet.wrongNetwork ? <span className="muted">Switch your wallet to MedLedger&apos;s network first.</span> : null}
      </div>
    </section>
  );
}
