"use client";
/**
 * Appointments for a signed-in patient (request with an assigned doctor, cancel), doctor and
 * receptionist (confirm, reschedule, decline): requests to answer, upcoming appointments by day,
 * and — on demand — past and closed ones. The server decides visibility and refuses double booking.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Address } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import { apiRequest } from "#web/lib/api.ts";
import { awaitsAnswerFrom, isOpen, type AppointmentJson } from "#web/lib/appointments.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useSessionLossWatch } from "#web/lib/session.tsx";
import { AccessGate } from "../AccessGate.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { AppointmentList } from "./AppointmentList.tsx";
import { RequestForm } from "./RequestForm.tsx";

export function AppointmentsPage() {
  return (
    <AccessGate roles={["patient", "doctor", "receptionist"]} session purpose="see and book appointments">
      {(address, { roles }) => <Appointments me={address} roles={roles} />}
    </AccessGate>
  );
}

function Appointments({ me, roles }: { me: Address; roles: Roles }) {
  const nameOf = useNameOf();
  const [showClosed, setShowClosed] = useState(false);
  const list = useQuery({
    queryKey: queryKeys.api.appointments(),
    queryFn: ({ signal }) => apiRequest<{ appointments: AppointmentJson[] }>("/api/appointments", { signal }),
    refetchInterval: 15_000,
  });
  useSessionLossWatch(list.error);

  const reload = () => void list.refetch();
  const all = list.data?.appointments ?? [];
  // "Upcoming" as of the list's last read (refetched every 15 s), not of each render.
  const upcoming = all.filter((a) => isOpen(a) && Date.parse(a.slotEnd) > list.dataUpdatedAt);
  const toAnswer = upcoming.filter((a) => awaitsAnswerFrom(a, me, roles));
  const closed = all.filter((a) => !upcoming.includes(a));
  const staff = roles.doctor || roles.receptionist;

  return (
    <>
      {roles.patient ? <RequestForm patient={me} /> : null}
      {staff ? (
        <section className="card" aria-labelledby="to-answer-title" data-testid="appointments-to-answer">
          <h2 id="to-answer-title">Requests to answer</h2>
          <AppointmentList items={toAnswer} me={me} roles={roles} nameOf={nameOf} emptyText="No request is waiting." />
        </section>
      ) : null}
      <section className="card" aria-labelledby="upcoming-title" data-testid="appointments-upcoming">
        <div className="section-head">
          <h2 id="upcoming-title">Upcoming appointments</h2>
          <div className="row">
            {list.isFetching ? <Spinner label="Reading appointments…" /> : null}
            <button type="button" className="btn btn-small" onClick={reload}>
              Reload
            </button>
          </div>
        </div>
        <ErrorBox error={list.error} title="The appointments could not be read" />
        {list.data ? (
          <AppointmentList items={upcoming.filter((a) => !toAnswer.includes(a))} me={me} roles={roles} nameOf={nameOf} emptyText="No upcoming appointment." />
        ) : null}
      </section>
      <section className="card" aria-labelledby="closed-title">
        <div className="section-head">
          <h2 id="closed-title">Past, declined and cancelled</h2>
          <button type="button" className="btn btn-small" aria-expanded={showClosed} aria-controls="closed-list" onClick={() => setShowClosed((v) => !v)}>
            {showClosed ? "Hide" : `Show (${closed.length})`}
          </button>
        </div>
        {showClosed ? (
          <div id="closed-list">
            <AppointmentList items={closed} me={me} roles={roles} nameOf={nameOf} emptyText="None." />
          </div>
        ) : null}
      </section>
    </>
  );
}
