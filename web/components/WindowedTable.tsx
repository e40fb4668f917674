"use client";
/**
 * A long table that renders only the rows on screen, inside a scrolling window (see
 * ./WindowedTableBody.tsx). The windowing code (@tanstack/react-virtual) is loaded with the first
 * long list shown, not with the page: lists appear once their data is read, so nobody waits on it.
 */
import dynamic from "next/dynamic";
import type { ReactNode } from "react";
import { Spinner } from "./Progress.tsx";

export type Measure = (element: HTMLTableRowElement | null) => void;

export interface WindowedTableProps {
  readonly columns: readonly ReactNode[];
  /** Rows of the whole list. */
  readonly count: number;
  /** Rows loaded so far (0…loaded-1 can be rendered). */
  readonly loaded: number;
  /** Row `index` (< loaded), a <tr> with `data-index={index}` and `ref={measure}`. */
  readonly row: (index: number, measure: Measure) => ReactNode;
  readonly onNearEnd?: () => void;
  readonly testId?: string;
  readonly stackOnPhone?: boolean;
}

export const WindowedTable = dynamic<WindowedTableProps>(() => import("./WindowedTableBody.tsx").then((m) => m.WindowedTableBody), {
  ssr: false,
  loading: () => <Spinner label="Loading the list…" />,
});
