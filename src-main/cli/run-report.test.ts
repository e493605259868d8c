import { describe, expect, it } from 'vitest';
import {
  createProgressDisplay,
  formatClock,
  formatDuration,
  processorsReport,
  progressLine,
  summaryLine,
  tablesReport,
} from './run-report';

const base = {
  records_read: 0,
  records_written: 0,
  records_failed: 0,
  rows_per_second: 0,
  elapsed_ms: 0,
  total: null,
};

describe('run report', () => {
  it('shows percentage, rate and ETA when the total is known', () => {
    const line = progressLine({
      ...base,
      records_read: 2500,
      total: 10_000,
      rows_per_second: 500,
      elapsed_ms: 5000,
    });
    expect(line).toContain('25.0%');
    expect(line).toContain('2,500/10,000 rows');
    expect(line).toContain('500 rows/s');
    expect(line).toContain('ETA 0:15');
  });

  it('draws the whole line on a terminal that reports no width, and fits a narrow one', () => {
    const draw = (columns: number | undefined) => {
      let written = '';
      const stream = { columns, write: (text: string) => (written += text) } as unknown as NodeJS.WriteStream;
      createProgressDisplay(stream, 0).update({
        ...base,
        records_read: 2500,
        total: 10_000,
        rows_per_second: 500,
      });
      return written.replace('\r\x1b[K', '');
    };
    expect(draw(0)).toContain('ETA 0:15');
    expect(draw(undefined)).toContain('ETA 0:15');
    expect(draw(30)).toHaveLength(29);
  });

  it('shows the running count when the total is unknown', () => {
    expect(progressLine({ ...base, records_read: 1234, rows_per_second: 99.6, elapsed_ms: 65_000 })).toBe(
      '1,234 rows read  100 rows/s  1:05',
    );
  });

  it('summarises read, written, failed, duration and rate', () => {
    expect(
      summaryLine({
        ...base,
        records_read: 1000,
        records_written: 990,
        records_failed: 10,
        elapsed_ms: 2000,
      }),
    ).toBe('read 1,000, written 990, failed 10, in 2.0 s, 500 rows/s');
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(125_000)).toBe('2:05');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });

  it('lists the tables of a multi-table copy in aligned columns, and nothing for one table', () => {
    expect(
      tablesReport({
        'shop.customers': { records_read: 1200, records_written: 1200, records_failed: 0 },
        'shop.order_items': { records_read: 35, records_written: 33, records_failed: 2 },
        'shop.empty': { records_read: 0, records_written: 0, records_failed: 0 },
      }),
    ).toEqual([
      'table              read  written  failed',
      'shop.customers    1,200    1,200       0',
      'shop.order_items     35       33       2',
      'shop.empty            0        0       0',
    ]);
    expect(tablesReport(undefined)).toEqual([]);
    expect(tablesReport({})).toEqual([]);
  });

  it('says where every row went: per processor, then the balance of the run', () => {
    const counts = (type: string, n: number[]) => ({
      type,
      records_in: n[0],
      records_out: n[1],
      records_dropped: n[2],
      records_skipped: n[3],
      records_failed: n[4],
    });
    expect(
      processorsReport({
        records_read: 1000,
        records_written: 1180,
        records_failed: 12,
        processors: {
          'pipeline.processors[0]': counts('filter', [1000, 990, 10, 0, 0]),
          'pipeline.processors[1]': counts('transform', [990, 983, 0, 2, 5]),
          'pipeline.processors[2]': counts('split', [983, 1187, 0, 0, 0]),
        },
      }),
    ).toEqual([
      'processor                            in    out  dropped  skipped  failed',
      'pipeline.processors[0] filter     1,000    990       10        0       0',
      'pipeline.processors[1] transform    990    983        0        2       5',
      'pipeline.processors[2] split        983  1,187        0        0       0',
      // 7 of the failed rows were refused by the output.
      'rows: 1,000 read + 204 added = 1,180 written + 10 dropped + 2 skipped + 12 failed',
    ]);
    expect(processorsReport({ records_read: 5, records_written: 5, records_failed: 0 })).toEqual([]);
  });

  it('says how many rows a stopped run left unfinished', () => {
    const [, , balance] = processorsReport({
      records_read: 5000,
      records_written: 1000,
      records_failed: 1,
      processors: {
        'pipeline.processors[0]': {
          type: 'transform',
          records_in: 2000,
          records_out: 1999,
          records_dropped: 0,
          records_skipped: 0,
          records_failed: 1,
        },
      },
    });
    expect(balance).toBe('rows: 5,000 read = 1,000 written + 1 failed + 3,999 not finished');
  });
});
