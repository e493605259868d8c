import { describe, expect, it } from 'vitest';
import { nodeCounts } from './node-counts';

const step = (path: string, records_in: number, records_out: number, records_failed = 0) => ({
  path,
  type: 'filter',
  records_in,
  records_out,
  records_dropped: records_in - records_out - records_failed,
  records_skipped: 0,
  records_failed,
});

describe('node counts', () => {
  it('gives the input its reads, each processor its in/out, the output its writes', () => {
    const counts = nodeCounts({
      records_read: 1000,
      records_written: 795,
      records_failed: 7,
      bytes_read: 0,
      rows_per_second: 0,
      total: null,
      elapsed_ms: 10,
      steps: [step('pipeline.processors[0]', 1000, 800, 5), step('pipeline.processors[1]', 800, 800)],
    });
    expect(counts).toEqual({
      input: { out: 1000, failed: 0 },
      'pipeline.processors[0]': { in: 1000, out: 800, failed: 5 },
      'pipeline.processors[1]': { in: 800, out: 800, failed: 0 },
      // 7 rejected in all, 5 of them by the filter: the output refused 2.
      output: { in: 800, out: 795, failed: 2 },
    });
  });

  it('has nothing before a run', () => {
    expect(nodeCounts(null)).toEqual({});
  });
});
