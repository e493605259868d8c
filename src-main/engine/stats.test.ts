import { describe, expect, it } from 'vitest';
import { StatsAccumulator } from './stats';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('StatsAccumulator', () => {
  it('adds up what passes', () => {
    const time = clock();
    const stats = new StatsAccumulator({ now: time.now });
    stats.lanes = 2;
    stats.total = 100;
    stats.notes.push('files are read in one lane');
    stats.addRead(10, 400);
    stats.addRead(5);
    stats.addWritten(12);
    stats.addFailed(3);
    time.advance(1500);
    expect(stats.final()).toEqual({
      records_read: 15,
      records_written: 12,
      records_failed: 3,
      bytes_read: 400,
      rows_per_second: 10,
      elapsed_ms: 1500,
      total: 100,
      lanes: 2,
      notes: ['files are read in one lane'],
    });
  });

  it('measures the live rate over the recent window, the final rate over the whole run', () => {
    const time = clock();
    const stats = new StatsAccumulator({ now: time.now, windowMs: 2000 });
    // Fast for 4 s (1,000 rows/s), then slow (100 rows/s) for 4 s.
    for (let s = 0; s < 4; s++) {
      time.advance(1000);
      stats.addRead(1000);
      stats.snapshot();
    }
    for (let s = 0; s < 4; s++) {
      time.advance(1000);
      stats.addRead(100);
      stats.snapshot();
    }
    time.advance(1000);
    stats.addRead(100);
    expect(stats.snapshot().rows_per_second).toBeCloseTo(100);
    expect(stats.final().rows_per_second).toBeCloseTo(4500 / 9);
  });

  it('reports zero before any time has passed', () => {
    const time = clock(50);
    const stats = new StatsAccumulator({ now: time.now });
    stats.addRead(10);
    expect(stats.snapshot().rows_per_second).toBe(0);
  });

  it('counts per processor in pipeline order, deriving the rows dropped without an error', () => {
    const stats = new StatsAccumulator();
    stats.addProcessors([
      { path: 'pipeline.processors[0]', type: 'filter' },
      { path: 'pipeline.processors[1]', type: 'split' },
      { path: 'pipeline.processors[2]', type: 'transform' },
    ]);
    stats.addProcessed('pipeline.processors[0]', 100, 60);
    stats.addProcessed('pipeline.processors[1]', 60, 150);
    stats.addProcessed('pipeline.processors[2]', 150, 140);
    stats.addProcessorSkipped('pipeline.processors[2]', 4);
    stats.addProcessorFailed('pipeline.processors[2]', 6);
    const counts = (type: string, n: number[]) => ({
      type,
      records_in: n[0],
      records_out: n[1],
      records_dropped: n[2],
      records_skipped: n[3],
      records_failed: n[4],
    });
    expect(stats.final().processors).toEqual({
      'pipeline.processors[0]': counts('filter', [100, 60, 40, 0, 0]),
      'pipeline.processors[1]': counts('split', [60, 150, 0, 0, 0]),
      'pipeline.processors[2]': counts('transform', [150, 140, 0, 4, 6]),
    });
    expect(new StatsAccumulator().final().processors).toBeUndefined();
  });
});
