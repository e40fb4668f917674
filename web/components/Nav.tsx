"use client";
/** Site header: brand, page navigation (collapsible on phones) and the wallet control. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useWallet } from "../lib/ledgerContext.tsx";
import { useRoles } from "../lib/queries.ts";
import { useSession } from "../lib/session.tsx";
import { SessionControl } from "./session/SessionControl.tsx";
import { WalletButton } from "./WalletButton.tsx";

export const PAGES = [
  { href: "/verify", label: "Verify" },
  { href: "/admin", label: "Admin" },
  { href: "/reception", label: "Reception" },
  { href: "/doctor", label: "Doctor" },
  { href: "/patient", label: "Patient" },
] as const;

/** Pages behind a sign-in session, linked for the roles that use them. */
const SESSION_PAGES = [
  { href: "/appointments", label: "Appointments", for: ["patient", "doctor", "receptionist"] },
  { href: "/activity", label: "Activity", for: ["admin"] },
] as const;

export function Nav() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const wallet = useWallet();
  const roles = useRoles(wallet.address);
  const session = useSession();
  const held = session.session?.signedIn ? session.session.roles : roles.data;
  const pages = [...PAGES, ...SESSION_PAGES.filter((page) => held && page.for.some((role) => held[role]))];
  return (
    <header className="site-header">
      <div className="header-inner">
        <Link href="/" className="brand" aria-label="MedLedger home">
          <span className="brand-mark" aria-hidden="true">
            ✚
          </span>{" "}
          MedLedger
        </Link>
        <button type="button" className="btn-icon nav-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen((o) => !o)}>
          <span className="visually-hidden">Menu</span>☰
        </button>
        <nav id="main-nav" aria-label="Main" className={open ? "nav nav-open" : "nav"}>
          <ul>
            {pages.map((page) => {
              const active = pathname === page.href || pathname.startsWith(`${page.href}/`);
              return (
                <li key={page.href}>
                  <Link href={page.href} aria-current={active ? "page" : undefined} onClick={() => setOpen(false)}>
                    {page.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="header-wallet row">
          <WalletButton />
          <SessionControl />
        </div>
      </div>
    </header>
  );
}
