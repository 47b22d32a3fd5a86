// A real <table> that renders only the rows in view, over rows loaded page by page as the user
// scrolls. The body is as tall as every loaded row and the rows in view are placed in it by
// transform, so scrolling moves pixels instead of laying out a table (the rows are a CSS grid).
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useRef } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** CSS grid track of the column, e.g. "2fr" or "7rem". */
  width: string;
  cell: (row: T) => ReactNode;
}

/** Every row is one line high (cells never wrap), so positions are known without measuring. */
export const ROW_PX = 34;

export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  hasMore,
  loadMore,
  label,
  height = 480,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  hasMore: boolean;
  loadMore: () => void;
  label: string;
  height?: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const last = items[items.length - 1];
  const lastIndex = last?.index ?? -1;
  // Ask for the next page when the last loaded rows come into view.
  useEffect(() => {
    if (hasMore && lastIndex >= rows.length - 20) loadMore();
  }, [hasMore, lastIndex, rows.length, loadMore]);

  const grid = { gridTemplateColumns: columns.map((c) => c.width).join(' ') };
  return (
    <div ref={scroller} className="vtable" style={{ maxHeight: height }} data-testid="vtable-scroller">
      <table aria-label={label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr style={grid}>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody style={{ height: virtual.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index] as T;
            return (
              <tr
                key={rowKey(row)}
                aria-rowindex={item.index + 2}
                style={{ ...grid, transform: `translateY(${item.start}px)` }}
              >
                {columns.map((c) => (
                  <td key={c.key}>{c.cell(row)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
