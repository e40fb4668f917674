"use client";
/**
 * The answer of a verification, in plain words (core's describeVerdict): genuine, superseded,
 * DISPUTED (every claimant listed, none genuine), fraudulent, MISMATCH, not registered, on record
 * (no file: the file is needed to confirm) or a partial (SHA-1 only) match.
 */
import { claimLabel, describeVerdict, issuerLabel, type VerificationReport, type VerifiedClaim } from "#core/verify/verify.ts";
import { AddressText } from "../AddressText.tsx";
import { VerifyLink } from "./VerifyLink.tsx";

const CLAIM_WORDS: Readonly<Record<VerifiedClaim["status"], string>> = {
  current: "claims to have issued this report",
  superseded: "claims to have issued this report (since amended)",
  mismatch: "registered these fingerprints with another SHA-1: not this file",
  fraudulent: "marked fraudulent by the administrator (ignored)",
};

function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

export function Verdict({ result }: { result: VerificationReport }) {
  const record = result.status === "disputed" ? undefined : result.record;
  const text = describeVerdict(result);
  const others = result.claims.filter((c) => result.status === "disputed" || c.reportId !== record?.reportId);
  return (
    <section className={`verdict verdict-${result.status}`} aria-live="polite" data-testid="verdict" data-status={result.status}>
      <h2>{text.title}</h2>
      <p>{text.explanation}</p>
      {text.advice ? (
        <p>
          <strong>{text.advice}</strong>
        </p>
      ) : null}
      {result.detail && result.status !== "mismatch" ? <p>{result.detail}</p> : null}
      <dl className="facts">
        {result.digests.sha256 ? (
          <>
            <dt>SHA-256</dt>
            <dd className="mono">{result.digests.sha256}</dd>
          </>
        ) : null}
        {result.digests.sha1 ? (
          <>
            <dt>SHA-1</dt>
            <dd className="mono">{result.digests.sha1}</dd>
          </>
        ) : null}
        {record ? (
          <>
            <dt>Issued by</dt>
            <dd data-testid="verdict-doctor">
              {issuerLabel(result.issuer)} <AddressText value={record.doctor} />
            </dd>
            <dt>Registered</dt>
            <dd>{when(record.registeredAt)}</dd>
            <dt>Patient account</dt>
            <dd>
              <AddressText value={record.patient} />
            </dd>
            {result.status === "mismatch" ? (
              <>
                <dt>Registered SHA-1</dt>
                <dd className="mono">{record.sha1}</dd>
                <dt>Registered SHA-256</dt>
                <dd className="mono">{record.sha256}</dd>
              </>
            ) : null}
            {record.supersededBy ? (
              <>
                <dt>Superseded by</dt>
                <dd className="mono">{record.supersededBy}</dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      {others.length > 0 ? (
        <>
          <h3>{result.status === "disputed" ? "Claimants" : "Other registrations of these fingerprints"}</h3>
          <ul data-testid="verdict-claims">
            {others.map((claim) => (
              <li key={claim.reportId} data-claim-status={claim.status}>
                {claimLabel(claim)}: {CLAIM_WORDS[claim.status]}.
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {record && (result.status === "genuine" || result.status === "superseded") ? <VerifyLink sha256={record.sha256} sha1={record.sha1} /> : null}
    </section>
  );
}
