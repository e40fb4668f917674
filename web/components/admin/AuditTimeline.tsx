"use client";
/** Every on-chain event of the contract — who, what, when, transaction — filterable by actor, type and dates. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Address } from "viem";
import { getTimeline, type LedgerEventName, type TimelineEntry, type TimelineFilter } from "#core/contract/events.ts";
import { useLedgerReader, usePublicConfig } from "#web/lib/ledgerContext.tsx";
import { useNameOf } from "#web/lib/queries.ts";
import { queryKeys } from "#web/lib/queryKeys.ts";
import { dayToSeconds, describeEvent, TIMELINE_EVENT_NAMES } from "#web/lib/timeline.ts";
import { useIndexedTimeline } from "#web/lib/timelineSource.ts";
import { AddressText } from "../AddressText.tsx";
import { ErrorBox } from "../ErrorBox.tsx";
import { SelectField, TextField } from "../Field.tsx";
import { Spinner } from "../Progress.tsx";
import { SearchBox } from "../SearchBox.tsx";
import { Table } from "../Table.tsx";
import { WindowedTable, type Measure } from "../WindowedTable.tsx";

const COLUMNS = ["When", "Who", "What", "Event", "Transaction"];

export function AuditTimeline() {
  const reader = useLedgerReader();
  const [actor, setActor] = useState("");
  const [eventName, setEventName] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");

  const filter: TimelineFilter = {
    actor: actor ? (actor as Address) : undefined,
    eventNames: eventName ? [eventName as LedgerEventName] : undefined,
    from: dayToSeconds(from, false),
    to: dayToSeconds(to, true),
  };
  const indexer = usePublicConfig().indexer;
  // With an indexer: its pages; without: every event read from the chain.
  const all = useQuery({ queryKey: queryKeys.ledger.timeline(), queryFn: () => getTimeline(reader), enabled: !indexer });
  const filtered = useQuery({
    queryKey: queryKeys.ledger.timeline(filter),
    queryFn: () => getTimeline(reader, filter),
    placeholderData: keepPreviousData,
    enabled: !indexer,
  });
  const indexed = useIndexedTimeline(filter);
  const [search, setSearch] = useState("");
  const nameOf = useNameOf();
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const loadedEntries = indexer ? indexed.entries : filtered.data;
  // The search looks through the events loaded so far (words in who, what, event or transaction).
  const entries =
    words.length === 0 || !loadedEntries
      ? loadedEntries
      : loadedEntries.filter((e) => {
          const haystack = [nameOf(e.actor), e.actor, describeEvent(e, nameOf), e.eventName, e.transactionHash].join(" ").toLowerCase();
          return words.every((w) => haystack.includes(w));
        });
  const searching = words.length > 0;
  const error = indexer ? indexed.error : filtered.error;
  const fetching = indexer ? indexed.isFetching : filtered.isFetching;

  const actors = indexer ? indexed.actors : [...new Set((all.data ?? []).map((e) => e.actor))];
  const row = (entry: TimelineEntry, index?: number, measure?: Measure) => (
    <tr key={`${entry.transactionHash}-${entry.logIndex}`} data-event={entry.eventName} data-index={index} ref={measure}>
      <td data-label="When">
        <time dateTime={new Date(entry.timestamp * 1000).toISOString()}>{new Date(entry.timestamp * 1000).toLocaleString()}</time>
        <br />
        <span className="muted small">block {entry.blockNumber.toString()}</span>
      </td>
      <td data-label="Who">
        {nameOf(entry.actor)}
        <br />
        <AddressText value={entry.actor} />
      </td>
      <td data-label="What">{describeEvent(entry, nameOf)}</td>
      <td data-label="Event">
        <span className="badge">{entry.eventName}</span>
      </td>
      <td data-label="Transaction">
        <AddressText value={entry.transactionHash} copy label="transaction hash" />
      </td>
    </tr>
  );

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="section-head">
        <h2 id="audit-title">Audit trail</h2>
        {fetching ? <Spinner label="Reading events…" /> : null}
      </div>
      <p className="muted small">Every event the contract emitted, newest first. The chain is the record: nothing here can be edited.</p>
      <form className="row" role="search" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Actor" value={actor} onChange={(e) => setActor(e.target.value)}>
          <option value="">Everyone</option>
          {actors.map((a) => (
            <option key={a} value={a}>
              {nameOf(a)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Event type" value={eventName} onChange={(e) => setEventName(e.target.value)}>
          <option value="">All events</option>
          {TIMELINE_EVENT_NAMES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </SelectField>
        <TextField label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <TextField label="To" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        <SearchBox label="Search" value={search} onChange={setSearch} placeholder="Name, event, patient…" testId="audit-search" />
      </form>
      {searching && indexer && indexed.hasMore ? (
        <p className="muted small">
          Searching the {loadedEntries?.length ?? 0} most recent events.{" "}
          <button type="button" className="btn btn-small" onClick={indexed.loadMore} disabled={indexed.isFetching}>
            Search older events too
          </button>
        </p>
      ) : null}
      <ErrorBox error={error} />
      {entries && entries.length === 0 ? <p className="muted">No events match.</p> : null}
      {entries && entries.length > 0 && indexer ? (
        <WindowedTable
          columns={COLUMNS}
          count={searching ? entries.length : Math.max(indexed.total, entries.length)}
          loaded={entries.length}
          row={(index, measure) => row(entries[index]!, index, measure)}
          onNearEnd={indexed.hasMore && !searching ? indexed.loadMore : undefined}
          testId="audit-table"
        />
      ) : null}
      {entries && entries.length > 0 && !indexer ? (
        <Table testId="audit-table" columns={COLUMNS}>
          {entries.map((entry) => row(entry))}
        </Table>
      ) : null}
    </section>
  );
}
