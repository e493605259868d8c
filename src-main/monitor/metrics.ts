import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExecutionStatus, StudioEvent } from '../../src-shared/api/model';
import { addTotals, NO_TOTALS, RunDeltas, totalsOf, type RunTotals } from './run-deltas';

/*
 * The studio's Prometheus metrics, fed by the services' events. Counters add what each progress
 * event adds to a run's running totals, so a run's rows count once. Job names, checkpoint ages and
 * the gauges are read when scraped.
 */

/** Statuses that end an execution. */
const ENDED: ReadonlySet<ExecutionStatus> = new Set(['completed', 'failed', 'cancelled', 'paused']);
/** Statuses of runs in progress (`pending`: the run's process is starting). */
const IN_PROGRESS: ReadonlySet<ExecutionStatus> = new Set(['pending', 'running']);
/** Run durations from seconds to half a day. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 43_200];

export interface MetricsOptions {
  /** Job names by id, read when scraped; a job deleted since keeps its id as its label. */
  jobNames(ids: string[]): Promise<Map<string, string>>;
  /** When each execution last stored a checkpoint (epoch ms), read when scraped. */
  lastCheckpoints(executionIds: string[]): Promise<Map<string, number>>;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** The process's own metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
}

/** An execution that had not ended when monitoring started. */
export interface UnfinishedExecution {
  id: string;
  job_id: string;
  status: ExecutionStatus;
  started_at: string | null;
  created_at: string;
}

export interface Metrics {
  handleEvent(event: StudioEvent): void;
  /** Runs already queued or running when monitoring starts (queued runs survive a restart). */
  seed(executions: UnfinishedExecution[]): void;
  /** The exposition text for a scrape. */
  render(): Promise<string>;
  readonly contentType: string;
}

interface RunState {
  job_id: string;
  status: ExecutionStatus;
  /** When the run was first seen starting (epoch ms): its checkpoint age until it stores one. */
  since: number;
  rows_per_second: number;
  /** The engine's own elapsed time, from the latest progress. */
  elapsed_ms: number | null;
}

/** What a scrape reads besides the in-memory state. */
interface ScrapeView {
  names: Map<string, string>;
  checkpoints: Map<string, number>;
  at: number;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const runs = new Map<string, RunState>();
  const totals = new Map<string, RunTotals>();
  const deltas = new RunDeltas();
  let view: ScrapeView = { names: new Map(), checkpoints: new Map(), at: now() };
  const jobLabel = (jobId: string) => view.names.get(jobId) ?? jobId;

  const jobsTotal = new Counter({
    name: 'fustgo_jobs_total',
    help: 'Runs ended, by how they ended (completed, failed, cancelled, paused)',
    labelNames: ['status'],
    registers: [registry],
  });
  for (const status of ENDED) jobsTotal.inc({ status }, 0);

  new Gauge({
    name: 'fustgo_jobs_running',
    help: 'Runs in progress (starting or running)',
    registers: [registry],
    collect() {
      this.set([...runs.values()].filter((r) => IN_PROGRESS.has(r.status)).length);
    },
  });
  new Gauge({
    name: 'fustgo_queue_depth',
    help: 'Runs waiting for a slot (worker.max_concurrent_jobs) or for the job’s previous run',
    registers: [registry],
    collect() {
      this.set([...runs.values()].filter((r) => r.status === 'queued').length);
    },
  });

  /** A counter per job, set from the totals when scraped. */
  const jobCounter = (name: string, help: string, pick: (t: RunTotals) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['job'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [jobId, counts] of totals) this.inc({ job: jobLabel(jobId) }, pick(counts));
      },
    });
  jobCounter('fustgo_records_processed_total', 'Rows read and handled by runs of the job', (t) => t.read);
  jobCounter('fustgo_records_written_total', 'Rows runs of the job wrote to their targets', (t) => t.written);
  jobCounter(
    'fustgo_records_failed_total',
    'Rows runs of the job could not process or write (dead letters)',
    (t) => t.failed,
  );
  jobCounter(
    'fustgo_bytes_transferred_total',
    'Bytes runs of the job read from their sources',
    (t) => t.bytes,
  );

  new Gauge({
    name: 'fustgo_throughput_records_per_second',
    help: 'Rows per second the job’s running run reads now (0 when it is not running)',
    labelNames: ['job'],
    registers: [registry],
    collect() {
      this.reset();
      const rates = new Map<string, number>();
      for (const jobId of totals.keys()) rates.set(jobLabel(jobId), 0);
      for (const run of runs.values()) {
        if (run.status !== 'running') continue;
        const label = jobLabel(run.job_id);
        rates.set(label, (rates.get(label) ?? 0) + run.rows_per_second);
      }
      for (const [job, rate] of rates) this.set({ job }, rate);
    },
  });

  new Gauge({
    name: 'fustgo_checkpoint_age_seconds',
    help: 'Seconds since the job’s running run last stored a checkpoint (since it started, before its first)',
    labelNames: ['job'],
    registers: [registry],
    collect() {
      this.reset();
      // Two runs of one job (a replay beside a scheduled run): the older checkpoint is the concern.
      const ages = new Map<string, number>();
      for (const [id, run] of runs) {
        if (!IN_PROGRESS.has(run.status)) continue;
        const last = Math.max(view.checkpoints.get(id) ?? run.since, run.since);
        const job = jobLabel(run.job_id);
        ages.set(job, Math.max(ages.get(job) ?? 0, (view.at - last) / 1000));
      }
      for (const [job, age] of ages) this.set({ job }, age);
    },
  });

  const duration = new Histogram({
    name: 'fustgo_run_duration_seconds',
    help: 'How long runs took, by how they ended',
    labelNames: ['status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  const runOf = (executionId: string, jobId: string, status: ExecutionStatus): RunState => {
    let run = runs.get(executionId);
    if (!run) {
      run = { job_id: jobId, status, since: now(), rows_per_second: 0, elapsed_ms: null };
      runs.set(executionId, run);
    }
    return run;
  };

  const ended = (executionId: string, jobId: string, status: ExecutionStatus) => {
    if (deltas.hasEnded(executionId)) return;
    const run = runs.get(executionId);
    jobsTotal.inc({ status });
    const ms = run ? (run.elapsed_ms ?? now() - run.since) : 0;
    duration.observe({ status }, Math.max(0, ms) / 1000);
    if (!totals.has(jobId)) totals.set(jobId, { ...NO_TOTALS });
    deltas.end(executionId);
    runs.delete(executionId);
  };

  return {
    contentType: registry.contentType,

    handleEvent(event) {
      if (event.type === 'job_status') {
        if (ENDED.has(event.status)) ended(event.execution_id, event.job_id, event.status);
        else if (!deltas.hasEnded(event.execution_id)) {
          const run = runOf(event.execution_id, event.job_id, event.status);
          // A run's clock starts when it starts, not while it waited in the queue.
          if (run.status === 'queued' && event.status !== 'queued') run.since = now();
          run.status = event.status;
        }
      } else if (event.type === 'job_progress') {
        const delta = deltas.add(event.execution_id, totalsOf(event));
        if (!delta) return;
        let jobTotals = totals.get(event.job_id);
        if (!jobTotals) {
          jobTotals = { ...NO_TOTALS };
          totals.set(event.job_id, jobTotals);
        }
        addTotals(jobTotals, delta);
        const run = runOf(event.execution_id, event.job_id, 'running');
        run.rows_per_second = event.rows_per_second;
        run.elapsed_ms = event.elapsed_ms;
      }
    },

    seed(executions) {
      for (const execution of executions) {
        if (ENDED.has(execution.status) || runs.has(execution.id)) continue;
        const since = Date.parse(execution.started_at ?? execution.created_at);
        runs.set(execution.id, {
          job_id: execution.job_id,
          status: execution.status,
          since: Number.isNaN(since) ? now() : since,
          rows_per_second: 0,
          elapsed_ms: null,
        });
      }
    },

    async render() {
      const jobIds = new Set(totals.keys());
      for (const run of runs.values()) jobIds.add(run.job_id);
      const running = [...runs].filter(([, run]) => IN_PROGRESS.has(run.status)).map(([id]) => id);
      const [names, checkpoints] = await Promise.all([
        options.jobNames([...jobIds]),
        running.length > 0 ? options.lastCheckpoints(running) : Promise.resolve(new Map<string, number>()),
      ]);
      view = { names, checkpoints, at: now() };
      return registry.metrics();
    },
  };
}
