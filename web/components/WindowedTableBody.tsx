"use client";
/**
 * The body of WindowedTable (./WindowedTable.tsx), loaded with the first long list: a long table
 * that renders only the rows on screen (@tanstack/react-virtual), inside a scrolling window, with spacer rows above and below so the scrollbar stands for the whole list. Rows not
 * loaded yet show as "Loading…", and `onNearEnd` asks for the next page as they come near.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { Table } from "./Table.tsx";
import type { WindowedTableProps } from "./WindowedTable.tsx";

const ROW_HEIGHT_ESTIMATE = 64;

export function WindowedTableBody({ columns, count, loaded, row, onNearEnd, testId, stackOnPhone }: WindowedTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design (not memoised)
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT_ESTIMATE, overscan: 6 });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (loaded < count && lastShown >= loaded - 20) onNearEnd?.();
  }, [count, loaded, lastShown, onNearEnd]);
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="list-window" data-testid={testId ? `${testId}-window` : undefined} data-total={count}>
      <Table testId={testId} columns={columns} stackOnPhone={stackOnPhone}>
        {top > 0 ? <tr aria-hidden="true" style={{ height: top }} /> : null}
        {items.map((item) =>
          item.index < loaded ? (
            row(item.index, virtualizer.measureElement)
          ) : (
            <tr key={`loading-${item.index}`} data-index={item.index} ref={virtualizer.measureElement}>
              <td colSpan={columns.length} className="muted">
                Loading…
              </td>
            </tr>
          ),
        )}
        {bottom > 0 ? <tr aria-hidden="true" style={{ height: bottom }} /> : null}
      </Table>
    </div>
  );
}
