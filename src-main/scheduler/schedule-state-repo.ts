import type { Kysely } from 'kysely';
import type { Database, ScheduleStateTable } from '../store/database';

/** What the scheduler remembers of one job across restarts. */
export interface ScheduleState {
  job_id: string;
  schedule_key: string | null;
  armed_at: string | null;
  last_fire_at: string | null;
  webhook_token: string | null;
  watch_key: string | null;
  last_file: string | null;
  last_file_at: string | null;
}

type StateChanges = Partial<Omit<ScheduleStateTable, 'job_id' | 'updated_at'>>;

/** The scheduler's tables: `schedule_state` (one row per job) and `schedule_seen_files`. */
export interface ScheduleStateRepo {
  get(jobId: string): Promise<ScheduleState | undefined>;
  /** Sets the given fields of the job's row, creating it when there is none. */
  update(jobId: string, changes: StateChanges, now: string): Promise<void>;
  jobIdByToken(token: string): Promise<string | undefined>;
  seenFiles(jobId: string): Promise<Set<string>>;
  addSeenFiles(jobId: string, paths: readonly string[], now: string): Promise<void>;
  forgetSeenFiles(jobId: string, paths: readonly string[]): Promise<void>;
  clearSeenFiles(jobId: string): Promise<void>;
}

/** Statements stay under the databases' bound-parameter limits, whatever a folder holds. */
function chunks(paths: readonly string[], size = 500): string[][] {
  const parts: string[][] = [];
  for (let i = 0; i < paths.length; i += size) parts.push(paths.slice(i, i + size));
  return parts;
}

export function createScheduleStateRepo(db: Kysely<Database>): ScheduleStateRepo {
  return {
    async get(jobId) {
      const row = await db
        .selectFrom('schedule_state')
        .selectAll()
        .where('job_id', '=', jobId)
        .executeTakeFirst();
      if (!row) return undefined;
      const { updated_at: _updated, ...state } = row;
      return state;
    },

    async update(jobId, changes, now) {
      const values = { ...changes, updated_at: now };
      await db
        .insertInto('schedule_state')
        .values({ job_id: jobId, ...values })
        .onConflict((c) => c.column('job_id').doUpdateSet(values))
        .execute();
    },

    async jobIdByToken(token) {
      const row = await db
        .selectFrom('schedule_state')
        .select('job_id')
        .where('webhook_token', '=', token)
        .executeTakeFirst();
      return row?.job_id;
    },

    async seenFiles(jobId) {
      const rows = await db
        .selectFrom('schedule_seen_files')
        .select('path')
        .where('job_id', '=', jobId)
        .execute();
      return new Set(rows.map((row) => row.path));
    },

    async addSeenFiles(jobId, paths, now) {
      for (const part of chunks(paths)) {
        await db
          .insertInto('schedule_seen_files')
          .values(part.map((path) => ({ job_id: jobId, path, seen_at: now })))
          .onConflict((c) => c.columns(['job_id', 'path']).doNothing())
          .execute();
      }
    },

    async forgetSeenFiles(jobId, paths) {
      for (const part of chunks(paths)) {
        await db
          .deleteFrom('schedule_seen_files')
          .where('job_id', '=', jobId)
          .where('path', 'in', part)
          .execute();
      }
    },

    async clearSeenFiles(jobId) {
      await db.deleteFrom('schedule_seen_files').where('job_id', '=', jobId).execute();
    },
  };
}
