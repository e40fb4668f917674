"use client";
/** A button that runs an {@link Action}: disabled and with a spinner while it runs, its failure below. */
import type { ReactNode } from "react";
import type { Action } from "../lib/useAction.ts";
import { ErrorBox } from "./ErrorBox.tsx";
import { Spinner } from "./Progress.tsx";

export function ActionButton({
  action,
  pendingLabel,
  errorTitle,
  className = "btn btn-primary",
  children,
}: {
  action: Pick<Action<[], unknown>, "run" | "pending" | "error">;
  /** Next to the button while the action runs: "Waiting for the wallet…". */
  pendingLabel: string;
  errorTitle?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <>
      <div className="row">
        <button type="button" className={className} disabled={action.pending} onClick={() => void action.run()}>
          {children}
        </button>
        {action.pending ? <Spinner label={pendingLabel} /> : null}
      </div>
      <ErrorBox error={action.error} title={errorTitle} />
    </>
  );
}
