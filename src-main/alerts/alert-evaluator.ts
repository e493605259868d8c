import type { AlertRule } from '../../src-shared/api/alert-model';
import type { StudioEvent } from '../../src-shared/api/model';

/*
 * When alert rules fire. Fed the services' events (`job_status`, `job_progress`) and ticked by a
 * timer for what needs time to pass (slow runs, long runs); each rule fires at most once per
 * execution, so a run that stays slow or keeps failing rows never floods anyone.
 */

/** What made a rule fire, with the figures the message quotes. */
export type FiringCause =
  | { kind: 'job_failed'; error: string | null }
  | { kind: 'error_rate_above'; percent: number; failed: number; read: number; limit: number }
  | { kind: 'throughput_below'; rows_per_second: number; limit: number; minutes: number }
  | { kind: 'run_longer_than'; minutes: number; limit: number };

export interface AlertTrigger {
  rule: AlertRule;
  job_id: string;
  execution_id: string;
  cause: FiringCause;
}

export interface AlertEvaluatorOptions {
  /** The rules as they are now (edits apply to runs already going). */
  rules: () => readonly AlertRule[];
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  fire: (trigger: AlertTrigger) => void;
  /** A run that reported no progress for this long counts as moving 0 rows/s (default 15 s). */
  stallMs?: number;
  /** Rows a run must have read before its error rate is judged while it runs (default 1000); at its end any count is. */
  minRowsForRate?: number;
}

/** What the evaluator knows of one running execution. */
interface WatchedRun {
  jobId: string;
  executionId: string;
  startedAt: number;
  lastProgressAt: number | null;
  rowsPerSecond: number;
  read: number;
  failed: number;
  /** Per throughput rule: since when the run has been below its limit. */
  slowSince: Map<string, number>;
}

const MINUTE_MS = 60_000;
const MAX_ENDED = 1000;

export class AlertEvaluator {
  private readonly runs = new Map<string, WatchedRun>();
  /** `rule id` + `execution id` of every firing so far, for runs still watched. */
  private readonly fired = new Set<string>();
  /** Executions that ended lately: a repeated end event must not fire their rules again. */
  private readonly ended = new Set<string>();
  private readonly stallMs: number;
  private readonly minRowsForRate: number;

  constructor(private readonly options: AlertEvaluatorOptions) {
    this.stallMs = options.stallMs ?? 15_000;
    this.minRowsForRate = options.minRowsForRate ?? 1000;
  }

  /** Executions being watched (running, as far as the events said). */
  get watching(): number {
    return this.runs.size;
  }

  onEvent(event: StudioEvent): void {
    if (event.type !== 'job_progress' && event.type !== 'job_status') return;
    if (this.ended.has(event.execution_id)) return;
    if (event.type === 'job_progress') {
      this.onProgress(event);
      return;
    }
    switch (event.status) {
      case 'running':
        this.watch(event.job_id, event.execution_id, this.options.now());
        break;
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.onEnd(event.job_id, event.execution_id, event.status === 'failed', event.error);
        break;
      case 'paused':
        // Not running any more; a resume is a run of its own.
        this.forget(event.execution_id);
        break;
      default:
        break;
    }
  }

  /** Judges what only time tells: slow runs and long runs. */
  tick(): void {
    const now = this.options.now();
    for (const run of this.runs.values()) {
      const stalled = run.lastProgressAt === null || now - run.lastProgressAt > this.stallMs;
      this.observeThroughput(run, stalled ? 0 : run.rowsPerSecond, now);
      for (const rule of this.rulesFor(run.jobId)) {
        if (rule.condition.kind !== 'run_longer_than') continue;
        const minutes = (now - run.startedAt) / MINUTE_MS;
        if (minutes >= rule.condition.minutes) {
          this.fire(rule, run, { kind: 'run_longer_than', minutes, limit: rule.condition.minutes });
        }
      }
    }
  }

  private watch(jobId: string, executionId: string, startedAt: number): WatchedRun {
    let run = this.runs.get(executionId);
    if (!run) {
      run = {
        jobId,
        executionId,
        startedAt,
        lastProgressAt: null,
        rowsPerSecond: 0,
        read: 0,
        failed: 0,
        slowSince: new Map(),
      };
      this.runs.set(executionId, run);
      // Nothing moved yet: a run is below any throughput limit from its start.
      this.observeThroughput(run, 0, startedAt);
    }
    return run;
  }

  private onProgress(event: Extract<StudioEvent, { type: 'job_progress' }>): void {
    const now = this.options.now();
    // Progress of a run that started before the evaluator did: it started `elapsed_ms` ago.
    const run =
      this.runs.get(event.execution_id) ??
      this.watch(event.job_id, event.execution_id, now - event.elapsed_ms);
    run.lastProgressAt = now;
    run.rowsPerSecond = event.rows_per_second;
    run.read = event.records_read;
    run.failed = event.records_failed;
    this.observeThroughput(run, event.rows_per_second, now);
    if (run.read >= this.minRowsForRate) this.judgeErrorRate(run);
  }

  private onEnd(jobId: string, executionId: string, failed: boolean, error: string | null): void {
    // A run that failed before it was ever running (its process did not start) still counts.
    const run = this.runs.get(executionId) ?? this.watch(jobId, executionId, this.options.now());
    if (failed) {
      for (const rule of this.rulesFor(jobId)) {
        if (rule.condition.kind === 'job_failed') this.fire(rule, run, { kind: 'job_failed', error });
      }
    }
    this.judgeErrorRate(run);
    this.forget(executionId);
    this.ended.add(executionId);
    // Remembered for a while only: the oldest go first (a Set iterates in insertion order).
    if (this.ended.size > MAX_ENDED) this.ended.delete(this.ended.values().next().value as string);
  }

  private forget(executionId: string): void {
    this.runs.delete(executionId);
    for (const key of this.fired) if (key.endsWith(`\n${executionId}`)) this.fired.delete(key);
  }

  private judgeErrorRate(run: WatchedRun): void {
    if (run.read <= 0) return;
    const percent = (run.failed / run.read) * 100;
    for (const rule of this.rulesFor(run.jobId)) {
      if (rule.condition.kind === 'error_rate_above' && percent > rule.condition.percent) {
        this.fire(rule, run, {
          kind: 'error_rate_above',
          percent,
          failed: run.failed,
          read: run.read,
          limit: rule.condition.percent,
        });
      }
    }
  }

  private observeThroughput(run: WatchedRun, rowsPerSecond: number, now: number): void {
    for (const rule of this.rulesFor(run.jobId)) {
      if (rule.condition.kind !== 'throughput_below') continue;
      if (rowsPerSecond >= rule.condition.rows_per_second) {
        run.slowSince.delete(rule.id);
        continue;
      }
      const since = run.slowSince.get(rule.id) ?? now;
      run.slowSince.set(rule.id, since);
      const minutes = (now - since) / MINUTE_MS;
      if (minutes >= rule.condition.minutes) {
        this.fire(rule, run, {
          kind: 'throughput_below',
          rows_per_second: rowsPerSecond,
          limit: rule.condition.rows_per_second,
          minutes,
        });
      }
    }
  }

  private rulesFor(jobId: string): AlertRule[] {
    return this.options
      .rules()
      .filter((rule) => rule.enabled && (rule.job_id === null || rule.job_id === jobId));
  }

  private fire(rule: AlertRule, run: WatchedRun, cause: FiringCause): void {
    const key = `${rule.id}\n${run.executionId}`;
    if (this.fired.has(key)) return;
    this.fired.add(key);
    this.options.fire({ rule, job_id: run.jobId, execution_id: run.executionId, cause });
  }
}
