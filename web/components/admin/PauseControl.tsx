"use client";
/** The admin's emergency switch: pause or resume every write to the ledger. */
import { writeLedger } from "#core/contract/calls.ts";
import type { LedgerWriter } from "#core/contract/ledger.ts";
import { usePaused } from "#web/lib/queries.ts";
import { useLedgerAction } from "#web/lib/useLedgerAction.ts";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

const setPaused = async (writer: LedgerWriter, pause: boolean) => (await writeLedger(writer, pause ? "pause" : "unpause", [])).hash;

export function PauseControl() {
  const paused = usePaused();
  const action = useLedgerAction(setPaused);
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
          <button
            type="button"
            className={paused.data ? "btn btn-primary" : "btn btn-danger"}
            disabled={action.pending}
            onClick={() => void action.run(!paused.data)}
          >
            {paused.data ? "Resume (unpause)" : "Pause all changes"}
          </button>
          {action.pending ? <Spinner label="Waiting for the wallet and the chain…" /> : null}
        </div>
      ) : null}
      <ErrorBox error={action.error} />
    </section>
  );
}
