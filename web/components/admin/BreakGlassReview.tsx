"use client";
/**
 * "Break-glass review": every emergency access of the hospital — which doctor opened which
 * patient's reports, why, when and until when, and whether it lasts now — newest first, from the
 * chain. Windowed (rows rendered as they scroll into view) once the list grows long.
 */
import type { EmergencyAccess } from "#core/care/emergency.ts";
import { useEmergencyAccesses } from "#web/lib/emergencyLists.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { Table } from "../Table.tsx";
import { WindowedTable, type Measure } from "../WindowedTable.tsx";

const COLUMNS = ["Opened", "Doctor", "Patient", "Reason", "Until", "Status"];
/** From this many rows on, only the rows in view are rendered. */
const WINDOWED_FROM = 60;
const WHEN = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const when = (seconds: number) => WHEN.format(new Date(seconds * 1000));

export function BreakGlassReview() {
  const nameOf = useNameOf();
  const accesses = useEmergencyAccesses("all");
  const rows = accesses.rows;
  const row = (access: EmergencyAccess, index?: number, measure?: Measure) => (
    <tr key={access.transactionHash} data-index={index} ref={measure} data-active={String(access.active)}>
      <td data-label="Opened">{when(access.at)}</td>
      <td data-label="Doctor">
        {nameOf(access.doctor)}
        <br />
        <AddressText value={access.doctor} />
      </td>
      <td data-label="Patient">
        {nameOf(access.patient)}
        <br />
        <AddressText value={access.patient} />
      </td>
      <td data-label="Reason">{access.reason.label}</td>
      <td data-label="Until">{when(access.until)}</td>
      <td data-label="Status">{access.active ? <span className="badge badge-off">open now</span> : <span className="badge">ended</span>}</td>
    </tr>
  );
  return (
    <section className="card" aria-labelledby="break-glass-title">
      <div className="section-head">
        <h2 id="break-glass-title">Break-glass review</h2>
        {accesses.isPending ? <Spinner label="Reading emergency accesses…" /> : null}
      </div>
      <p className="muted small">Every emergency access a doctor opened to a patient not assigned to them, newest first, as the chain recorded it.</p>
      <ErrorBox error={accesses.error} />
      {rows && rows.length === 0 ? (
        <p className="muted" data-testid="break-glass-review">
          No emergency access so far.
        </p>
      ) : null}
      {rows && rows.length > 0 && rows.length >= WINDOWED_FROM ? (
        <WindowedTable
          columns={COLUMNS}
          count={rows.length}
          loaded={rows.length}
          row={(index, measure) => row(rows[index]!, index, measure)}
          testId="break-glass-review"
        />
      ) : null}
      {rows && rows.length > 0 && rows.length < WINDOWED_FROM ? (
        <Table testId="break-glass-review" columns={COLUMNS}>
          {rows.map((access) => row(access))}
        </Table>
      ) : null}
    </section>
  );
}
