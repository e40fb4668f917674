"use client";
/**
 * A patient's guardians (core/care/guardians.ts), for the patient themselves or for the reception:
 * who, until when, who appointed them; appoint one (optionally with the day it ends); end one behind
 * a confirmation. A patient cannot end a guardian the reception appointed (the card says so), and a
 * patient without ether cannot send these changes (they have no signed form): the card says to ask
 * the reception.
 */
import { useState } from "react";
import type { Address } from "viem";
import { appointGuardian, endGuardianship, guardianshipEndOfDay } from "#core/care/guardians.ts";
import { MedLedgerError } from "#core/errors.ts";
import { parseAddress } from "#core/validation.ts";
import { formatDay } from "#web/lib/dates.ts";
import { clearsOutcome } from "#web/lib/forms.ts";
import { guardianshipEnd, useGuardiansOf } from "#web/lib/guardians.ts";
import { useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useRelayed } from "#web/lib/relay.ts";
import { useAction } from "#web/lib/useAction.ts";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox, Notice } from "../ErrorBox.tsx";
import { TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";

const LEDGER = [queryKeys.ledger.all()];

interface AppointInput {
  readonly guardian: Address;
  readonly until: Date | null;
  readonly day: string;
}

export function GuardiansCard({ patient, as, patientName }: { patient: Address; as: "patient" | "reception"; patientName?: string }) {
  const nameOf = useNameOf();
  const getWriter = useLedgerWriter();
  const guardians = useGuardiansOf(patient);
  // The patient's own changes here are their own transactions (no signed form): without ether, the reception does it.
  const relayed = useRelayed(patient);
  const noEther = as === "patient" && relayed === true;
  const whose = as === "patient" ? "your" : `${patientName ?? nameOf(patient)}'s`;
  const [guardian, setGuardian] = useState("");
  const [day, setDay] = useState("");
  const [guardianError, setGuardianError] = useState<string | undefined>();
  const [dayError, setDayError] = useState<string | undefined>();
  const appoint = useAction(
    async (_progress, input: AppointInput) => appointGuardian(await getWriter(), { patient, guardian: input.guardian, until: input.until }),
    {
      invalidates: LEDGER,
      toast: {
        pending: (input) => `Appointing ${nameOf(input.guardian)} as guardian…`,
        success: (_result, input) => (
          <span data-testid="guardian-appointed">
            {nameOf(input.guardian)} is now {whose} guardian{input.day ? `, ending on ${formatDay(input.day)}` : ""}. They can read {whose} reports and share
            them once the hospital has given them the keys (a moment).
          </span>
        ),
        failure: "Guardian not appointed",
      },
    },
  );
  const end = useAction(async (_progress, who: Address) => endGuardianship(await getWriter(), patient, who), {
    invalidates: LEDGER,
    toast: {
      pending: (who) => `Ending ${nameOf(who)}'s guardianship…`,
      success: (_result, who) => `${nameOf(who)} is no longer ${whose} guardian.`,
      failure: "Guardianship not ended",
    },
  });

  const submit = async () => {
    setGuardianError(undefined);
    setDayError(undefined);
    let account: Address;
    try {
      account = parseAddress(guardian.trim(), "guardian");
    } catch (error) {
      return setGuardianError(error instanceof MedLedgerError ? error.message : "Enter the guardian's account (0x…).");
    }
    let until: Date | null = null;
    if (day) {
      try {
        until = guardianshipEndOfDay(day);
      } catch (error) {
        return setDayError(error instanceof MedLedgerError ? error.message : "Choose a day.");
      }
      if (until.getTime() <= Date.now()) return setDayError(`Choose a later day: ${formatDay(day)} has already begun or passed.`);
    }
    if (await appoint.run({ guardian: account, until, day })) {
      setGuardian("");
      setDay("");
    }
  };

  const list = guardians.data ?? [];
  return (
    <section className="card" aria-labelledby={`guardians-title-${patient}`} data-testid="guardians">
      <h2 id={`guardians-title-${patient}`}>Guardians</h2>
      <p className="small">
        A guardian (a parent, a proxy) can read {whose} reports and share them with doctors, or stop sharing, in {as === "patient" ? "your" : "the patient's"}{" "}
        name. Everything they do is recorded under their own name.
      </p>
      {guardians.isPending ? <Spinner label="Reading the guardians…" /> : null}
      <ErrorBox error={guardians.error} title="Could not read the guardians" />
      {guardians.data && list.length === 0 ? <p className="muted">No guardian.</p> : null}
      {list.length > 0 ? (
        <ul className="plain-list" aria-label="Current guardians">
          {list.map((g) => {
            const name = nameOf(g.guardian);
            const locked = as === "patient" && g.byReception;
            return (
              <li key={g.guardian} data-guardian={g.guardian}>
                <span>
                  <strong>{name}</strong> <AddressText value={g.guardian} /> — {guardianshipEnd(g.until)}, appointed by{" "}
                  {g.byReception ? `the reception (${nameOf(g.appointedBy)})` : as === "patient" ? "you" : "the patient"}
                </span>{" "}
                {locked ? (
                  <span className="small muted" data-testid="reception-guardian-note">
                    The reception appointed this guardian: only the reception can end it{g.until === null ? "" : ", or it ends by itself on its date"}.
                  </span>
                ) : (
                  <ConfirmButton
                    label={`End ${name}'s guardianship`}
                    confirmLabel="End the guardianship"
                    disabled={end.pending || noEther}
                    explanation={`${name} will no longer be able to read ${whose} reports or share them. Copies they already downloaded cannot be taken back. You can appoint them again later.`}
                    onConfirm={() => void end.run(g.guardian)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {noEther ? (
        <Notice>
          <span data-testid="guardian-no-ether">
            Appointing or ending a guardian is sent from your own account and needs a little ether, which your account does not hold. Ask the hospital&apos;s
            reception to do it for you.
          </span>
        </Notice>
      ) : (
        <form
          className="form"
          aria-label="Appoint a guardian"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <TextField
            label="Guardian's account"
            value={guardian}
            placeholder="0x…"
            autoComplete="off"
            spellCheck={false}
            error={guardianError}
            onChange={clearsOutcome(appoint, (e) => setGuardian(e.target.value))}
            help="The guardian first opens MedLedger's Guardian page (/guardian) once with this account, so that their key is published."
          />
          <TextField
            label="Ends on (optional)"
            type="date"
            value={day}
            error={dayError}
            onChange={clearsOutcome(appoint, (e) => setDay(e.target.value))}
            help={
              as === "reception"
                ? "The day the guardianship ends, e.g. a minor's 18th birthday; leave it empty for no end date. Only the reception can end it earlier."
                : "The day the guardianship ends; leave it empty for no end date. You can end it at any time."
            }
          />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={appoint.pending}>
              {appoint.pending ? "Appointing…" : "Appoint guardian"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
