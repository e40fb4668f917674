"use client";
/** Site header: brand, page navigation (collapsible on phones) and the wallet control. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useWallet } from "../lib/ledgerContext.tsx";
import { useRoles } from "../lib/queries.ts";
import { useSession } from "../lib/session.tsx";
import { usePatientsOfGuardian } from "../lib/guardians.ts";
import { SessionControl } from "./session/SessionControl.tsx";
import { WalletButton } from "./WalletButton.tsx";

export const PAGES = [
  { href: "/verify", label: "Verify", for: null },
  { href: "/admin", label: "Admin", for: "admin" },
  { href: "/reception", label: "Reception", for: "receptionist" },
  { href: "/doctor", label: "Doctor", for: "doctor" },
  { href: "/patient", label: "Patient", for: "patient" },
] as const;

type Held = Readonly<Record<"admin" | "receptionist" | "doctor" | "patient", boolean>>;

/**
 * The pages a person sees in the menu: everyone the verify page; before we know who they are
 * (no wallet connected) every role's page; once known, only the pages of their roles — and the
 * patient page for an account with no role yet (where a new patient asks to be registered).
 */
export function pagesFor(held: Held | undefined): readonly (typeof PAGES)[number][] {
  if (!held) return PAGES;
  const any = held.admin || held.receptionist || held.doctor || held.patient;
  return PAGES.filter((page) => page.for === null || held[page.for] || (!any && page.for === "patient"));
}

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
  // The guardian's page, only for an account that looks after a patient now.
  const wards = usePatientsOfGuardian(wallet.address);
  const pages = [
    ...pagesFor(wallet.address ? held : undefined),
    ...(wards.data && wards.data.length > 0 ? [{ href: "/guardian", label: "Guardian" }] : []),
    ...SESSION_PAGES.filter((page) => held && page.for.some((role) => held[role])),
  ];
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
