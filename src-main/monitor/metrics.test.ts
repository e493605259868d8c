import { describe, expect, it } from 'vitest';
import type { ExecutionStatus, RunProgress, StudioEvent } from '../../src-shared/api/model';
import { createMetrics } from './metrics';

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function progress(executionId: string, jobId: string, counts: Partial<RunProgress>): StudioEvent {
  return {
    type: 'job_progress',
    job_id: jobId,
    execution_id: executionId,
    records_read: 0,
    records_written: 0,
    records_failed: 0,
    bytes_read: 0,
    rows_per_second: 0,
    total: null,
    elapsed_ms: 0,
    ...counts,
  };
}

function status(executionId: string, jobId: string, to: ExecutionStatus): StudioEvent {
  return { type: 'job_status', job_id: jobId, execution_id: executionId, status: to, error: null };
}

/** The value of one sample line (`name{labels} value`), or undefined when the line is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const names = async (ids: string[]) =>
  new Map(ids.filter((id) => id !== 'gone').map((id) => [id, `${id}-name`]));

describe('createMetrics', () => {
  it('counts each run’s rows once from running totals, and each ended run by status', async () => {
    const time = clock(Date.parse('2025-05-01T10:00:00Z'));
    const metrics = createMetrics({
      jobNames: names,
      lastCheckpoints: async () => new Map(),
      now: time.now,
      processMetrics: false,
    });
    metrics.handleEvent(status('e1', 'orders', 'pending'));
    metrics.handleEvent(status('e1', 'orders', 'running'));
    metrics.handleEvent(
      progress('e1', 'orders', { records_read: 1000, records_written: 900, bytes_read: 5000 }),
    );
    // The same totals again (the final progress repeats the last one): nothing more.
    metrics.handleEvent(
      progress('e1', 'orders', { records_read: 1000, records_written: 900, bytes_read: 5000 }),
    );
    metrics.handleEvent(
      progress('e1', 'orders', {
        records_read: 2500,
        records_written: 2400,
        records_failed: 7,
        bytes_read: 12_000,
        rows_per_second: 1250,
        elapsed_ms: 2000,
      }),
    );
    let text = await metrics.render();
    expect(sample(text, 'fustgo_jobs_running')).toBe(1);
    expect(sample(text, 'fustgo_throughput_records_per_second{job="orders-name"}')).toBe(1250);
    time.advance(2500);
    metrics.handleEvent(status('e1', 'orders', 'completed'));
    // A late progress event of an ended run is not counted again.
    metrics.handleEvent(progress('e1', 'orders', { records_read: 2500, records_written: 2400 }));

    // A second run of the same job adds to the job's counters.
    metrics.handleEvent(status('e2', 'orders', 'running'));
    metrics.handleEvent(progress('e2', 'orders', { records_read: 10, records_written: 10, elapsed_ms: 400 }));
    metrics.handleEvent(status('e2', 'orders', 'failed'));

    text = await metrics.render();
    expect(sample(text, 'fustgo_records_processed_total{job="orders-name"}')).toBe(2510);
    expect(sample(text, 'fustgo_records_written_total{job="orders-name"}')).toBe(2410);
    expect(sample(text, 'fustgo_records_failed_total{job="orders-name"}')).toBe(7);
    expect(sample(text, 'fustgo_bytes_transferred_total{job="orders-name"}')).toBe(12_000);
    expect(sample(text, 'fustgo_jobs_total{status="completed"}')).toBe(1);
    expect(sample(text, 'fustgo_jobs_total{status="failed"}')).toBe(1);
    expect(sample(text, 'fustgo_jobs_total{status="cancelled"}')).toBe(0);
    expect(sample(text, 'fustgo_jobs_running')).toBe(0);
    expect(sample(text, 'fustgo_throughput_records_per_second{job="orders-name"}')).toBe(0);
    // Durations from the engine's elapsed time: 2 s and 0.4 s.
    expect(sample(text, 'fustgo_run_duration_seconds_count{status="completed"}')).toBe(1);
    expect(sample(text, 'fustgo_run_duration_seconds_sum{status="completed"}')).toBe(2);
    expect(sample(text, 'fustgo_run_duration_seconds_bucket{le="1",status="failed"}')).toBe(1);
    expect(text).toContain('# TYPE fustgo_records_processed_total counter');
  });

  it('counts queued and running runs, seeded from the store, and the age of their last checkpoint', async () => {
    const start = Date.parse('2025-05-01T10:00:00Z');
    const time = clock(start);
    const checkpoints = new Map<string, number>();
    const metrics = createMetrics({
      jobNames: names,
      lastCheckpoints: async (ids) => new Map([...checkpoints].filter(([id]) => ids.includes(id))),
      now: time.now,
      processMetrics: false,
    });
    metrics.seed([
      { id: 'q1', job_id: 'a', status: 'queued', started_at: null, created_at: '2025-05-01T09:59:00Z' },
      { id: 'r1', job_id: 'b', status: 'running', started_at: '2025-05-01T09:59:30Z', created_at: '' },
    ]);
    metrics.handleEvent(status('q2', 'gone', 'queued'));
    let text = await metrics.render();
    expect(sample(text, 'fustgo_queue_depth')).toBe(2);
    expect(sample(text, 'fustgo_jobs_running')).toBe(1);
    // No checkpoint yet: its age runs from the run's start.
    expect(sample(text, 'fustgo_checkpoint_age_seconds{job="b-name"}')).toBe(30);

    checkpoints.set('r1', start + 5000);
    time.advance(12_000);
    // The queued run of a deleted job starts: its label is its id, its clock starts now.
    metrics.handleEvent(status('q2', 'gone', 'running'));
    time.advance(3000);
    text = await metrics.render();
    expect(sample(text, 'fustgo_queue_depth')).toBe(1);
    expect(sample(text, 'fustgo_jobs_running')).toBe(2);
    expect(sample(text, 'fustgo_checkpoint_age_seconds{job="b-name"}')).toBe(10);
    expect(sample(text, 'fustgo_checkpoint_age_seconds{job="gone"}')).toBe(3);
    metrics.handleEvent(status('r1', 'b', 'paused'));
    text = await metrics.render();
    expect(sample(text, 'fustgo_checkpoint_age_seconds{job="b-name"}')).toBeUndefined();
    expect(sample(text, 'fustgo_jobs_total{status="paused"}')).toBe(1);
  });

  it('adds the process metrics by default', async () => {
    const metrics = createMetrics({ jobNames: names, lastCheckpoints: async () => new Map() });
    const text = await metrics.render();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics.contentType).toContain('text/plain');
  });
});
