"use client";
/**
 * The reception's way to take a new patient's registration code: type the short code (fetched
 * from the server and checked against it), scan the QR code with the device camera (any browser
 * with a camera: its own BarcodeDetector, or ZXing in WebAssembly loaded on the click,
 * web/lib/qrReader.ts), or paste the full code. Whatever the way, the code is decoded in
 * core exactly like a pasted one, and the patient's account is shown to confirm with the patient.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Address } from "viem";
import { formatShortCode, normalizeShortCode } from "#core/patients/shortCodeText.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { queryKeys } from "#web/lib/queryKeys.ts";
import type { QrReader } from "#web/lib/qrReader.ts";
import { fetchRegistrationCode } from "#web/lib/registrationCodes.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { TextArea } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";

export interface ResolvedRegistration {
  /** The full registration code. */
  readonly code: string;
  readonly account: Address;
  /** The short code it came from, if it was typed as one. */
  readonly short: string | undefined;
}

/** The registration code `text` stands for (a short code or the full code), decoded for this contract. */
export function useResolvedRegistration(text: string) {
  const reader = useLedgerReader();
  const trimmed = text.trim();
  const short = normalizeShortCode(trimmed);
  return useQuery({
    queryKey: short ? queryKeys.api.registrationCode(short) : ["registration-code", trimmed],
    queryFn: async ({ signal }): Promise<ResolvedRegistration> => {
      const code = short ? await fetchRegistrationCode(short, signal) : trimmed;
      const { decodeRegistrationRequest } = await import("#core/patients/registration.ts"); // its schema, once a code is typed
      return { code, account: decodeRegistrationRequest(code, reader).account, short };
    },
    enabled: trimmed.length > 0,
    retry: false,
    staleTime: 60_000,
  });
}

const NO_SUBSCRIPTION = () => () => undefined;
/** Whether this browser can use a camera here (a secure page with media devices); the QR reader comes with the click. */
function useCanScan(): boolean {
  return useSyncExternalStore(
    NO_SUBSCRIPTION,
    () => Boolean(navigator.mediaDevices?.getUserMedia),
    () => false,
  );
}

/** The camera's picture, read for a QR code until one is found. */
function QrScanner({ onCode, onClose }: { onCode: (text: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let detector: QrReader | undefined;
    const look = async () => {
      if (stopped || !video.current || !detector) return;
      try {
        const found = await detector.detect(video.current);
        const value = found[0]?.rawValue;
        if (value) return onCode(value);
      } catch {
        // A frame that is not ready yet: look at the next one.
      }
      timer = setTimeout(() => void look(), 250);
    };
    // The reader (ZXing's WebAssembly where the browser has none) loads now, on the click, not with the page.
    const reader = import("#web/lib/qrReader.ts").then(({ createQrReader }) => createQrReader());
    reader.then(
      (loaded) => {
        detector = loaded;
        void look();
      },
      () => setError("The QR code reader could not be loaded. Type the short code or paste the code instead."),
    );
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(
      async (s) => {
        stream = s;
        if (stopped || !video.current) return s.getTracks().forEach((t) => t.stop());
        video.current.srcObject = s;
        await video.current.play().catch(() => undefined);
        void look();
      },
      () => setError("The camera could not be opened (allow it in the browser, or paste the code instead)."),
    );
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onCode]);
  return (
    <div className="qr-scanner" data-testid="qr-scanner">
      <video ref={video} muted playsInline width={320} height={240} aria-label="Camera picture: hold the patient's QR code in front of it" />
      {error ? <p className="field-error">{error}</p> : <p className="small">Hold the QR code on the patient&apos;s screen in front of the camera.</p>}
      <button type="button" className="btn btn-small" onClick={onClose}>
        Stop scanning
      </button>
    </div>
  );
}

export function RegistrationCodeField({
  value,
  onChange,
  error,
  resolved,
}: {
  value: string;
  onChange: (text: string) => void;
  error: string | undefined;
  /** {@link useResolvedRegistration} of `value`. */
  resolved: ReturnType<typeof useResolvedRegistration>;
}) {
  const canScan = useCanScan();
  const [scanning, setScanning] = useState(false);
  const short = normalizeShortCode(value);
  return (
    <div className="registration-code-field">
      <TextArea
        label="Short code or registration code"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        rows={2}
        className="mono"
        data-testid="registration-code-input"
        help={
          canScan
            ? "Type the 8-character short code the patient reads out, scan their QR code, or paste their full registration code."
            : "Type the 8-character short code the patient reads out, or paste their full registration code (this browser gives the page no camera)."
        }
      />
      {canScan ? (
        scanning ? (
          <QrScanner
            onCode={(text) => {
              setScanning(false);
              onChange(text);
            }}
            onClose={() => setScanning(false)}
          />
        ) : (
          <button type="button" className="btn btn-small" onClick={() => setScanning(true)} data-testid="scan-qr">
            Scan the QR code
          </button>
        )
      ) : null}
      {resolved.isFetching ? <Spinner label={short ? `Looking up ${formatShortCode(short)}…` : "Reading the code…"} /> : null}
      {resolved.data ? (
        <p className="confirm-account" data-testid="registration-account">
          Patient&apos;s account: <AddressText value={resolved.data.account} full />
          <br />
          <span className="small">Check with the patient that their screen shows this account before you register them.</span>
        </p>
      ) : null}
      <ErrorBox error={resolved.error} title="This code cannot be used" />
    </div>
  );
}
