"use client";
/**
 * An address or hash, shortened for display (kept on one line) with the full value in the title and
 * a copy button; in full it wraps anywhere, so it never widens a phone's page.
 */
import { useState } from "react";

export function shorten(value: string, keep = 6): string {
  return value.length <= keep * 2 + 3 ? value : `${value.slice(0, keep + 2)}…${value.slice(-keep + 2)}`;
}

export function AddressText({ value, full = false, copy = false, label }: { value: string; full?: boolean; copy?: boolean; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className={full ? "mono address" : "mono address address-short"} title={value}>
      {full ? value : shorten(value)}
      {copy ? (
        <button
          type="button"
          className="btn-link copy"
          aria-label={`Copy ${label ?? "address"}`}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? "copied" : "copy"}
        </button>
      ) : null}
    </span>
  );
}
