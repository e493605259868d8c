import type { Kysely } from 'kysely';
import type { Database } from './database';

/** A job's stored watermark and the column it was taken on. */
export interface StoredWatermark {
  column: string;
  value: string;
  updatedAt: string;
}

/**
 * Incremental watermarks, one per job name: read before a run, written only after a run
 * completed (its writes committed), so a failed run is read again from the same point.
 */
export class WatermarkRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(jobName: string): Promise<StoredWatermark | undefined> {
    const row = await this.db
      .selectFrom('watermarks')
      .select(['column_name', 'value', 'updated_at'])
      .where('job_name', '=', jobName)
      .executeTakeFirst();
    return row && { column: row.column_name, value: row.value, updatedAt: row.updated_at };
  }

  async set(jobName: string, column: string, value: string, at = new Date()): Promise<void> {
    const updated = { column_name: column, value, updated_at: at.toISOString() };
    await this.db
      .insertInto('watermarks')
      .values({ job_name: jobName, ...updated })
      .onConflict((c) => c.column('job_name').doUpdateSet(updated))
      .execute();
  }

  async clear(jobName: string): Promise<void> {
    await this.db.deleteFrom('watermarks').where('job_name', '=', jobName).execute();
  }
}
