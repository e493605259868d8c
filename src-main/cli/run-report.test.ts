import { describe, expect, it } from 'vitest';
import {
  createProgressDisplay,
  formatClock,
  formatDuration,
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
});
