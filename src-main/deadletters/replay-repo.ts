import type { Kysely } from 'kysely';
import type { DeadLetterReplay } from '../../src-shared/api/dead-letter-model';
import type { Database } from '../store/database';

/** A replay as it is recorded, before the replay execution's state is joined in. */
export type NewReplay = Omit<DeadLetterReplay, 'status' | 'records_written' | 'records_failed' | 'error'>;

/** Replays of dead letters (table `dead_letter_replays`), each with its execution's state as it is now. */
export interface ReplayRepo {
  insert(replay: NewReplay): Promise<void>;
  /** Replays of one execution's dead letters, newest first. */
  ofSource(sourceExecutionId: string): Promise<DeadLetterReplay[]>;
  /** The replay that ran as `executionId`, if that execution was one. */
  byExecution(executionId: string): Promise<DeadLetterReplay | undefined>;
  /** How many replays an execution's dead letters had. */
  countOfSource(sourceExecutionId: string): Promise<number>;
}

export function createReplayRepo(db: Kysely<Database>): ReplayRepo {
  const joined = () =>
    db
      .selectFrom('dead_letter_replays as r')
      .leftJoin('executions as e', 'e.id', 'r.execution_id')
      .selectAll('r')
      .select([
        'e.status as status',
        'e.records_written as records_written',
        'e.records_failed as records_failed',
        'e.error as error',
      ]);
  type Joined = Awaited<ReturnType<ReturnType<typeof joined>['executeTakeFirstOrThrow']>>;
  const toReplay = (row: Joined): DeadLetterReplay => ({
    id: row.id,
    job_id: row.job_id,
    source_execution_id: row.source_execution_id,
    execution_id: row.execution_id,
    outcome: row.outcome,
    reason: row.reason,
    place: row.place,
    indexes: JSON.parse(row.indexes) as number[],
    edited: Number(row.edited),
    input_file: row.input_file,
    config_yaml: row.config_yaml,
    actor: row.actor,
    created_at: row.created_at,
    status: row.status ?? null,
    // BIGINT counters may come back as strings (PostgreSQL).
    records_written: row.records_written === null ? null : Number(row.records_written),
    records_failed: row.records_failed === null ? null : Number(row.records_failed),
    error: row.error ?? null,
  });
  return {
    async insert(replay) {
      await db
        .insertInto('dead_letter_replays')
        .values({
          id: replay.id,
          job_id: replay.job_id,
          source_execution_id: replay.source_execution_id,
          execution_id: replay.execution_id,
          outcome: replay.outcome,
          reason: replay.reason,
          place: replay.place,
          indexes: JSON.stringify(replay.indexes),
          edited: replay.edited,
          input_file: replay.input_file,
          config_yaml: replay.config_yaml,
          actor: replay.actor,
          created_at: replay.created_at,
        })
        .execute();
    },
    async ofSource(sourceExecutionId) {
      const rows = await joined()
        .where('r.source_execution_id', '=', sourceExecutionId)
        .orderBy('r.created_at', 'desc')
        .orderBy('r.id', 'desc')
        .execute();
      return rows.map(toReplay);
    },
    async byExecution(executionId) {
      const row = await joined().where('r.execution_id', '=', executionId).executeTakeFirst();
      return row && toReplay(row);
    },
    async countOfSource(sourceExecutionId) {
      const row = await db
        .selectFrom('dead_letter_replays')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('source_execution_id', '=', sourceExecutionId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
