import type { StudioEvent } from '../../src-shared/api/model';
import type { Dashboard, MinuteSeries, RecordCounts } from '../../src-shared/api/monitor-model';

/** The dashboard's charts: one point per minute, times in seconds (as uPlot takes them). */
export interface ChartData {
  times: number[];
  /** Rows written per second, averaged over each minute. */
  throughput: number[];
  /** Rows failed as a percentage of rows written or failed; null in minutes without rows. */
  errorRate: (number | null)[];
  /** Average milliseconds per written batch; null in minutes without batches. */
  latency: (number | null)[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * The charts of a dashboard generated at `generatedAt`: the minute under way is averaged over the
 * seconds it has run so far, not the whole minute.
 */
export function chartData(series: MinuteSeries, generatedAt: string): ChartData {
  const start = Date.parse(series.start) / 1000;
  const step = series.step_seconds;
  const last = series.records_written.length - 1;
  const elapsedInLast = Date.parse(generatedAt) / 1000 - (start + last * step);
  const seconds = (i: number) => (i === last ? Math.min(step, Math.max(1, elapsedInLast)) : step);
  return {
    times: series.records_written.map((_, i) => start + i * step),
    throughput: series.records_written.map((written, i) => round2(written / seconds(i))),
    errorRate: series.records_written.map((written, i) => {
      const failed = series.records_failed[i] ?? 0;
      return written + failed > 0 ? round2((failed / (written + failed)) * 100) : null;
    }),
    latency: series.write_batches.map((batches, i) =>
      batches > 0 ? round2((series.write_busy_ms[i] ?? 0) / batches) : null,
    ),
  };
}

/**
 * The dashboard with one progress event applied to its active run, so progress bars move with
 * every event; the rest (charts, counts) comes with the next reload. Returns the same object when
 * the event changes nothing shown.
 */
export function withProgress(dashboard: Dashboard, event: StudioEvent): Dashboard {
  if (event.type !== 'job_progress') return dashboard;
  const index = dashboard.active.findIndex((run) => run.execution_id === event.execution_id);
  if (index < 0) return dashboard;
  const before = dashboard.active[index];
  // The periods' counts hold what the run had moved when loaded: add what it moved since.
  const more = (counts: RecordCounts): RecordCounts => ({
    read: counts.read + Math.max(0, event.records_read - before.records_read),
    written: counts.written + Math.max(0, event.records_written - before.records_written),
    failed: counts.failed + Math.max(0, event.records_failed - before.records_failed),
  });
  const records = {
    today: more(dashboard.records.today),
    week: more(dashboard.records.week),
    month: more(dashboard.records.month),
  };
  const active = [...dashboard.active];
  active[index] = {
    ...active[index],
    // Progress comes only from a run that runs.
    status: 'running',
    records_read: event.records_read,
    records_written: event.records_written,
    records_failed: event.records_failed,
    total: event.total,
    rows_per_second: event.rows_per_second,
  };
  return { ...dashboard, active, records };
}

/** Whether an event changes what the dashboard shows beyond an active run's counters. */
export function changesDashboard(event: StudioEvent): boolean {
  return event.type === 'job_status' || event.type === 'job_changed' || event.type === 'job_state';
}

/** Fraction of a run done, when its input knows the total (0–1); null otherwise. */
export function doneFraction(run: { records_read: number; total: number | null }): number | null {
  if (run.total === null || run.total <= 0) return null;
  return Math.min(1, run.records_read / run.total);
}
