"use client";
/**
 * A link (and its QR code) that opens the verify page pre-filled with a report's digests. The QR
 * encoder is loaded when a link is first shown, not with the page.
 */
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import type { Hex } from "viem";
import { verificationUrl } from "#core/verify/link.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";

const NO_SUBSCRIPTION = () => () => {};

/** This page's origin in the browser; null while rendering on the server. */
function useOrigin(): string | null {
  return useSyncExternalStore(
    NO_SUBSCRIPTION,
    () => window.location.origin,
    () => null,
  );
}

export function VerifyLink({ sha256, sha1 }: { sha256: Hex; sha1: Hex }) {
  const origin = useOrigin();
  const href = origin ? verificationUrl(origin, { sha256, sha1 }) : null;
  const qr = useQuery({
    queryKey: queryKeys.qrCode(href ?? ""),
    queryFn: async () => (await import("qrcode")).default.toDataURL(href!, { margin: 1, width: 168, errorCorrectionLevel: "M" }),
    enabled: href !== null,
    staleTime: Infinity,
    retry: false, // no QR code is shown if it cannot be drawn: the link is enough
  });
  if (!href) return null;
  return (
    <div className="verify-link">
      {qr.data ? <img src={qr.data} alt="QR code of the verification link" width={168} height={168} /> : null}
      <p className="small">
        Verification link (print it on the report or share it):{" "}
        <a href={href} data-testid="verify-link" className="mono">
          {href}
        </a>
      </p>
    </div>
  );
}
