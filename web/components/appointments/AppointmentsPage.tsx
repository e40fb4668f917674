"use client";
/**
 * Appointments for a signed-in patient (request with an assigned doctor, cancel), doctor and
 * receptionist (confirm, reschedule, decline): requests to answer, upcoming appointments by day,
 * and — on demand — past and closed ones. The server decides visibility and refuses double booking.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Address } from "viem";
import type { Roles } from "#core/accounts/roles.ts";
import { apiRequest } from "#web/lib/api.ts";
import { isOpen, type AppointmentJson } from "#web/lib/appointments.ts";
import { useNameOf } from "#web/lib/queries.ts";
import { API_QUERY_ROOT, useSession } from "#web/lib/session.tsx";
import { toUserError } from "#web/lib/userError.ts";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { SessionGate } from "../session/SessionGate.tsx";
import { SessionStatus } from "../session/SessionStatus.tsx";
import { AppointmentList } from "./AppointmentList.tsx";
import { RequestForm } from "./RequestForm.tsx";

export function AppointmentsPage() {
  return (
    <SessionGate roles={["patient", "doctor", "receptionist"]} purpose="see and book appointments">
      {(session) => (
        <>
          <SessionStatus />
          <Appointments me={session.address} roles={session.roles} />
        </>
      )}
    </SessionGate>
  );
}

const KEY = [API_QUERY_ROOT, "appointments"] as const;

function Appointments({ me, roles }: { me: Address; roles: Roles }) {
  const nameOf = useNameOf();
  const { refresh } = useSession();
  const [showClosed, setShowClosed] = useState(false);
  const list = useQuery({
    queryKey: KEY,
    queryFn: ({ signal }) => apiRequest<{ appointments: AppointmentJson[] }>("/api/appointments", { signal }),
    refetchInterval: 15_000,
  });
  const code = list.error ? toUserError(list.error).code : undefined;
  useEffect(() => {
    if (code === "NOT_SIGNED_IN" || code === "SESSION_EXPIRED") void refresh();
  }, [code, refresh]);

  const reload = () => void list.refetch();
  const all = list.data?.appointments ?? [];
  const now = Date.now();
  const upcoming = all.filter((a) => isOpen(a) && Date.parse(a.slotEnd) > now);
  const toAnswer = upcoming.filter((a) => a.status === "requested" && (roles.receptionist || (roles.doctor && a.doctor.toLowerCase() === me.toLowerCase())));
  const closed = all.filter((a) => !upcoming.includes(a));
  const staff = roles.doctor || roles.receptionist;

  return (
    <>
      {roles.patient ? <RequestForm patient={me} onRequested={reload} /> : null}
      {staff ? (
        <section className="card" aria-labelledby="to-answer-title" data-testid="appointments-to-answer">
          <h2 id="to-answer-title">Requests to answer</h2>
          <AppointmentList items={toAnswer} me={me} roles={roles} nameOf={nameOf} onChanged={reload} emptyText="No request is waiting." />
        </section>
      ) : null}
      <section className="card" aria-labelledby="upcoming-title" data-testid="appointments-upcoming">
        <div className="section-head">
          <h2 id="upcoming-title">Upcoming appointments</h2>
          <div className="row">
            {list.isFetching ? <Spinner label="Reading appointments…" /> : null}
            <button type="button" className="btn btn-small" onClick={reload}>Reload</button>
          </div>
        </div>
        <ErrorBox error={list.error} title="The appointments could not be read" />
        {list.data ? (
          <AppointmentList items={upcoming.filter((a) => !toAnswer.includes(a))} me={me} roles={roles} nameOf={nameOf} onChanged={reload} emptyText="No upcoming appointment." />
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
            <AppointmentList items={closed} me={me} roles={roles} nameOf={nameOf} onChanged={reload} emptyText="None." />
          </div>
        ) : null}
      </section>
    </>
  );
}
