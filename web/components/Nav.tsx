"use client";
/** Site header: brand, page navigation (collapsible on phones) and the wallet control. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { WalletButton } from "./WalletButton.tsx";

export const PAGES = [
  { href: "/verify", label: "Verify" },
  { href: "/admin", label: "Admin" },
  { href: "/reception", label: "Reception" },
  { href: "/doctor", label: "Doctor" },
  { href: "/patient", label: "Patient" },
] as const;

export function Nav() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  return (
    <header className="site-header">
      <div className="header-inner">
        <Link href="/" className="brand" aria-label="MedLedger home">
          <span className="brand-mark" aria-hidden="true">✚</span> MedLedger
        </Link>
        <button
          type="button"
          className="btn-icon nav-toggle"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen((o) => !o)}
        >
          <span className="visually-hidden">Menu</span>☰
        </button>
        <nav id="main-nav" aria-label="Main" className={open ? "nav nav-open" : "nav"}>
          <ul>
            {PAGES.map((page) => {
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
        <div className="header-wallet">
          <WalletButton />
        </div>
      </div>
    </header>
  );
}
