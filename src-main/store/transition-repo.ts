import type { Kysely } from 'kysely';
import type { JobState } from '../../src-shared/api/model';
import type { Database, JobTransitionsTable } from './database';

export type JobTransition = JobTransitionsTable;

/** Every move of a job between lifecycle states (table `job_transitions`), with who and why. */
export interface TransitionRepo {
  insert(transition: JobTransition): Promise<void>;
  /** The job's transitions, newest first. */
  list(jobId: string, limit?: number): Promise<JobTransition[]>;
}

export function createTransitionRepo(db: Kysely<Database>): TransitionRepo {
  return {
    async insert(transition) {
      await db.insertInto('job_transitions').values(transition).execute();
    },
    async list(jobId, limit = 100) {
      const rows = await db
        .selectFrom('job_transitions')
        .selectAll()
        .where('job_id', '=', jobId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        ...row,
        from_state: row.from_state as JobState,
        to_state: row.to_state as JobState,
      }));
    },
  };
}
