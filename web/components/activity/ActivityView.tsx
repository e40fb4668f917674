"use client";
/**
 * The administrator's activity page: the off-chain activity log (sign-ins, sign-outs, expired
 * sessions, opened reports — from the server, for a signed-in admin) merged with the contract's
 * on-chain events into one chronological view; filters, CSV export, verification and anchoring.
 * ActivityPage.tsx (the page's entry, the admin gate) loads this module while the role is checked.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { getTimeline } from "#core/contract/events.ts";
import { activityParams, activityRowsToCsv, mergeActivity, timelineFilter, type ActivityAnswer } from "#web/lib/activity.ts";
import { apiRequest, withQuery } from "#web/lib/api.ts";
import { useLedgerReader, usePublicConfig } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { useSessionLossWatch } from "#web/lib/session.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { Spinner } from "../Progress.tsx";
import { ActivityFilters, EMPTY_FILTER, type ActivityFilterState } from "./ActivityFilters.tsx";
import { ActivityTable } from "./ActivityTable.tsx";
import { LogIntegrity } from "./LogIntegrity.tsx";

/** Saves `csv` as a file, in the browser (nothing is sent anywhere). */
function downloadCsv(csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "medledger-activity.csv";
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The one address rule (core/inputs.ts, re-exported by core/validation.ts), loaded after the page
 * rather than with it: nothing on this page needs it at first paint.
 */
function useAddressRule(): ((text: string) => string | undefined) | undefined {
  const [rule, setRule] = useState<(text: string) => string | undefined>();
  useEffect(() => {
    let live = true;
    void import("#core/inputs.ts").then(({ addressProblem }) => {
      if (live) setRule(() => addressProblem);
    });
    return () => {
      live = false;
    };
  }, []);
  return rule;
}

export function ActivityView() {
  const reader = useLedgerReader();
  const config = usePublicConfig();
  const nameOf = useNameOf();
  const [filter, setFilter] = useState<ActivityFilterState>(EMPTY_FILTER);
  const addressProblem = useAddressRule();
  const userError = filter.user && addressProblem ? addressProblem(filter.user) : undefined;
  // Until the rule is loaded (moments after the page) a typed account is not applied unchecked.
  const effective = userError || !addressProblem ? { ...filter, user: "" } : { ...filter, user: filter.user.trim() };
  const params = activityParams(effective);
  const onChainShown = filter.source !== "off-chain" && !filter.role && !filter.kind;

  const offChain = useQuery({
    queryKey: queryKeys.api.activity(params),
    queryFn: ({ signal }) => apiRequest<ActivityAnswer>(withQuery("/api/activity", params), { signal }),
    placeholderData: keepPreviousData,
    enabled: !userError,
  });
  const tl = timelineFilter(effective);
  const onChain = useQuery({
    queryKey: queryKeys.ledger.timeline(tl),
    queryFn: () => getTimeline(reader, tl),
    placeholderData: keepPreviousData,
    enabled: onChainShown && !userError,
  });
  useSessionLossWatch(offChain.error);

  const rows = useMemo(
    () => mergeActivity(filter.source === "on-chain" ? [] : (offChain.data?.entries ?? []), onChainShown ? (onChain.data ?? []) : []),
    [filter.source, offChain.data, onChain.data, onChainShown],
  );
  const knownActors = useMemo(() => [...new Set(rows.map((r) => r.actor.toLowerCase()))], [rows]);
  const csvHref = withQuery("/api/activity", { ...params, format: "csv" });
  const loading = offChain.isFetching || (onChainShown && onChain.isFetching);

  return (
    <>
      <LogIntegrity head={offChain.data?.head} onChanged={() => void offChain.refetch()} />
      <section className="card" aria-labelledby="activity-title">
        <div className="section-head">
          <h2 id="activity-title">Activity</h2>
          <div className="row">
            {loading ? <Spinner label="Reading activity…" /> : null}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void Promise.all([offChain.refetch(), onChainShown ? onChain.refetch() : undefined])}
            >
              Reload
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => downloadCsv(activityRowsToCsv(rows, nameOf))}
              data-testid="activity-export"
              disabled={rows.length === 0}
            >
              Export CSV<span className="visually-hidden"> of the rows shown, off-chain and on-chain</span>
            </button>
            <a className="btn btn-small" href={csvHref} download="medledger-activity-log.csv" data-testid="activity-csv">
              Server log CSV<span className="visually-hidden"> (the off-chain log with its hash chain, these filters)</span>
            </a>
          </div>
        </div>
        <p className="muted small">
          Newest first. <span className="badge">off-chain</span> rows come from MedLedger&apos;s server log (sign-ins, sign-outs, expired sessions, opened
          reports); <span className="badge badge-ok">on-chain</span> rows are the contract&apos;s events, each with its transaction. The role is the one held at
          that moment.
          {!onChainShown && filter.source !== "off-chain" ? " On-chain events are hidden while a role or activity filter is set." : ""}
        </p>
        <ActivityFilters value={filter} onChange={setFilter} userError={userError} knownActors={knownActors} nameOf={nameOf} />
        <ErrorBox error={offChain.error} title="The activity log could not be read" />
        <ErrorBox error={onChainShown ? onChain.error : null} title="The on-chain events could not be read" />
        {offChain.data || onChain.data ? <ActivityTable rows={rows} nameOf={nameOf} chainId={config.chainId} /> : null}
      </section>
    </>
  );
}
