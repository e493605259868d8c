import { useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { PreviewColumn } from '../../src-shared/api/preview-model';
import { cellDisplay, cellTitle } from './cell-format';
import { columnWidth, ROW_HEIGHT, rowWindow } from './grid-layout';

/** A grid column: a preview's column, its statistics and mask optional (a step preview may have neither). */
export type GridColumn = Pick<PreviewColumn, 'name' | 'type'> &
  Partial<Pick<PreviewColumn, 'native_type' | 'nullable' | 'comment' | 'masked' | 'stats'>>;

export interface DataGridProps {
  columns: GridColumn[];
  /** Rows as arrays in column order, values as the preview API sends them. */
  rows: unknown[][];
  /** Show each column's statistics under its header (when the columns have them). */
  showStats?: boolean;
  /** Most pixels the grid is high; fewer rows make it shorter. */
  height?: number;
  testId?: string;
}

const ROW_NUMBER_WIDTH = 52;
const HEADER_HEIGHT = 46;
const STATS_HEIGHT = 58;
const SCROLLBAR_ROOM = 18;

/** The second header line: the native type, the logical one, NOT NULL. */
function typeLine(column: GridColumn): string {
  const native = column.native_type === undefined ? column.type : `${column.native_type} ${column.type}`;
  return column.nullable === false ? `${native} NOT NULL` : native;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

function StatsCell({ column }: { column: GridColumn }) {
  const { t } = useTranslation();
  const stats = column.stats;
  if (!stats) return null;
  const samples = stats.samples.map((s) => cellDisplay(s, column.type).text);
  return (
    <>
      <div className={stats.nulls > 0 ? 'stat-line has-nulls' : 'stat-line'}>
        {t('preview.stat_nulls', { value: percent(stats.null_ratio) })}
      </div>
      <div className="stat-line">{t('preview.stat_distinct', { count: stats.distinct })}</div>
      <div className="stat-line stat-samples" title={samples.join('\n')}>
        {samples.join(', ') || '—'}
      </div>
    </>
  );
}

/**
 * Rows in a scrolling grid that renders only the rows in view (fixed row height, a few rows of
 * overscan), so ten thousand rows scroll like ten. Headers show each column's name and types and
 * stay in place, as does the row number; NULL looks unlike any text.
 */
export function DataGrid({
  columns,
  rows,
  showStats = false,
  height = 440,
  testId = 'data-grid',
}: DataGridProps) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(height);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A new result starts at its first row.
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [rows]);

  const widths = useMemo(
    () =>
      columns.map((column, i) =>
        columnWidth(
          [column.masked ? `${column.name} [${column.masked}]` : column.name, typeLine(column)],
          rows.map((row) => row[i]),
          column.type,
        ),
      ),
    [columns, rows],
  );
  const totalWidth = ROW_NUMBER_WIDTH + widths.reduce((sum, w) => sum + w, 0);
  const top = HEADER_HEIGHT + (showStats ? STATS_HEIGHT : 0);
  // The header block is sticky and covers the top of the viewport, so rows start showing below it.
  const visible = rowWindow(scrollTop, viewport - top, rows.length);
  const cellStyle = (i: number): CSSProperties => ({ width: widths[i], minWidth: widths[i] });
  // Room for the rows and a horizontal scrollbar, up to `height`.
  const gridHeight = Math.min(height, top + Math.max(rows.length, 3) * ROW_HEIGHT + SCROLLBAR_ROOM);

  return (
    <div
      className="data-grid"
      ref={scroller}
      style={{ height: gridHeight }}
      data-testid={testId}
      data-rows={rows.length}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div className="data-grid-inner" style={{ width: totalWidth, height: top + rows.length * ROW_HEIGHT }}>
        <div className="grid-head" style={{ width: totalWidth }}>
          <div className="grid-headrow" style={{ height: HEADER_HEIGHT }}>
            <div className="grid-rownum grid-corner" style={{ width: ROW_NUMBER_WIDTH }}>
              #
            </div>
            {columns.map((column, i) => (
              <div
                key={i}
                className="grid-colhead"
                style={cellStyle(i)}
                data-testid="grid-column"
                data-column={column.name}
                data-type={column.type}
                title={column.comment}
              >
                <div className="grid-colname">
                  {column.name}
                  {column.masked && (
                    <span className="tag tag-masked" data-testid="grid-column-masked">
                      {t(`preview.mask_${column.masked}`)}
                    </span>
                  )}
                </div>
                <div className="grid-coltype">
                  <span className="mono">{column.native_type ?? column.type}</span>
                  {column.native_type !== undefined && <span className="grid-logical">{column.type}</span>}
                  {column.nullable === false && <span className="grid-notnull">NOT NULL</span>}
                </div>
              </div>
            ))}
          </div>
          {showStats && (
            <div className="grid-statsrow" style={{ height: STATS_HEIGHT }} data-testid="grid-stats">
              <div className="grid-rownum grid-corner" style={{ width: ROW_NUMBER_WIDTH }} />
              {columns.map((column, i) => (
                <div key={i} className="grid-stats" style={cellStyle(i)} data-testid="grid-column-stats">
                  <StatsCell column={column} />
                </div>
              ))}
            </div>
          )}
        </div>
        {rows.slice(visible.from, visible.to).map((row, k) => {
          const index = visible.from + k;
          return (
            <div
              key={index}
              className={index % 2 === 1 ? 'grid-row odd' : 'grid-row'}
              style={{ top: top + index * ROW_HEIGHT, height: ROW_HEIGHT, width: totalWidth }}
              data-testid="grid-row"
              data-row={index}
            >
              <div className="grid-rownum" style={{ width: ROW_NUMBER_WIDTH }}>
                {index + 1}
              </div>
              {columns.map((column, i) => {
                const cell = cellDisplay(row[i], column.type);
                return (
                  <div
                    key={i}
                    className={`grid-cell cell-${cell.kind}`}
                    style={cellStyle(i)}
                    title={cellTitle(row[i], column.type)}
                    data-testid="grid-cell"
                  >
                    {cell.text}
                  </div>
                );
              })}
            </div>
          );
        })}
        {rows.length === 0 && (
          <div className="grid-empty" style={{ top, width: totalWidth }} data-testid="grid-empty">
            {t('preview.no_rows')}
          </div>
        )}
      </div>
    </div>
  );
}
