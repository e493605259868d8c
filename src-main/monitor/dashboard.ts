import type { Kysely } from 'kysely';
import type { Bottleneck } from '../../src-shared/api/bottleneck-model';
import type { ExecutionStatus, RunProgress } from '../../src-shared/api/model';
import type {
  ActiveRun,
  BatchLatency,
  Dashboard,
  MinuteSeries,
  RecentFailure,
  RecordCounts,
} from '../../src-shared/api/monitor-model';
import type { Database } from '../store/database';
import { MINUTE_MS, spreadOverMinutes, type MinuteRing } from './minute-ring';
import { NO_TOTALS, type RunTotals } from './run-deltas';

/** Runs that have not ended, as the dashboard lists them. */
export const ACTIVE_STATUSES: ExecutionStatus[] = ['queued', 'pending', 'running'];
/** Days the success rate looks back. */
export const SUCCESS_WINDOW_DAYS = 30;
const RECENT_FAILURES = 8;
const RECENT_LATENCIES = 8;
const ERROR_SUMMARY_CHARS = 240;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest progress of a run in progress, as the event stream brought it. */
export interface LiveProgress {
  job_id: string;
  progress: RunProgress;
}

export interface DashboardSources {
  db: Kysely<Database>;
  /** Latest progress by execution id, of runs that have not ended. */
  live: ReadonlyMap<string, LiveProgress>;
  /** Rows per minute of the runs this process watched. */
  ring: MinuteRing;
}

/**
 * Where the caller's today, week (from Monday) and month begin, as UTC instants, for a caller
 * `utcOffsetMinutes` east of UTC. Uses the offset as it is now, so across a daylight-saving change
 * the week's or month's start may be an hour off.
 */
export function periodStarts(now: Date, utcOffsetMinutes: number): { day: Date; week: Date; month: Date } {
  const offsetMs = utcOffsetMinutes * 60_000;
  const local = new Date(now.getTime() + offsetMs);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  const date = local.getUTCDate();
  const sinceMonday = (local.getUTCDay() + 6) % 7;
  return {
    day: new Date(Date.UTC(year, month, date) - offsetMs),
    week: new Date(Date.UTC(year, month, date - sinceMonday) - offsetMs),
    month: new Date(Date.UTC(year, month, 1) - offsetMs),
  };
}

/** The first non-empty line of an error, cut to a readable length. */
export function errorSummary(error: string | null): string {
  const line = (error ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > ERROR_SUMMARY_CHARS ? `${trimmed.slice(0, ERROR_SUMMARY_CHARS - 1)}…` : trimmed;
}

function parseBottleneck(text: string | null): Bottleneck | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as Bottleneck;
  } catch {
    return null;
  }
}

/** BIGINT sums and counts come back as strings from PostgreSQL, as numbers from SQLite, null over no rows. */
function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

async function recordsSince(
  db: Kysely<Database>,
  since: Date,
  live: ReadonlyMap<string, LiveProgress>,
): Promise<RecordCounts> {
  let query = db
    .selectFrom('executions')
    .select((eb) => [
      eb.fn.sum('records_read').as('read'),
      eb.fn.sum('records_written').as('written'),
      eb.fn.sum('records_failed').as('failed'),
    ])
    .where('finished_at', '>=', since.toISOString());
  // A run that just ended may be stored before its end is announced: count it once.
  if (live.size > 0) query = query.where('id', 'not in', [...live.keys()]);
  const row = await query.executeTakeFirst();
  const counts = { read: num(row?.read), written: num(row?.written), failed: num(row?.failed) };
  // Runs in progress count what they moved so far, in every period.
  for (const { progress } of live.values()) {
    counts.read += progress.records_read;
    counts.written += progress.records_written;
    counts.failed += progress.records_failed;
  }
  return counts;
}

async function jobCounts(db: Kysely<Database>): Promise<Dashboard['jobs']> {
  const rows = await db
    .selectFrom('jobs')
    .select(['state', 'enabled'])
    .select((eb) => eb.fn.countAll().as('n'))
    .groupBy(['state', 'enabled'])
    .execute();
  const jobs: Dashboard['jobs'] = { total: 0, enabled: 0, by_state: {} };
  for (const row of rows) {
    const n = num(row.n);
    jobs.total += n;
    if (num(row.enabled) !== 0) jobs.enabled += n;
    jobs.by_state[row.state] = (jobs.by_state[row.state] ?? 0) + n;
  }
  return jobs;
}

async function runCounts(db: Kysely<Database>, now: Date): Promise<Dashboard['runs']> {
  const since = new Date(now.getTime() - SUCCESS_WINDOW_DAYS * DAY_MS).toISOString();
  const rows = await db
    .selectFrom('executions')
    .select('status')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('finished_at', '>=', since)
    .groupBy('status')
    .execute();
  const count = (status: ExecutionStatus) => num(rows.find((r) => r.status === status)?.n);
  const completed = count('completed');
  const failed = count('failed');
  return {
    window_days: SUCCESS_WINDOW_DAYS,
    completed,
    failed,
    cancelled: count('cancelled'),
    success_rate: completed + failed > 0 ? completed / (completed + failed) : null,
  };
}

async function activeRuns(
  db: Kysely<Database>,
  live: ReadonlyMap<string, LiveProgress>,
): Promise<ActiveRun[]> {
  const rows = await db
    .selectFrom('executions as e')
    .innerJoin('jobs as j', 'j.id', 'e.job_id')
    .select([
      'e.id',
      'e.job_id',
      'j.name',
      'e.status',
      'e.started_at',
      'e.records_read',
      'e.records_written',
      'e.records_failed',
    ])
    .where('e.status', 'in', ACTIVE_STATUSES)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .execute();
  return rows.map((row) => {
    const progress = live.get(row.id)?.progress;
    return {
      execution_id: row.id,
      job_id: row.job_id,
      job_name: row.name,
      status: row.status,
      started_at: row.started_at,
      // The store is written at most once a second; the event stream is fresher.
      records_read: progress?.records_read ?? num(row.records_read),
      records_written: progress?.records_written ?? num(row.records_written),
      records_failed: progress?.records_failed ?? num(row.records_failed),
      total: progress?.total ?? null,
      rows_per_second: progress?.rows_per_second ?? 0,
    };
  });
}

async function recentFailures(db: Kysely<Database>): Promise<RecentFailure[]> {
  const rows = await db
    .selectFrom('executions as e')
    .innerJoin('jobs as j', 'j.id', 'e.job_id')
    .select(['e.id', 'e.job_id', 'j.name', 'e.finished_at', 'e.error'])
    .where('e.status', '=', 'failed')
    .orderBy('e.finished_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(RECENT_FAILURES)
    .execute();
  return rows.map((row) => ({
    execution_id: row.id,
    job_id: row.job_id,
    job_name: row.name,
    finished_at: row.finished_at,
    error: errorSummary(row.error),
  }));
}

/** The ring's minutes, plus the runs it did not watch spread over their run time. */
async function minuteSeries(sources: DashboardSources, now: Date): Promise<MinuteSeries> {
  const { db, ring, live } = sources;
  const series = ring.series(now.getTime());
  const windowStart = new Date(series.startMinute * MINUTE_MS).toISOString();
  const rows = await db
    .selectFrom('executions')
    .select([
      'id',
      'status',
      'started_at',
      'finished_at',
      'records_read',
      'records_written',
      'records_failed',
      'bytes_read',
      'bottleneck',
    ])
    .where('started_at', 'is not', null)
    .where((eb) => eb.or([eb('finished_at', '>=', windowStart), eb('status', 'in', ACTIVE_STATUSES)]))
    .execute();
  for (const row of rows) {
    if (ring.watches(row.id) || row.started_at === null) continue;
    const progress = live.get(row.id)?.progress;
    const stages = parseBottleneck(row.bottleneck)?.stages ?? progress?.stages;
    const totals: RunTotals = {
      ...NO_TOTALS,
      read: progress?.records_read ?? num(row.records_read),
      written: progress?.records_written ?? num(row.records_written),
      failed: progress?.records_failed ?? num(row.records_failed),
      bytes: progress?.bytes_read ?? num(row.bytes_read),
      batches: stages?.write_batches ?? 0,
      busy_ms: stages?.write_busy_ms ?? 0,
    };
    const ended = row.finished_at === null ? now.getTime() : Date.parse(row.finished_at);
    spreadOverMinutes(totals, Date.parse(row.started_at), ended, series);
  }
  const round = (pick: (t: RunTotals) => number) =>
    series.buckets.map((b) => Math.round(pick(b) * 100) / 100);
  return {
    start: windowStart,
    step_seconds: MINUTE_MS / 1000,
    records_read: round((b) => b.read),
    records_written: round((b) => b.written),
    records_failed: round((b) => b.failed),
    write_batches: round((b) => b.batches),
    write_busy_ms: round((b) => b.busy_ms),
  };
}

async function batchLatencies(
  db: Kysely<Database>,
  active: ActiveRun[],
  live: ReadonlyMap<string, LiveProgress>,
): Promise<BatchLatency[]> {
  const running: BatchLatency[] = [];
  for (const run of active) {
    const stages = live.get(run.execution_id)?.progress.stages;
    if (!stages || stages.write_batches === 0) continue;
    running.push({
      execution_id: run.execution_id,
      job_id: run.job_id,
      job_name: run.job_name,
      status: run.status,
      finished_at: null,
      batches: stages.write_batches,
      p50_ms: stages.write_p50_ms,
      p95_ms: stages.write_p95_ms,
      verdict: null,
      stages,
      bottleneck: null,
    });
  }
  const rows = await db
    .selectFrom('executions as e')
    .innerJoin('jobs as j', 'j.id', 'e.job_id')
    .select(['e.id', 'e.job_id', 'j.name', 'e.status', 'e.finished_at', 'e.bottleneck'])
    .where('e.bottleneck', 'is not', null)
    .orderBy('e.finished_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(RECENT_LATENCIES)
    .execute();
  const finished: BatchLatency[] = [];
  for (const row of rows) {
    const bottleneck = parseBottleneck(row.bottleneck);
    if (!bottleneck || bottleneck.stages.write_batches === 0) continue;
    finished.push({
      execution_id: row.id,
      job_id: row.job_id,
      job_name: row.name,
      status: row.status,
      finished_at: row.finished_at,
      batches: bottleneck.stages.write_batches,
      p50_ms: bottleneck.stages.write_p50_ms,
      p95_ms: bottleneck.stages.write_p95_ms,
      verdict: bottleneck.verdict,
      stages: bottleneck.stages,
      bottleneck,
    });
  }
  return [...running, ...finished];
}

/** Reads everything the dashboard shows, at `now`, counting days from `utcOffsetMinutes`. */
export async function loadDashboard(
  sources: DashboardSources,
  now: Date,
  utcOffsetMinutes: number,
): Promise<Dashboard> {
  const { db, live } = sources;
  const starts = periodStarts(now, utcOffsetMinutes);
  const [jobs, runs, today, week, month, active, failures, series] = await Promise.all([
    jobCounts(db),
    runCounts(db, now),
    recordsSince(db, starts.day, live),
    recordsSince(db, starts.week, live),
    recordsSince(db, starts.month, live),
    activeRuns(db, live),
    recentFailures(db),
    minuteSeries(sources, now),
  ]);
  return {
    generated_at: now.toISOString(),
    utc_offset_minutes: utcOffsetMinutes,
    jobs,
    runs,
    records: { today, week, month },
    active,
    recent_failures: failures,
    series,
    latency: await batchLatencies(db, active, live),
  };
}
