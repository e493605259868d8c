import { Type as T, type Static } from '@sinclair/typebox';
import { Bottleneck, BottleneckVerdict, StageTimes } from './bottleneck-model';
import { ExecutionStatus } from './model';

/** The dashboard's data: what the studio's runs did, now and lately. */

export const DashboardQuery = T.Object({
  /**
   * The caller's offset from UTC in minutes, east positive (480 in Beijing, -300 in New York in
   * winter): where its today, week (from Monday) and month begin. Default: the server's own.
   */
  utc_offset_minutes: T.Optional(T.Integer({ minimum: -840, maximum: 840 })),
});
export type DashboardQuery = Static<typeof DashboardQuery>;

/** Rows moved in a period. */
export const RecordCounts = T.Object({
  read: T.Integer(),
  written: T.Integer(),
  failed: T.Integer(),
});
export type RecordCounts = Static<typeof RecordCounts>;

/** A run that has not ended: queued, starting or running, with its progress so far. */
export const ActiveRun = T.Object({
  execution_id: T.String(),
  job_id: T.String(),
  job_name: T.String(),
  status: ExecutionStatus,
  started_at: T.Union([T.String(), T.Null()]),
  records_read: T.Integer(),
  records_written: T.Integer(),
  records_failed: T.Integer(),
  /** Rows the run will read, when its input knows. */
  total: T.Union([T.Integer(), T.Null()]),
  rows_per_second: T.Number(),
});
export type ActiveRun = Static<typeof ActiveRun>;

/** A failed run and the first line of its error. */
export const RecentFailure = T.Object({
  execution_id: T.String(),
  job_id: T.String(),
  job_name: T.String(),
  finished_at: T.Union([T.String(), T.Null()]),
  error: T.String(),
});
export type RecentFailure = Static<typeof RecentFailure>;

/**
 * Rows and write batches per minute over the last hour, oldest first: one entry per minute from
 * `start` (ISO), the last one the minute now under way. Runs this server watched are counted as
 * their progress came in; others (before a restart) spread evenly over their run time.
 */
export const MinuteSeries = T.Object({
  start: T.String(),
  step_seconds: T.Integer(),
  records_read: T.Array(T.Number()),
  records_written: T.Array(T.Number()),
  records_failed: T.Array(T.Number()),
  /** Batches written, and the milliseconds the writers spent on them (average latency = ms / batches). */
  write_batches: T.Array(T.Number()),
  write_busy_ms: T.Array(T.Number()),
});
export type MinuteSeries = Static<typeof MinuteSeries>;

/** Per-batch write latency of a running or recent run, from its bottleneck attribution. */
export const BatchLatency = T.Object({
  execution_id: T.String(),
  job_id: T.String(),
  job_name: T.String(),
  status: ExecutionStatus,
  finished_at: T.Union([T.String(), T.Null()]),
  batches: T.Integer(),
  p50_ms: T.Union([T.Number(), T.Null()]),
  p95_ms: T.Union([T.Number(), T.Null()]),
  /** What held the run back; null while it runs. */
  verdict: T.Union([BottleneckVerdict, T.Null()]),
  /** Where its time went so far (running) or in all (ended), and the verdict's detail once ended. */
  stages: StageTimes,
  bottleneck: T.Union([Bottleneck, T.Null()]),
});
export type BatchLatency = Static<typeof BatchLatency>;

export const Dashboard = T.Object({
  generated_at: T.String(),
  /** The offset today, week and month were counted with. */
  utc_offset_minutes: T.Integer(),
  jobs: T.Object({
    total: T.Integer(),
    enabled: T.Integer(),
    /** Jobs per lifecycle state (`JobState`); states without jobs are left out. */
    by_state: T.Record(T.String(), T.Integer()),
  }),
  /** Runs that ended in the last `window_days` days; success rate = completed ÷ (completed + failed). */
  runs: T.Object({
    window_days: T.Integer(),
    completed: T.Integer(),
    failed: T.Integer(),
    cancelled: T.Integer(),
    success_rate: T.Union([T.Number(), T.Null()]),
  }),
  /** Rows of the runs that ended in each period, plus what running runs moved so far. */
  records: T.Object({ today: RecordCounts, week: RecordCounts, month: RecordCounts }),
  active: T.Array(ActiveRun),
  recent_failures: T.Array(RecentFailure),
  series: MinuteSeries,
  latency: T.Array(BatchLatency),
});
export type Dashboard = Static<typeof Dashboard>;
