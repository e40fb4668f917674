"use client";
/** The answer of a verification: genuine, superseded, not registered or MISMATCH, with the record's facts. */
import { issuerLabel, type VerificationReport } from "#core/verify/verify.ts";
import { AddressText } from "../AddressText.tsx";
import { VerifyLink } from "./VerifyLink.tsx";

const HEADINGS = {
  genuine: ["Genuine report", "This file is registered on the ledger and is the current version."],
  superseded: ["Genuine, but superseded", "This file is registered on the ledger, but the doctor has since issued an amended version."],
  "not-registered": ["Not registered", "No MedLedger report has these digests. The file may have been altered, or it was never registered."],
  mismatch: ["MISMATCH — not genuine", "One digest matches a registered report and the other does not. Do not trust this file."],
} as const;

function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

export function Verdict({ result }: { result: VerificationReport }) {
  const record = result.record;
  const [title, explanation] = HEADINGS[result.status];
  return (
    <section className={`verdict verdict-${result.status}`} aria-live="polite" data-testid="verdict" data-status={result.status}>
      <h2>{title}</h2>
      <p>{explanation}</p>
      {result.detail ? <p><strong>{result.detail}</strong></p> : null}
      <dl className="facts">
        {result.digests.sha256 ? (<><dt>SHA-256</dt><dd className="mono">{result.digests.sha256}</dd></>) : null}
        {result.digests.sha1 ? (<><dt>SHA-1</dt><dd className="mono">{result.digests.sha1}</dd></>) : null}
        {record ? (
          <>
            <dt>Issued by</dt>
            <dd data-testid="verdict-doctor">
              {issuerLabel(result.issuer)}{" "}
              <AddressText value={record.doctor} />
            </dd>
            <dt>Registered</dt>
            <dd>{when(record.registeredAt)} (block {record.blockNumber.toString()})</dd>
            <dt>Patient account</dt>
            <dd><AddressText value={record.patient} /></dd>
            {result.status === "mismatch" ? (<><dt>Registered SHA-1</dt><dd className="mono">{record.sha1}</dd><dt>Registered SHA-256</dt><dd className="mono">{record.reportId}</dd></>) : null}
            {record.supersededBy ? (<><dt>Superseded by</dt><dd className="mono">{record.supersededBy}</dd></>) : null}
          </>
        ) : null}
      </dl>
      {record && (result.status === "genuine" || result.status === "superseded") ? <VerifyLink sha256={record.reportId} sha1={record.sha1} /> : null}
    </section>
  );
}
