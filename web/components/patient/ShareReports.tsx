"use client";
/**
 * Sharing several or all of the patient's reports with one doctor in one step (core/reports/share.ts
 * `shareReports`: one transaction), optionally until a day; and, per doctor who can read any of
 * them, "Stop sharing everything" (`revokeAllShares`). A patient holding no ETH only signs: the
 * hospital's relayer sends it (web/lib/relay.ts), and the steps say so.
 */
import { useState } from "react";
import type { Address, Hex } from "viem";
import type { EncryptionIdentity } from "#core/identity/encryptionKey.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import type { ReportReader } from "#core/reports/share.ts";
import { shareableDoctorsForMany } from "#core/staff/eligibility.ts";
import { guardianSender } from "#core/care/guardians.ts";
import { formatDay, lastDayOfAccess } from "#web/lib/dates.ts";
import { useLedgerWriter } from "#web/lib/ledgerContext.tsx";
import { clearsOutcome } from "#web/lib/forms.ts";
import { useNameOf, useStaff } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { RELAY_STEPS, useActionSender, type RelayStep } from "#web/lib/relay.ts";
import { useAction, type Progress } from "#web/lib/useAction.ts";
import { ConfirmButton } from "../ConfirmButton.tsx";
import { SelectField, TextField } from "../Field.tsx";
import { Spinner, StepList } from "../Progress.tsx";

// Key wrapping is loaded on first use, not with the page.
export const sharing = () => import("#core/reports/share.ts");

const LEDGER = [queryKeys.ledger.all()];

export type Which = "all" | "chosen";

interface ShareInput {
  readonly reader: Address;
  readonly reports: readonly Hex[] | "all";
  readonly expiresAt: Date | null;
}

/** "3 reports", "1 report". */
export const reportCount = (n: number): string => `${n} report${n === 1 ? "" : "s"}`;

export function ShareReports({
  identity,
  reports,
  chosen,
  which,
  onWhich,
  onShared,
  total,
  forPatient,
}: {
  identity: EncryptionIdentity;
  reports: readonly ReportRecord[];
  /** All of the patient's reports (more than `reports` while the list is still paging). */
  total?: number;
  /** The reports ticked in the list. */
  chosen: ReadonlySet<Hex>;
  which: Which;
  onWhich: (which: Which) => void;
  onShared: () => void;
  /** Share for this patient as their guardian (grantAccessAsGuardian), not as the patient. */
  forPatient?: Address;
}) {
  const staff = useStaff();
  const nameOf = useNameOf();
  const getWriter = useLedgerWriter();
  const [doctor, setDoctor] = useState("");
  const [until, setUntil] = useState("");
  const [untilError, setUntilError] = useState<string | undefined>();
  const [doctorError, setDoctorError] = useState<string | undefined>();
  const [choiceError, setChoiceError] = useState<string | undefined>();
  const senderFor = useActionSender();
  const share = useAction(
    async (progress: Progress<RelayStep>, input: ShareInput) => {
      const writer = await getWriter();
      if (forPatient) return (await sharing()).shareReports(writer, identity, { ...input, forPatient }, guardianSender(writer, forPatient));
      return (await sharing()).shareReports(writer, identity, input, await senderFor(writer, progress));
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: (input) => `Sharing with ${nameOf(input.reader)}…`,
        success: (result) => (
          <span data-testid="share-done">
            {nameOf(result.reader)} can now read {reportCount(result.shared.length + result.alreadyShared.length)}{" "}
            {result.expiresAt ? `until ${lastDayOfAccess(result.expiresAt)}` : "with no end date"}.
          </span>
        ),
        failure: "Not shared",
      },
    },
  );
  const issuers = (which === "all" ? reports : reports.filter((r) => chosen.has(r.reportId))).map((r) => r.doctor);
  const doctors = shareableDoctorsForMany(staff.data ?? [], issuers);

  return (
    <section className="card" aria-labelledby="share-title">
      <h2 id="share-title">Share with a doctor</h2>
      <form
        className="form share-form"
        aria-label="Share reports with a doctor"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void (async () => {
            setUntilError(undefined);
            setChoiceError(undefined);
            setDoctorError(undefined);
            if (!doctor) return setDoctorError("Choose the doctor to share with.");
            if (which === "chosen" && chosen.size === 0) return setChoiceError("Tick at least one report in the list below, or choose all your reports.");
            let expiresAt: Date | null = null;
            if (until) {
              const { expiryOfDay, expirySeconds } = await sharing();
              try {
                expiresAt = expiryOfDay(until);
                expirySeconds(expiresAt, Date.now() / 1000);
              } catch {
                return setUntilError(`Choose today or a later day: ${formatDay(until)} has already passed.`);
              }
            }
            const done = await share.run({ reader: doctor as Address, reports: which === "all" ? "all" : [...chosen], expiresAt });
            if (done) onShared();
          })();
        }}
      >
        <SelectField label="Doctor" value={doctor} error={doctorError} onChange={clearsOutcome(share, (e) => setDoctor(e.target.value))}>
          <option value="">Choose a doctor…</option>
          {doctors.map((d) => (
            <option key={d.account} value={d.account}>
              {d.profile.name}
              {d.profile.department ? ` (${d.profile.department})` : ""}
            </option>
          ))}
        </SelectField>
        <fieldset aria-describedby={choiceError ? "share-which-error" : undefined}>
          <legend>Which reports</legend>
          <label className="choice">
            <input type="radio" name="share-which" value="all" checked={which === "all"} onChange={() => onWhich("all")} />{" "}
            {forPatient ? "All their reports" : "All my reports"} ({Math.max(total ?? 0, reports.length)})
          </label>
          <label className="choice">
            <input type="radio" name="share-which" value="chosen" checked={which === "chosen"} onChange={() => onWhich("chosen")} /> Only the reports I tick in
            the list below ({chosen.size} ticked)
          </label>
          {choiceError ? (
            <span id="share-which-error" className="field-error" role="alert">
              {choiceError}
            </span>
          ) : null}
        </fieldset>
        <TextField
          label="Until (optional)"
          type="date"
          value={until}
          onChange={clearsOutcome(share, (e) => setUntil(e.target.value))}
          error={untilError}
          help="The last day the doctor can read them; leave it empty for no end date. It applies to everything you share with this doctor."
        />
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={share.pending}>
            {share.pending ? "Sharing…" : "Share"}
          </button>
          {share.pending && !share.step ? <Spinner label="Waiting for the wallet…" /> : null}
        </div>
        {share.step ? <StepList steps={RELAY_STEPS} current={share.step} /> : null}
      </form>
    </section>
  );
}

/** The doctors who can read at least one report now, each with "Stop sharing everything with …" (as the patient, or as their guardian: `forPatient`). */
export function SharedDoctors({ readers, forPatient }: { readers: ReadonlyMap<Hex, readonly ReportReader[]> | undefined; forPatient?: Address }) {
  const nameOf = useNameOf();
  const getWriter = useLedgerWriter();
  const senderFor = useActionSender();
  const revokeAll = useAction(
    async (progress: Progress<RelayStep>, reader: Address) => {
      const writer = await getWriter();
      return (await sharing()).revokeAllShares(writer, reader, forPatient ? guardianSender(writer, forPatient) : await senderFor(writer, progress));
    },
    {
      invalidates: LEDGER,
      toast: {
        pending: (reader) => `Stopping the sharing with ${nameOf(reader)}…`,
        success: (_hash, reader) => `You no longer share any report with ${nameOf(reader)}.`,
        failure: "Sharing not stopped",
      },
    },
  );
  const counts = new Map<Address, number>();
  for (const list of readers?.values() ?? []) for (const r of list) if (r.status === "active") counts.set(r.reader, (counts.get(r.reader) ?? 0) + 1);
  if (counts.size === 0) return null;
  return (
    <section className="card" aria-labelledby="shared-doctors-title">
      <h2 id="shared-doctors-title">Doctors you share with</h2>
      <ul className="plain-list" data-testid="shared-doctors">
        {[...counts].map(([reader, count]) => (
          <li key={reader} data-reader={reader}>
            <span>
              <strong>{nameOf(reader)}</strong> can read {reportCount(count)} you shared.
            </span>{" "}
            <ConfirmButton
              label={`Stop sharing everything with ${nameOf(reader)}`}
              disabled={revokeAll.pending}
              explanation={`${nameOf(reader)} will no longer be able to open any report you shared with them. Copies already downloaded cannot be taken back. You can share again later.`}
              onConfirm={() => void revokeAll.run(reader)}
            />
          </li>
        ))}
      </ul>
      {revokeAll.step ? <StepList steps={RELAY_STEPS} current={revokeAll.step} /> : revokeAll.pending ? <Spinner label="Waiting for the wallet…" /> : null}
    </section>
  );
}
