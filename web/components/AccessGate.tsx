"use client";
/**
 * The one gate in front of every page that needs a wallet: it shows the page only to a connected
 * wallet on MedLedger's network, signed in to the server when the page needs a session, holding
 * one of the page's roles — and otherwise says what to do (connect, switch network, sign in, or,
 * without the role, the account's address and how to get registered).
 */
import Link from "next/link";
import type { ReactNode } from "react";
import type { Address } from "viem";
import type { RoleName, Roles } from "#core/accounts/roles.ts";
import { useWallet } from "#web/lib/ledgerContext.tsx";
import { useRoles } from "#web/lib/queries.ts";
import { useSession, type SignedInSession } from "#web/lib/session.tsx";
import { AddressText } from "./AddressText.tsx";
import { NewPatientHelp } from "./NewPatientHelp.tsx";
import { ErrorBox } from "./ErrorBox.tsx";
import { Spinner } from "./Progress.tsx";
import { SessionStatus } from "./session/SessionStatus.tsx";

export const ROLE_INFO: Readonly<Record<RoleName, { label: string; href: string; can: string }>> = {
  admin: { label: "Administrator", href: "/admin", can: "manage doctors and receptionists, pause the ledger, read the audit trail" },
  receptionist: { label: "Receptionist", href: "/reception", can: "register patients and assign them to doctors" },
  doctor: { label: "Doctor", href: "/doctor", can: "upload reports for your assigned patients and read reports shared with you" },
  patient: { label: "Patient", href: "/patient", can: "read your reports, share them with doctors and revoke access" },
};

export function heldRoles(roles: Roles): RoleName[] {
  return (Object.keys(ROLE_INFO) as RoleName[]).filter((r) => roles[r]);
}

/** For an account without any role: how to get one. */
export function NoRole({ address }: { address: Address }) {
  return (
    <div className="card" data-testid="no-role">
      <h2>No MedLedger role yet</h2>
      <p>This account is not registered with the hospital.</p>
      <NewPatientHelp />
      <p>Doctors and receptionists: the hospital&apos;s administrator adds you by this account address:</p>
      <p className="address-box">
        <AddressText value={address} full copy />
      </p>
      <p className="muted">
        Anyone can still check a report on the <Link href="/verify">Verify</Link> page, with no wallet.
      </p>
    </div>
  );
}

/** "the doctor role", "the patient, doctor or receptionist role". */
function roleWords(roles: readonly RoleName[]): string {
  const words = roles.map((r) => ROLE_INFO[r].label.toLowerCase());
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : (words[0] ?? "");
}

/** For an account holding other roles than the page's: which ones, with their pages. */
function WrongRole({ needed, held }: { needed: readonly RoleName[]; held: readonly RoleName[] }) {
  return (
    <div className="card" data-testid="wrong-role">
      <p>
        This page is for the {roleWords(needed)} role, which your account does not hold. Your account is{" "}
        {held.map((r, i) => (
          <span key={r}>
            {i > 0 ? ", " : ""}
            <Link href={ROLE_INFO[r].href}>{ROLE_INFO[r].label}</Link>
          </span>
        ))}
        .
      </p>
    </div>
  );
}

/** What a page behind the gate is given. */
export interface Access {
  /** The roles the account holds (from the session when the page needs one, else from the contract). */
  readonly roles: Roles;
  /** The sign-in session, when the page needs one. */
  readonly session: SignedInSession | undefined;
}

export interface AccessGateProps {
  /** Any one of these roles admits; every connected account when absent. */
  roles?: readonly RoleName[];
  /** Whether the page needs a sign-in session with MedLedger's server (its status card is shown above the page). */
  session?: boolean;
  /** Completes "Connect your wallet to …" / "sign in to …": "use the doctor page", "see the activity log". */
  purpose: string;
  /** Shown instead of the standard explanation to an account without the role (e.g. the patient's registration). */
  withoutRole?: (address: Address) => ReactNode;
  children: (address: Address, access: Access) => ReactNode;
}

export function AccessGate({ roles: needed, session: needsSession = false, purpose, withoutRole, children }: AccessGateProps) {
  const wallet = useWallet();
  const session = useSession();
  // The contract's roles, only when the session does not tell them.
  const chainRoles = useRoles(needsSession ? undefined : wallet.address);

  if (!wallet.isConnected || !wallet.address) {
    return (
      <div className="card">
        <p>
          {needsSession
            ? `Connect your wallet (button at the top right), then sign in to ${purpose}.`
            : `Connect your wallet to ${purpose} (button at the top right).`}
        </p>
      </div>
    );
  }
  if (wallet.wrongNetwork)
    return (
      <div className="card">
        <p>Switch your wallet to MedLedger&apos;s network first (see the banner above).</p>
      </div>
    );

  let address: Address = wallet.address;
  let roles: Roles;
  let signedIn: SignedInSession | undefined;
  if (needsSession) {
    if (session.session === undefined) {
      return session.loadError ? (
        <ErrorBox error={session.loadError} title="Your session could not be read" />
      ) : (
        <Spinner label="Checking your sign-in session…" />
      );
    }
    if (!session.session.signedIn || !session.signedInAsWallet) {
      return (
        <>
          <p>Sign in to {purpose}: your wallet signs a short message (no transaction, no fee).</p>
          <SessionStatus />
        </>
      );
    }
    signedIn = session.session;
    address = signedIn.address;
    roles = signedIn.roles;
  } else {
    if (chainRoles.isPending) return <Spinner label="Reading your roles from the contract…" />;
    if (chainRoles.error) return <ErrorBox error={chainRoles.error} />;
    roles = chainRoles.data;
  }

  let page: ReactNode;
  if (needed && !needed.some((r) => roles[r])) {
    const held = heldRoles(roles);
    page = withoutRole ? withoutRole(address) : held.length === 0 ? <NoRole address={address} /> : <WrongRole needed={needed} held={held} />;
  } else {
    page = children(address, { roles, session: signedIn });
  }
  return needsSession ? (
    <>
      <SessionStatus />
      {page}
    </>
  ) : (
    <>{page}</>
  );
}
