import { describe, expect, it } from 'vitest';
import type { Dashboard } from '../../src-shared/api/monitor-model';
import { changesDashboard, chartData, doneFraction, withProgress } from './dashboard-data';

const dashboard: Dashboard = {
  generated_at: '2025-05-07T02:30:00.000Z',
  utc_offset_minutes: 480,
  jobs: { total: 1, enabled: 1, by_state: { running: 1 } },
  runs: { window_days: 30, completed: 0, failed: 0, cancelled: 0, success_rate: null },
  records: {
    today: { read: 0, written: 0, failed: 0 },
    week: { read: 0, written: 0, failed: 0 },
    month: { read: 0, written: 0, failed: 0 },
  },
  active: [
    {
      execution_id: 'e1',
      job_id: 'j1',
      job_name: 'orders',
      status: 'pending',
      started_at: null,
      records_read: 0,
      records_written: 0,
      records_failed: 0,
      total: null,
      rows_per_second: 0,
    },
  ],
  recent_failures: [],
  series: {
    start: '2025-05-07T02:28:00.000Z',
    step_seconds: 60,
    records_read: [600, 0, 120],
    records_written: [570, 0, 120],
    records_failed: [30, 0, 0],
    write_batches: [3, 0, 1],
    write_busy_ms: [12, 0, 5],
  },
  latency: [],
};

describe('chartData', () => {
  it('turns rows per minute into rows per second, error percentages and milliseconds per batch', () => {
    // Generated 30 s into the last minute: its 120 rows came in 30 s.
    expect(chartData(dashboard.series, '2025-05-07T02:30:30.000Z')).toEqual({
      times: [1746584880, 1746584940, 1746585000],
      throughput: [9.5, 0, 4],
      errorRate: [5, null, 0],
      latency: [4, null, 5],
    });
  });
});

describe('withProgress', () => {
  it('moves an active run’s counters with each progress event, and leaves other events alone', () => {
    const next = withProgress(dashboard, {
      type: 'job_progress',
      job_id: 'j1',
      execution_id: 'e1',
      records_read: 500,
      records_written: 480,
      records_failed: 2,
      bytes_read: 0,
      rows_per_second: 250,
      total: 2000,
      elapsed_ms: 2000,
    });
    expect(next.active[0]).toMatchObject({ status: 'running', records_written: 480, total: 2000 });
    expect(next.records.today).toEqual({ read: 500, written: 480, failed: 2 });
    expect(next.records.month.written).toBe(480);
    expect(doneFraction(next.active[0])).toBe(0.25);
    expect(doneFraction(dashboard.active[0])).toBeNull();
    const other = { type: 'job_changed', job_id: 'j1', change: 'updated' } as const;
    expect(withProgress(dashboard, other)).toBe(dashboard);
    expect(changesDashboard(other)).toBe(true);
    expect(
      changesDashboard({
        type: 'log_entry',
        job_id: null,
        execution_id: null,
        level: 'info',
        message: '',
        time: '',
      }),
    ).toBe(false);
  });
});
