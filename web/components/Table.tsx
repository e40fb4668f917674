"use client";
/** The app's data table: a scrollable wrapper, column headings, and the caller's rows. */
import type { ReactNode } from "react";

export function Table({
  columns,
  testId,
  caption,
  stackOnPhone = false,
  children,
}: {
  /** The column headings (a node for e.g. a visually hidden "Actions"). */
  columns: readonly ReactNode[];
  testId?: string;
  /** For screen readers only. */
  caption?: string;
  /** On a phone, one block per row (each cell under its heading, from the cells' `data-label`) instead of a sideways-scrolling table. */
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
