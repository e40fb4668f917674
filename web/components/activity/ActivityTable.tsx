"use client";
/** The merged, chronological table: off-chain activity rows and on-chain event rows. */
import type { MergedRow } from "#web/lib/activity.ts";
import { describeActivity, explorerTxUrl } from "#web/lib/activity.ts";
import { describeEvent } from "#web/lib/timeline.ts";
import { AddressText, shorten } from "../AddressText.tsx";
import { Table } from "../Table.tsx";

const COLUMNS = ["When", "Who", "What", "Source", "Record"];

function When({ time }: { time: number }) {
  const date = new Date(time);
  return <time dateTime={date.toISOString()}>{date.toLocaleString()}</time>;
}

export function ActivityTable({ rows, nameOf, chainId }: { rows: readonly MergedRow[]; nameOf: (account: string) => string; chainId: number }) {
  if (rows.length === 0)
    return (
      <p className="muted" data-testid="activity-table">
        No activity matches.
      </p>
    );
  return (
    <Table testId="activity-table" caption="Activity, newest first" columns={COLUMNS}>
      {rows.map((row) =>
        row.source === "off-chain" ? (
          <tr key={row.key} data-time={row.time} data-source="off-chain" data-kind={row.entry.kind} data-actor={row.actor.toLowerCase()}>
            <td data-label="When">
              <When time={row.time} />
            </td>
            <td data-label="Who">
              {nameOf(row.actor)}
              <br />
              <AddressText value={row.actor} />
              <br />
              <span className="muted small">{row.entry.role === "none" ? "no role" : row.entry.role}</span>
            </td>
            <td data-label="What">{describeActivity(row.entry)}</td>
            <td data-label="Source">
              <span className="badge">off-chain</span>
            </td>
            <td data-label="Record" className="small">
              log entry #{row.entry.seq}
              <br />
              <span className="muted mono" title={`hash ${row.entry.hash}`}>
                {shorten(row.entry.hash)}
              </span>
            </td>
          </tr>
        ) : (
          <tr key={row.key} data-time={row.time} data-source="on-chain" data-event={row.event.eventName} data-actor={row.actor.toLowerCase()}>
            <td data-label="When">
              <When time={row.time} />
              <br />
              <span className="muted small">block {row.event.blockNumber.toString()}</span>
            </td>
            <td data-label="Who">
              {nameOf(row.actor)}
              <br />
              <AddressText value={row.actor} />
            </td>
            <td data-label="What">{describeEvent(row.event, nameOf)}</td>
            <td data-label="Source">
              <span className="badge badge-ok">on-chain</span> <span className="badge">{row.event.eventName}</span>
            </td>
            <td data-label="Record" className="small">
              <TxLink chainId={chainId} hash={row.event.transactionHash} />
            </td>
          </tr>
        ),
      )}
    </Table>
  );
}

function TxLink({ chainId, hash }: { chainId: number; hash: `0x${string}` }) {
  const url = explorerTxUrl(chainId, hash);
  if (url) {
    return (
      <a href={url} target="_blank" rel="noreferrer" className="mono" data-tx={hash} title={hash}>
        transaction {shorten(hash)}
      </a>
    );
  }
  return (
    <span data-tx={hash}>
      transaction <AddressText value={hash} copy label="transaction hash" />
    </span>
  );
}
