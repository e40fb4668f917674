/**
 * The accounting of disclosures of one report, from the chain: when it was registered, who it
 * was shared with and when (and until when), when sharing ended, when it was re-encrypted. The
 * openings (who read it, when) are the activity log's, on the server; a client puts both side by
 * side. One report has few such events: their block times are read once per distinct block.
 */
import type { Address } from "viem";
import { getLedgerEvents } from "../contract/events.ts";
import type { LedgerReader } from "../contract/ledger.ts";
import type { ReportRecord } from "./records.ts";

export type DisclosureEvent =
  | { readonly kind: "registered"; readonly by: Address; readonly at: number }
  | { readonly kind: "shared"; readonly with: Address; readonly at: number }
  | { readonly kind: "terms"; readonly with: Address; readonly until: number | null; readonly at: number }
  | { readonly kind: "revoked"; readonly with: Address; readonly at: number; readonly everything: boolean }
  | { readonly kind: "rekeyed"; readonly by: Address; readonly version: number; readonly at: number };

interface Positioned {
  readonly event: DisclosureEvent | ((at: number) => DisclosureEvent);
  readonly blockNumber: bigint;
  readonly logIndex: number;
}

/** The history of `record` on chain, oldest first; times are the blocks' (Unix seconds). */
export async function disclosuresOf(ledger: LedgerReader, record: ReportRecord): Promise<DisclosureEvent[]> {
  const { reportId, patient } = record;
  const [granted, revoked, revokedAll, terms, rekeyed] = await Promise.all([
    getLedgerEvents(ledger, { eventName: "AccessGranted", args: { reportId } }),
    getLedgerEvents(ledger, { eventName: "AccessRevoked", args: { reportId } }),
    getLedgerEvents(ledger, { eventName: "AllAccessRevoked", args: { patient } }),
    getLedgerEvents(ledger, { eventName: "AccessTermsSet", args: { patient } }),
    getLedgerEvents(ledger, { eventName: "ReportRekeyed", args: { reportId } }),
  ]);
  const readers = new Set(granted.map((log) => log.args.reader.toLowerCase()));
  const ours = (reader: Address) => readers.has(reader.toLowerCase());
  const items: Positioned[] = [
    ...granted.map((log) => ({ ...log, event: (at: number) => ({ kind: "shared" as const, with: log.args.reader, at }) })),
    ...revoked.map((log) => ({ ...log, event: (at: number) => ({ kind: "revoked" as const, with: log.args.reader, at, everything: false }) })),
    // "Stop sharing everything" with a reader this report was shared with.
    ...revokedAll
      .filter((log) => ours(log.args.reader))
      .map((log) => ({ ...log, event: (at: number) => ({ kind: "revoked" as const, with: log.args.reader, at, everything: true }) })),
    ...terms
      .filter((log) => ours(log.args.reader))
      .map((log) => ({
        ...log,
        event: (at: number) => ({ kind: "terms" as const, with: log.args.reader, until: log.args.expiresAt === 0 ? null : Number(log.args.expiresAt), at }),
      })),
    ...rekeyed.map((log) => ({ ...log, event: (at: number) => ({ kind: "rekeyed" as const, by: log.args.by, version: Number(log.args.version), at }) })),
  ];
  items.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  const blocks = [...new Set(items.map((item) => item.blockNumber))];
  const times = new Map(
    await Promise.all(blocks.map(async (blockNumber) => [blockNumber, Number((await ledger.publicClient.getBlock({ blockNumber })).timestamp)] as const)),
  );
  return [
    { kind: "registered", by: record.doctor, at: record.registeredAt },
    ...items.map((item) => (typeof item.event === "function" ? item.event(times.get(item.blockNumber)!) : item.event)),
  ];
}

/** For the patient's eyes: an opening from the activity log. */
export interface Opening {
  readonly actor: Address;
  readonly role: string;
  /** Unix seconds. */
  readonly at: number;
}
