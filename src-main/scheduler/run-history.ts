import type { Kysely } from 'kysely';
import type { Database } from '../store/database';

/** What the dependency rule reads from the executions the job service keeps. */
export interface RunHistory {
  /** When the job's newest run (of any status and trigger) was created; null if it never ran. */
  lastRunAt(jobId: string): Promise<string | null>;
  /** When the job's newest completed run ended; null if none completed. */
  lastCompletedAt(jobId: string): Promise<string | null>;
  /** When one execution ended; null while it runs or when there is no such execution. */
  finishedAt(executionId: string): Promise<string | null>;
}

export function createRunHistory(db: Kysely<Database>): RunHistory {
  return {
    async lastRunAt(jobId) {
      const row = await db
        .selectFrom('executions')
        .select((eb) => eb.fn.max('created_at').as('at'))
        .where('job_id', '=', jobId)
        .executeTakeFirst();
      return row?.at ?? null;
    },
    async lastCompletedAt(jobId) {
      const row = await db
        .selectFrom('executions')
        .select((eb) => eb.fn.max('finished_at').as('at'))
        .where('job_id', '=', jobId)
        .where('status', '=', 'completed')
        .executeTakeFirst();
      return row?.at ?? null;
    },
    async finishedAt(executionId) {
      const row = await db
        .selectFrom('executions')
        .select('finished_at')
        .where('id', '=', executionId)
        .executeTakeFirst();
      return row?.finished_at ?? null;
    },
  };
}
