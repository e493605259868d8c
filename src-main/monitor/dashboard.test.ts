import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bottleneck, StageTimes } from '../../src-shared/api/bottleneck-model';
import type { RunProgress } from '../../src-shared/api/model';
import { createExecutionRepo, type ExecutionChanges } from '../store/execution-repo';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { errorSummary, loadDashboard, periodStarts, type LiveProgress } from './dashboard';
import { MINUTE_MS, MinuteRing } from './minute-ring';
import { NO_TOTALS } from './run-deltas';

describe('periodStarts', () => {
  it('begins the day, the week (Monday) and the month where the caller lives', () => {
    // Wednesday 7 May 2025, 10:30 in Beijing (UTC+8).
    const now = new Date('2025-05-07T02:30:00Z');
    const beijing = periodStarts(now, 480);
    expect(beijing.day.toISOString()).toBe('2025-05-06T16:00:00.000Z');
    expect(beijing.week.toISOString()).toBe('2025-05-04T16:00:00.000Z');
    expect(beijing.month.toISOString()).toBe('2025-04-30T16:00:00.000Z');
    // Still Tuesday 6 May in New York (UTC-4).
    const newYork = periodStarts(now, -240);
    expect(newYork.day.toISOString()).toBe('2025-05-06T04:00:00.000Z');
    expect(newYork.week.toISOString()).toBe('2025-05-05T04:00:00.000Z');
    // A Sunday belongs to the week that began on the Monday before.
    expect(periodStarts(new Date('2025-05-11T12:00:00Z'), 0).week.toISOString()).toBe(
      '2025-05-05T00:00:00.000Z',
    );
  });
});

describe('errorSummary', () => {
  it('keeps the first line with text, cut to a readable length', () => {
    expect(errorSummary('\noutput: connection refused\n  at connect()')).toBe('output: connection refused');
    expect(errorSummary(null)).toBe('');
    expect(errorSummary('x'.repeat(500))).toHaveLength(240);
  });
});

const YAML = 'version: 1\ninput: { type: generate }\noutput: { type: file }\n';

function stages(batches: number, p50: number, p95: number): StageTimes {
  return {
    lane_ms: 10_000,
    read_wait_ms: 100,
    read_blocked_ms: 8000,
    process_busy_ms: 100,
    process_wait_ms: 0,
    process_blocked_ms: 7000,
    write_busy_ms: batches * p50,
    write_wait_ms: 10,
    write_batches: batches,
    write_p50_ms: p50,
    write_p95_ms: p95,
  };
}

describe('loadDashboard', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-dashboard-'));
    store = await openStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts jobs, runs and rows by the caller’s days, lists active runs and failures, and charts the last hour', async () => {
    const jobs = createJobRepo(store.db);
    const executions = createExecutionRepo(store.db);
    const created = '2025-04-01T00:00:00.000Z';
    await jobs.insert(
      { id: 'j1', name: 'orders', description: '', config_yaml: YAML, flow_diagram: null },
      created,
    );
    await jobs.insert(
      { id: 'j2', name: 'stock', description: '', config_yaml: YAML, flow_diagram: null, enabled: false },
      created,
    );
    await jobs.setState('j1', 'running');
    const run = async (id: string, jobId: string, changes: ExecutionChanges) => {
      await executions.insert({ id, job_id: jobId }, created);
      await executions.update(id, changes);
    };
    const sink: Bottleneck = {
      verdict: 'sink-bound',
      shares: { source: 0.01, cpu: 0.01, sink: 0.9 },
      suggestion: 'bigger_batches',
      lanes: 1,
      channels: 1,
      one_lane: false,
      rows_per_write: 1,
      summary: 'sink-bound: …',
      stages: stages(1000, 4.2, 9.8),
    };
    const counts = (written: number, failed = 0) => ({
      records_read: written + failed,
      records_written: written,
      records_failed: failed,
    });
    // Today in Beijing (7 May), earlier this week, earlier this month, and the month before.
    await run('a', 'j1', {
      status: 'completed',
      started_at: '2025-05-06T16:50:00.000Z',
      finished_at: '2025-05-06T17:00:00.000Z',
      ...counts(100, 10),
    });
    await run('b', 'j2', {
      status: 'completed',
      started_at: '2025-05-05T09:00:00.000Z',
      finished_at: '2025-05-05T10:00:00.000Z',
      bottleneck: sink,
      ...counts(1000),
    });
    await run('c', 'j2', {
      status: 'failed',
      started_at: '2025-05-01T00:00:00.000Z',
      finished_at: '2025-05-01T00:00:01.000Z',
      error: 'output: connection refused\n  at connect',
      ...counts(5),
    });
    await run('d', 'j1', {
      status: 'completed',
      started_at: '2025-04-30T14:00:00.000Z',
      finished_at: '2025-04-30T15:00:00.000Z',
      ...counts(7),
    });
    // Within the last hour: one run the ring watched, one it did not (spread over its 10 minutes).
    await run('w', 'j1', {
      status: 'completed',
      started_at: '2025-05-07T02:00:00.000Z',
      finished_at: '2025-05-07T02:05:00.000Z',
      ...counts(999),
    });
    await run('u', 'j2', {
      status: 'completed',
      started_at: '2025-05-07T01:40:00.000Z',
      finished_at: '2025-05-07T01:50:00.000Z',
      ...counts(600),
    });
    // Running now, and queued.
    await run('e', 'j1', { status: 'running', started_at: '2025-05-07T02:10:00.000Z', ...counts(50) });
    await run('f', 'j2', { status: 'queued' });

    const now = new Date('2025-05-07T02:30:00Z');
    const ring = new MinuteRing();
    ring.add('w', Date.parse('2025-05-07T02:03:10Z'), { ...NO_TOTALS, written: 999, read: 999 });
    const progress: RunProgress = {
      records_read: 300,
      records_written: 300,
      records_failed: 0,
      bytes_read: 0,
      rows_per_second: 250,
      total: 1200,
      elapsed_ms: 1_200_000,
      stages: stages(30, 2.5, 6.1),
    };
    const live = new Map<string, LiveProgress>([['e', { job_id: 'j1', progress }]]);
    const dashboard = await loadDashboard({ db: store.db, live, ring }, now, 480);

    expect(dashboard.jobs).toEqual({ total: 2, enabled: 1, by_state: { running: 1, ready: 1 } });
    expect(dashboard.runs).toEqual({
      window_days: 30,
      completed: 5,
      failed: 1,
      cancelled: 0,
      success_rate: 5 / 6,
    });
    // The running run counts what it wrote so far (from its progress, fresher than the store).
    expect(dashboard.records.today).toEqual({
      read: 110 + 999 + 600 + 300,
      written: 100 + 999 + 600 + 300,
      failed: 10,
    });
    expect(dashboard.records.week.written).toBe(1000 + 100 + 999 + 600 + 300);
    expect(dashboard.records.month.written).toBe(5 + 1000 + 100 + 999 + 600 + 300);
    expect(dashboard.active).toEqual([
      expect.objectContaining({
        execution_id: 'e',
        job_name: 'orders',
        status: 'running',
        records_written: 300,
        total: 1200,
      }),
      expect.objectContaining({ execution_id: 'f', job_name: 'stock', status: 'queued', records_written: 0 }),
    ]);
    expect(dashboard.recent_failures).toEqual([
      {
        execution_id: 'c',
        job_id: 'j2',
        job_name: 'stock',
        finished_at: '2025-05-01T00:00:01.000Z',
        error: 'output: connection refused',
      },
    ]);

    const { series } = dashboard;
    expect(series.start).toBe('2025-05-07T01:31:00.000Z');
    expect(series.records_written).toHaveLength(60);
    const minute = (iso: string) => (Date.parse(iso) - Date.parse(series.start)) / MINUTE_MS;
    // The watched run as its progress came in; the other spread 60 a minute over 01:40–01:50;
    // the running one (not watched) 15 a minute since 02:10.
    expect(series.records_written[minute('2025-05-07T02:03:00Z')]).toBe(999);
    expect(series.records_written[minute('2025-05-07T01:45:00Z')]).toBe(60);
    expect(series.records_written[minute('2025-05-07T02:20:00Z')]).toBe(15);
    expect(series.records_written.reduce((a, b) => a + b, 0)).toBeCloseTo(999 + 600 + 300);
    // The running run's write batches come from its live stage times.
    expect(series.write_batches[minute('2025-05-07T02:20:00Z')]).toBe(1.5);

    expect(dashboard.latency).toEqual([
      expect.objectContaining({ execution_id: 'e', batches: 30, p50_ms: 2.5, p95_ms: 6.1, verdict: null }),
      expect.objectContaining({
        execution_id: 'b',
        batches: 1000,
        p50_ms: 4.2,
        p95_ms: 9.8,
        verdict: 'sink-bound',
      }),
    ]);

    // The same moment from UTC: run a (17:00 on the 6th) is not today.
    const utc = await loadDashboard({ db: store.db, live, ring }, now, 0);
    expect(utc.records.today.written).toBe(999 + 600 + 300);
  });
});
