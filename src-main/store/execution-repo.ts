import type { Kysely } from 'kysely';
import type { Execution, ExecutionStatus, RunTrigger, StepProgress } from '../../src-shared/api/model';
import type { Bottleneck } from '../../src-shared/api/bottleneck-model';
import type { Database, ExecutionRow } from './database';

/** Run counters as the store keeps them. */
export interface ExecutionCounts {
  records_read: number;
  records_written: number;
  records_failed: number;
  bytes_read: number;
}

/** What may change on an execution as it runs. */
export interface ExecutionChanges extends Partial<ExecutionCounts> {
  status?: ExecutionStatus;
  started_at?: string | null;
  finished_at?: string | null;
  error?: string | null;
  /** Last committed checkpoint per lane; stored as JSON. */
  checkpoint?: Record<string, unknown> | null;
  /** The finished run's notes; stored as JSON. */
  notes?: string[];
  /** Where each processor's rows went; stored as JSON. */
  steps?: StepProgress[] | null;
  /** What held the run back; stored as JSON. */
  bottleneck?: Bottleneck | null;
}

/** A new execution; the trigger defaults to `manual` by `user`, attempt 1. */
export interface NewExecution {
  id: string;
  job_id: string;
  status?: 'pending' | 'queued';
  trigger?: RunTrigger;
  actor?: string;
  attempt?: number;
  resumed_from?: string | null;
  trigger_detail?: string | null;
  not_before?: string | null;
  config_yaml?: string | null;
}

/** Executions: one row per run of a job. */
export interface ExecutionRepo {
  /** Adds an execution, `pending` unless `status` says `queued`. */
  insert(execution: NewExecution, now: string): Promise<Execution>;
  get(id: string): Promise<Execution | undefined>;
  /** Newest first, optionally of one job. */
  list(options?: { job_id?: string; limit?: number }): Promise<Execution[]>;
  /** The newest execution of each job that has one, keyed by job id. */
  latestByJob(): Promise<Map<string, Execution>>;
  /** The job's execution that is pending or running, if any. */
  active(jobId: string): Promise<Execution | undefined>;
  update(id: string, changes: ExecutionChanges): Promise<void>;
  /** Marks every pending or running execution failed with `error`; returns them as they are now. */
  failUnfinished(error: string, now: string): Promise<Execution[]>;
  /** Every execution with `status` (the queued ones, the paused ones), oldest first. */
  withStatus(status: ExecutionStatus): Promise<Execution[]>;
  /** The config a run was queued with instead of its job's, if any. */
  configOverride(id: string): Promise<string | undefined>;
}

const UNFINISHED: ExecutionStatus[] = ['pending', 'running'];

function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    job_id: row.job_id,
    status: row.status,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    // BIGINT columns may come back as strings (PostgreSQL) or numbers (SQLite).
    records_read: Number(row.records_read),
    records_written: Number(row.records_written),
    records_failed: Number(row.records_failed),
    bytes_read: Number(row.bytes_read),
    error: row.error,
    checkpoint: row.checkpoint === null ? null : (JSON.parse(row.checkpoint) as unknown),
    notes: row.notes === null ? [] : (JSON.parse(row.notes) as string[]),
    steps: row.steps === null ? null : (JSON.parse(row.steps) as StepProgress[]),
    trigger: row.trigger,
    actor: row.actor,
    attempt: Number(row.attempt),
    resumed_from: row.resumed_from,
    trigger_detail: row.trigger_detail,
    run_after: row.not_before,
    bottleneck: row.bottleneck === null ? null : (JSON.parse(row.bottleneck) as Bottleneck),
  };
}

/** The execution repository over a Kysely database. */
export function createExecutionRepo(db: Kysely<Database>): ExecutionRepo {
  return {
    async insert(execution, now) {
      const row = await db
        .insertInto('executions')
        .values({
          id: execution.id,
          job_id: execution.job_id,
          status: execution.status ?? 'pending',
          created_at: now,
          trigger: execution.trigger ?? 'manual',
          actor: execution.actor ?? 'user',
          attempt: execution.attempt ?? 1,
          resumed_from: execution.resumed_from ?? null,
          trigger_detail: execution.trigger_detail ?? null,
          not_before: execution.not_before ?? null,
          config_yaml: execution.config_yaml ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toExecution(row);
    },
    async get(id) {
      const row = await db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toExecution(row);
    },
    async list(options = {}) {
      let query = db.selectFrom('executions').selectAll();
      if (options.job_id !== undefined) query = query.where('job_id', '=', options.job_id);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(toExecution);
    },
    async latestByJob() {
      const rows = await db
        .selectFrom('executions as e')
        .selectAll('e')
        .where(({ eb, selectFrom }) =>
          eb(
            'e.created_at',
            '=',
            selectFrom('executions as newer')
              .select(({ fn }) => fn.max('newer.created_at').as('latest'))
              .whereRef('newer.job_id', '=', 'e.job_id'),
          ),
        )
        .orderBy('e.id')
        .execute();
      const latest = new Map<string, Execution>();
      // Two executions created in the same millisecond: keep one, deterministically.
      for (const row of rows) if (!latest.has(row.job_id)) latest.set(row.job_id, toExecution(row));
      return latest;
    },
    async active(jobId) {
      const row = await db
        .selectFrom('executions')
        .selectAll()
        .where('job_id', '=', jobId)
        .where('status', 'in', UNFINISHED)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row && toExecution(row);
    },
    async update(id, changes) {
      const { checkpoint, notes, steps, bottleneck, ...rest } = changes;
      const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
      await db
        .updateTable('executions')
        .set({
          ...rest,
          ...(checkpoint !== undefined ? { checkpoint: json(checkpoint) } : {}),
          ...(notes !== undefined ? { notes: json(notes) } : {}),
          ...(steps !== undefined ? { steps: json(steps) } : {}),
          ...(bottleneck !== undefined ? { bottleneck: json(bottleneck) } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async failUnfinished(error, now) {
      const rows = await db
        .updateTable('executions')
        .set({ status: 'failed', error, finished_at: now })
        .where('status', 'in', UNFINISHED)
        .returningAll()
        .execute();
      return rows.map(toExecution);
    },
    async withStatus(status) {
      const rows = await db
        .selectFrom('executions')
        .selectAll()
        .where('status', '=', status)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toExecution);
    },
    async configOverride(id) {
      const row = await db
        .selectFrom('executions')
        .select('config_yaml')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.config_yaml ?? undefined;
    },
  };
}
