"use client";
/**
 * Role awareness: what the connected account may do (read from the contract's hasRole), and a
 * gate that shows a page only to the role it is for, explaining what to do otherwise.
 */
import Link from "next/link";
import type { ReactNode } from "react";
import type { Address } from "viem";
import type { RoleName, Roles } from "#core/accounts/roles.ts";
import { useWallet } from "../lib/ledgerContext.tsx";
import { useRoles } from "../lib/queries.ts";
import { AddressText } from "./AddressText.tsx";
import { ErrorBox } from "./ErrorBox.tsx";
import { Spinner } from "./Progress.tsx";

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
      <p>
        This account is not registered with the hospital. Patients are registered by the hospital&apos;s reception; doctors and
        receptionists are added by its administrator.
      </p>
      <p>Give them your account address:</p>
      <p className="address-box"><AddressText value={address} full copy /></p>
      <p className="muted">Anyone can still check a report on the <Link href="/verify">Verify</Link> page, with no wallet.</p>
    </div>
  );
}

/** The connected account's roles and what each allows. */
export function AccountSummary() {
  const wallet = useWallet();
  const roles = useRoles(wallet.address);
  if (!wallet.address) return <p className="muted">Connect a wallet to see what your account may do.</p>;
  if (roles.isPending) return <Spinner label="Reading your roles from the contract…" />;
  if (roles.error) return <ErrorBox error={roles.error} />;
  const held = heldRoles(roles.data);
  if (held.length === 0) return <NoRole address={wallet.address} />;
  return (
    <div className="card" data-testid="account-roles" data-roles={held.join(",")}>
      <h2>Your account</h2>
      <p><AddressText value={wallet.address} full copy /></p>
      <ul className="role-list">
        {held.map((role) => (
          <li key={role}>
            <Link href={ROLE_INFO[role].href} className="role-badge">{ROLE_INFO[role].label}</Link> — you may {ROLE_INFO[role].can}.
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Renders `children(address)` only for a connected account on the right network holding `role`. */
export function RoleGate({ role, children }: { role: RoleName; children: (address: Address) => ReactNode }) {
  const wallet = useWallet();
  const roles = useRoles(wallet.address);
  if (!wallet.isConnected || !wallet.address) {
    return (
      <div className="card">
        <p>Connect your wallet to use the {ROLE_INFO[role].label.toLowerCase()} page (button at the top right).</p>
      </div>
    );
  }
  if (wallet.wrongNetwork) return <div className="card"><p>Switch your wallet to MedLedger&apos;s network first (see the banner above).</p></div>;
  if (roles.isPending) return <Spinner label="Reading your roles from the contract…" />;
  if (roles.error) return <ErrorBox error={roles.error} />;
  if (!roles.data[role]) {
    const held = heldRoles(roles.data);
    if (held.length === 0) return <NoRole address={wallet.address} />;
    return (
      <div className="card" data-testid="wrong-role">
        <p>
          This page is for the {ROLE_INFO[role].label.toLowerCase()} role, which your account does not hold. Your account is{" "}
          {held.map((r, i) => (
            <span key={r}>{i > 0 ? ", " : ""}<Link href={ROLE_INFO[r].href}>{ROLE_INFO[r].label}</Link></span>
          ))}
          .
        </p>
      </div>
    );
  }
  return <>{children(wallet.address)}</>;
}
