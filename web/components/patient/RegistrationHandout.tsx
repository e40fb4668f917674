"use client";
/**
 * What a new patient shows at the reception: their registration code as a QR code, its short
 * code (the server keeps the code for a day under it; the code is signed and public anyway, and
 * the reception checks what it gets back), their account to confirm, and the full code to copy.
 */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { formatShortCode } from "#core/patients/shortCodeText.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { handInRegistrationCode } from "#web/lib/registrationCodes.ts";
import { AddressText } from "../AddressText.tsx";
import { CopyButton } from "../CopyButton.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

const QR_SIZE = 240;

export function RegistrationHandout({ code, address }: { code: string; address: Address }) {
  const qr = useQuery({
    queryKey: queryKeys.qrCode(code),
    queryFn: async () => (await import("qrcode")).default.toDataURL(code, { margin: 2, width: QR_SIZE, errorCorrectionLevel: "L" }),
    staleTime: Infinity,
    retry: false,
  });
  const short = useQuery({
    queryKey: queryKeys.api.shortCode(code),
    queryFn: () => handInRegistrationCode(code),
    staleTime: Infinity,
    retry: false,
  });
  return (
    <div className="registration-handout" data-testid="registration-handout">
      <div className="row">
        {qr.data ? <img src={qr.data} alt="QR code of your registration code" width={QR_SIZE} height={QR_SIZE} data-testid="registration-qr" /> : null}
        <div>
          <p>Show this QR code at the reception, or read out your short code:</p>
          {short.isPending ? <Spinner label="Getting a short code…" /> : null}
          {short.data ? (
            <p>
              <span className="short-code mono" data-testid="short-code">
                {formatShortCode(short.data.short)}
              </span>{" "}
              <CopyButton text={formatShortCode(short.data.short)} label="Copy short code" testId="copy-short-code" />
              <br />
              <span className="muted small">Good until {new Date(short.data.expiresAt).toLocaleString()}.</span>
            </p>
          ) : null}
          <ErrorBox error={short.error} title="No short code (the QR code and the full code still work)" />
          <p className="small">
            The receptionist sees your account before registering you; check it is yours: <AddressText value={address} full />
          </p>
        </div>
      </div>
      <div className="field">
        <label htmlFor="registration-code">Or the full registration code, to paste</label>
        <textarea id="registration-code" readOnly value={code} rows={4} className="mono" data-testid="registration-code" />
        <div className="row">
          <CopyButton text={code} label="Copy full code" testId="copy-registration-code" />
        </div>
      </div>
    </div>
  );
}
