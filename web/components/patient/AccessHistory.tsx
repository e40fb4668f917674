"use client";
/**
 * "Who has seen my record", for one report — the accounting of disclosures: from the chain, when
 * it was registered, shared (until when), unshared and re-encrypted; from the activity log, who
 * opened it, when, and how (via app or CLI; every opening, also by readers who never signed in,
 * is logged with a proof of the reader's key: core/reports/openings.ts), shown once the patient is
 * signed in (the log is on MedLedger's server).
 * Loaded when the patient opens the section.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Address } from "viem";
import type { DisclosureEvent } from "#core/reports/disclosures.ts";
import type { ReportRecord } from "#core/reports/records.ts";
import { apiRequest, withQuery } from "#web/lib/api.ts";
import { useEmergencyAccesses } from "#web/lib/emergencyLists.ts";
import { useLedgerReader } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useSession } from "#web/lib/session.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";

const WHEN = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const DAY = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

interface OpeningJson {
  readonly actor: Address;
  readonly role: string;
  readonly at: string;
  /** "app" or "cli"; null for openings logged before this was recorded. */
  readonly via: string | null;
}

function viaText(via: string | null): string {
  return via === "cli" ? " via CLI" : via === "app" ? " via app" : "";
}

interface Row {
  readonly at: number;
  readonly text: string;
  readonly source: "ledger" | "log";
}

function describe(event: DisclosureEvent, nameOf: (a: string) => string): string {
  switch (event.kind) {
    case "registered":
      return `Registered by ${nameOf(event.by)}`;
    case "shared":
      return `You shared it with ${nameOf(event.with)}`;
    case "terms":
      return event.until === null
        ? `${nameOf(event.with)} may read it with no end date`
        : `${nameOf(event.with)} may read it until ${DAY.format(new Date(event.until * 1000))}`;
    case "revoked":
      return event.everything ? `You stopped sharing everything with ${nameOf(event.with)}` : `You stopped sharing it with ${nameOf(event.with)}`;
    case "rekeyed":
      return `Locked with a new key by ${nameOf(event.by)}`;
  }
}

function History({ report }: { report: ReportRecord }) {
  const reader = useLedgerReader();
  const nameOf = useNameOf();
  const { signedInAsWallet: signedIn } = useSession();
  const chain = useQuery({
    queryKey: queryKeys.ledger.disclosures(report.reportId),
    queryFn: async () => (await import("#core/reports/disclosures.ts")).disclosuresOf(reader, report),
  });
  const openings = useQuery({
    queryKey: queryKeys.api.reportOpenings(report.reportId),
    queryFn: () => apiRequest<{ openings: OpeningJson[] }>(withQuery("/api/activity/report-openings", { reportId: report.reportId })),
    enabled: signedIn,
  });
  // Emergency accesses to the patient's record that lasted while this report existed.
  const emergencies = useEmergencyAccesses(report.patient);
  if (chain.isPending) return <Spinner label="Reading the history…" />;
  const rows: Row[] = [
    ...(chain.data ?? []).map((event) => ({ at: event.at, text: describe(event, nameOf), source: "ledger" as const })),
    ...(emergencies.rows ?? [])
      .filter((e) => e.until > report.registeredAt)
      .map((e) => ({
        at: Math.max(e.at, report.registeredAt),
        text: `${nameOf(e.doctor)} could open it in an emergency until ${WHEN.format(new Date(e.until * 1000))} (${e.reason.label})`,
        source: "ledger" as const,
      })),
    ...(openings.data?.openings ?? []).map((o) => ({
      at: Date.parse(o.at) / 1000,
      text:
        (o.actor.toLowerCase() === report.patient.toLowerCase() ? "You opened it" : `Opened by ${nameOf(o.actor)}${o.role ? ` (${o.role})` : ""}`) +
        viaText(o.via),
      source: "log" as const,
    })),
  ].sort((a, b) => b.at - a.at);
  return (
    <div data-testid="access-history">
      <ErrorBox error={chain.error} title="The history on the ledger could not be read" />
      <ErrorBox error={openings.error} title="Who opened it could not be read" />
      <ul className="plain-list small">
        {rows.map((row, i) => (
          <li key={i} data-source={row.source}>
            <span className="muted">{WHEN.format(new Date(row.at * 1000))}</span> — {row.text}
          </li>
        ))}
      </ul>
      {signedIn ? null : <p className="small muted">Sign in to also see who opened this report and when (the hospital keeps that log).</p>}
    </div>
  );
}

export function AccessHistory({ report }: { report: ReportRecord }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="access-history" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="small">Who has seen it, and when</summary>
      {open ? <History report={report} /> : null}
    </details>
  );
}
