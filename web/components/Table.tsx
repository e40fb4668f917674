"use client";
/**
 * The app's data table: a scrollable wrapper, column headings, and the caller's rows. On a phone
 * each row becomes a card, each cell with its column's label beside it (the cell's `data-label`).
 */
import type { ReactNode } from "react";

export function Table({
  columns,
  testId,
  caption,
  stackOnPhone = true,
  children,
}: {
  /** The column headings (a node for e.g. a visually hidden "Actions"). */
  columns: readonly ReactNode[];
  testId?: string;
  /** For screen readers only. */
  caption?: string;
  /** On a phone, one card per row (each cell beside its label, from the cells' `data-label`) instead of a sideways-scrolling table (the default). */
  stackOnPhone?: boolean;
  /** The rows (<tr> elements). */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId} className={stackOnPhone ? "table-stacked" : undefined}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
