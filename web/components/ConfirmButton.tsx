"use client";
/**
 * A destructive action behind a confirmation: the button opens a modal alert dialog (a real
 * <dialog>, so the rest of the page is inert and Escape cancels) that says in plain words what the
 * action does, with Cancel and Confirm. Focus goes to Cancel (the safe choice) and back to the
 * button when the dialog closes; nothing happens unless Confirm is pressed.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import styles from "./feedback.module.css";

export function ConfirmButton({
  label,
  ariaLabel,
  confirmLabel = "Confirm",
  explanation,
  disabled,
  onConfirm,
  className = "btn btn-small btn-danger",
}: {
  /** The button's text, e.g. "Stop sharing". */
  label: string;
  /** The button's accessible name when its text alone is ambiguous (one per row): "Deactivate Dr Rivera". */
  ariaLabel?: string;
  confirmLabel?: string;
  /** What the action does, in plain words (shown under "Are you sure?"). */
  explanation: ReactNode;
  disabled?: boolean;
  onConfirm: () => void;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (asking) {
      if (dialog && !dialog.open) dialog.showModal();
      cancelRef.current?.focus();
    } else if (wasAsking.current) {
      if (dialog?.open) dialog.close();
      openerRef.current?.focus();
    }
    wasAsking.current = asking;
  }, [asking]);
  return (
    <>
      <button
        ref={openerRef}
        type="button"
        className={className}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-haspopup="dialog"
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
      {asking ? (
        <dialog
          ref={dialogRef}
          className={styles.confirmDialog}
          role="alertdialog"
          aria-modal="true"
          aria-labelledby={`${id}-q`}
          aria-describedby={`${id}-what`}
          // Escape (the dialog's own "cancel"): closed through the state, so focus goes back to the button.
          onCancel={(e) => {
            e.preventDefault();
            setAsking(false);
          }}
        >
          <h2 id={`${id}-q`} className={styles.confirmQuestion}>
            Are you sure?
          </h2>
          <p id={`${id}-what`} className={styles.confirmWhat}>
            {explanation}
          </p>
          <div className={styles.confirmButtons}>
            <button ref={cancelRef} type="button" className="btn" onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => {
                setAsking(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}
