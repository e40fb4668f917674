"use client";
/** The admin's emergency switch: pause or resume every write to the ledger. */
import { writeLedger } from "#core/contract/calls.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { usePaused } from "#web/lib/queries.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

const setPaused = async (writer: LedgerWriter, pause: boolean) => (await writeLedger(writer, pause ? "pause" : "unpause", [])).hash;

export function PauseControl() {
  const paused = usePaused();
  const action = useLedgerAction(setPaused, {
    pending: (pause) => (pause ? "Pausing all changes…" : "Resuming changes…"),
    success: (_hash, pause) => (pause ? "MedLedger is paused: no changes are accepted until you resume." : "MedLedger accepts changes again."),
    failure: (pause) => (pause ? "MedLedger was not paused" : "MedLedger was not resumed"),
  });
  return (
    <section className="card" aria-labelledby="pause-title">
      <h2 id="pause-title">Ledger status</h2>
      {paused.isPending ? <Spinner label="Reading…" /> : null}
      <ErrorBox error={paused.error} />
      {paused.data !== undefined ? (
        <div className="row">
          <p data-testid="pause-state" data-paused={String(paused.data)} style={{ margin: 0 }}>
            {paused.data ? <span className="badge badge-off">paused</span> : <span className="badge badge-ok">accepting changes</span>}{" "}
            {paused.data ? "No staff, patient or report changes are accepted." : "Staff, reception, doctors and patients can make changes."}
          </p>
          {paused.data ? (
            <button type="button" className="btn btn-primary" disabled={action.pending} onClick={() => void action.run(false)}>
              Resume (unpause)
            </button>
          ) : (
            <ConfirmButton
              label="Pause all changes"
              confirmLabel="Pause all changes"
              className="btn btn-danger"
              disabled={action.pending}
              explanation="Nobody — staff, reception, doctors or patients — can make any change in MedLedger until you resume: no new reports, no sharing, no registrations. Reading and verifying reports keeps working."
              onConfirm={() => void action.run(true)}
            />
          )}
          {action.pending ? <Spinner label="Waiting for the wallet and the network…" /> : null}
        </div>
      ) : null}
    </section>
  );
}
