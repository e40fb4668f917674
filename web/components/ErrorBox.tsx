"use client";
/**
 * Shows a failure in plain words (MedLedgerError's message and hint, never a stack trace); the
 * technical part (which node, which setting, the raw error) only behind "Technical details".
 */
import { toUserError, type UserError } from "../lib/userError.ts";
import styles from "./feedback.module.css";

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const user = toUserError(error);
  return (
    <div className="alert alert-error" role="alert" data-error-code={user.code}>
      {title ? <strong className="alert-title">{title}</strong> : null}
      <ErrorText error={user} />
    </div>
  );
}

/** The message, the hint and the (closed) technical details of a failure: in ErrorBox and in a failed transaction's toast. */
export function ErrorText({ error }: { error: UserError }) {
  return (
    <>
      <p className="alert-message">{error.message}</p>
      {error.hint ? <p className="alert-hint">{error.hint}</p> : null}
      {error.details ? (
        <details className={styles.details} data-testid="error-details">
          <summary>Technical details</summary>
          <p className={styles.detailsText}>
            {error.code}: {error.details}
          </p>
        </details>
      ) : null}
    </>
  );
}

/** A neutral or positive notice. */
export function Notice({ kind = "info", children }: { kind?: "info" | "success" | "warning"; children: React.ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === "warning" ? "alert" : "status"}>
      {children}
    </div>
  );
}
