"use client";
/**
 * A destructive action behind an inline confirmation: the button opens "Are you sure? …" with what
 * the action does, and Confirm / Cancel (Escape cancels; focus moves to Confirm and back).
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

export function ConfirmButton({
  label,
  confirmLabel = "Confirm",
  explanation,
  disabled,
  onConfirm,
  className = "btn btn-small btn-danger",
}: {
  /** The button's text, e.g. "Stop sharing". */
  label: string;
  confirmLabel?: string;
  /** What the action does, in plain words (shown under "Are you sure?"). */
  explanation: ReactNode;
  disabled?: boolean;
  onConfirm: () => void;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const id = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current) openerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking)
    return (
      <button ref={openerRef} type="button" className={className} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <div
      className="confirm"
      role="group"
      aria-labelledby={`${id}-q`}
      aria-describedby={`${id}-what`}
      onKeyDown={(e) => {
        if (e.key === "Escape") setAsking(false);
      }}
    >
      <p id={`${id}-q`} className="confirm-question">
        <strong>Are you sure?</strong>
      </p>
      <p id={`${id}-what`} className="small">
        {explanation}
      </p>
      <div className="row">
        <button
          ref={confirmRef}
          type="button"
          className="btn btn-small btn-danger"
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
