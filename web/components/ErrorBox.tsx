"use client";
/** Shows a failure as MedLedgerError's message and hint (never a stack trace). */
import { toUserError } from "../lib/userError.ts";

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const { message, hint, code } = toUserError(error);
  return (
    <div className="alert alert-error" role="alert" data-error-code={code}>
      {title ? <strong className="alert-title">{title}</strong> : null}
      <p className="alert-message">{message}</p>
      {hint ? <p className="alert-hint">{hint}</p> : null}
    </div>
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
