import { describe, expect, it } from 'vitest';
import { LatencyHistogram, StatsAccumulator } from './stats';

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

  it('times the stages of the lanes, leaving processor work out of the waits on I/O around it', async () => {
    const time = clock(1000);
    const stats = new StatsAccumulator({ now: time.now });
    expect(stats.final().stages).toBeUndefined();
    let endLane = () => {};
    const lane = stats.timeLane(new Promise<void>((resolve) => (endLane = resolve)));
    // The reader waits 50 ms on the source, 20 of which a processor held the event loop.
    const waiting = stats.mark();
    await stats.timeProcessing(async () => time.advance(20));
    time.advance(30);
    stats.addWaitSince('read_wait_ms', waiting);
    // The writer writes two batches of 10 and 30 ms.
    for (const ms of [10, 30])
      await stats.timedWrite([{ rows: [1] }], async () => {
        time.advance(ms);
      });
    // A delivery with nothing to write is no batch.
    await stats.timedWrite([null], async () => time.advance(1));
    const waits = stats.channelWaits('read');
    waits.onSendWait(7);
    waits.onReceiveWait(3);
    stats.channelWaits('process').onReceiveWait(4);
    expect(stats.snapshot().stages?.lane_ms).toBe(91);
    endLane();
    await lane;
    time.advance(500); // the lane ended: its time stops
    expect(stats.final().stages).toEqual({
      lane_ms: 91,
      read_wait_ms: 30,
      read_blocked_ms: 7,
      process_busy_ms: 20,
      process_wait_ms: 3,
      process_blocked_ms: 0,
      write_busy_ms: 41,
      write_wait_ms: 4,
      write_batches: 2,
      write_p50_ms: 10.21,
      write_p95_ms: 31.35,
    });
  });
});

describe('LatencyHistogram', () => {
  it('gives percentiles within 5% of the true ones, from fixed buckets', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(0.5)).toBeNull();
    for (let ms = 1; ms <= 1000; ms++) histogram.add(ms);
    histogram.add(0); // a write faster than the clock
    const p50 = histogram.percentile(0.5) as number;
    const p95 = histogram.percentile(0.95) as number;
    expect(p50 / 500).toBeGreaterThanOrEqual(1);
    expect(p50 / 500).toBeLessThan(1.05);
    expect(p95 / 950).toBeGreaterThanOrEqual(1);
    expect(p95 / 950).toBeLessThan(1.05);
    expect(histogram.percentile(1)).toBeGreaterThanOrEqual(1000);
    expect(histogram.count).toBe(1001);
  });
});
