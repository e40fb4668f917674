"use client";
/** The home page's card: the connected account's roles and what each allows (or how to get one). */
import Link from "next/link";
import { useWallet } from "../lib/ledgerContext.tsx";
import { useRoles } from "../lib/queries.ts";
import { heldRoles, NoRole, ROLE_INFO } from "./AccessGate.tsx";
import { AddressText } from "./AddressText.tsx";
import { ErrorBox } from "./ErrorBox.tsx";
import { Spinner } from "./Progress.tsx";

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
      <p>
        <AddressText value={wallet.address} full copy />
      </p>
      <ul className="role-list">
        {held.map((role) => (
          <li key={role}>
            <Link href={ROLE_INFO[role].href} className="role-badge">
              {ROLE_INFO[role].label}
            </Link>{" "}
            — you may {ROLE_INFO[role].can}.
          </li>
        ))}
      </ul>
    </div>
  );
}
