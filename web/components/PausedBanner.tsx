"use client";
/**
 * While the administrator has paused the ledger, every page says so before anyone starts work
 * that would fail: nothing can be registered, shared or changed; reading and verifying still work.
 */
import { usePaused } from "../lib/queries.ts";

export function PausedBanner() {
  const paused = usePaused();
  if (paused.data !== true) return null;
  return (
    <div className="alert alert-warning banner" role="status" data-testid="paused-banner">
      <p>
        <strong>MedLedger is paused by the hospital&apos;s administrator.</strong> Until it resumes, no report can be registered, shared or changed. You can
        still open your reports and verify any report.
      </p>
    </div>
  );
}
