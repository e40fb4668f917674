"use client";
/**
 * A link (and its QR code) that opens the verify page pre-filled with a report's digests. The QR
 * encoder is loaded when a link is first shown, not with the page.
 */
import { useEffect, useState } from "react";
import type { Hex } from "viem";

export function verifyHref(origin: string, digests: { sha256: Hex; sha1: Hex }): string {
  return `${origin}/verify?sha256=${digests.sha256}&sha1=${digests.sha1}`;
}

export function VerifyLink({ sha256, sha1 }: { sha256: Hex; sha1: Hex }) {
  const [href, setHref] = useState<string | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    const url = verifyHref(window.location.origin, { sha256, sha1 });
    setHref(url);
    let current = true;
    import("qrcode")
      .then(({ default: QRCode }) => QRCode.toDataURL(url, { margin: 1, width: 168, errorCorrectionLevel: "M" }))
      .then(
        (dataUrl) => current && setQr(dataUrl),
        () => current && setQr(null),
      );
    return () => {
      current = false;
    };
  }, [sha256, sha1]);
  if (!href) return null;
  return (
    <div className="verify-link">
      {qr ? <img src={qr} alt="QR code of the verification link" width={168} height={168} /> : null}
      <p className="small">
        Verification link (print it on the report or share it):{" "}
        <a href={href} data-testid="verify-link" className="mono">{href}</a>
      </p>
    </div>
  );
}
