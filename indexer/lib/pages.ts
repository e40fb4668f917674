/**
 * Keyset pagination over a table ordered by (block number, log index), newest first: a page is the
 * rows strictly before the cursor, plus one row more to know whether another page follows. Stable
 * under inserts (new rows are newer than every cursor) and O(page) with the (…, block, log) indexes.
 */
import { and, desc, sql } from "ponder";
import { formatCursor, type Cursor } from "#core/indexer/wire.ts";

/** Ponder's own drizzle types (it brings its own drizzle-orm, not the server's). */
export type SQL = ReturnType<typeof sql>;
type Column = Parameters<typeof desc>[0];

export interface PositionColumns {
  readonly blockNumber: Column;
  readonly logIndex: Column;
}

/** The condition "before `cursor`" (undefined without a cursor). */
export function before(columns: PositionColumns, cursor: Cursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  return sql`(${columns.blockNumber}, ${columns.logIndex}) < (${cursor.blockNumber.toString()}::numeric, ${cursor.logIndex}::integer)`;
}

export function newestFirst(columns: PositionColumns): SQL[] {
  return [desc(columns.blockNumber), desc(columns.logIndex)];
}

export function allOf(...conditions: (SQL | undefined)[]): SQL | undefined {
  const present = conditions.filter((c): c is SQL => c !== undefined);
  return present.length === 0 ? undefined : and(...present);
}

/** The page of `limit` rows out of `rows` (fetched with limit + 1), and the cursor after it. */
export function pageOf<R extends { blockNumber: bigint; logIndex: number }>(rows: readonly R[], limit: number): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? formatCursor({ blockNumber: last.blockNumber, logIndex: last.logIndex }) : null };
}
