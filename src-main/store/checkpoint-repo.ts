import type { Kysely } from 'kysely';
import type { Checkpoint, ResumePoint } from '../engine/batch';
import type { Database } from './database';

/**
 * The last position each lane of a run committed (table `checkpoints`), written as the run's
 * writer acknowledges batches; a retry or a resume of the run starts from them.
 */
export interface CheckpointRepo {
  /** Stores the lanes' latest positions (one row per lane, replaced). */
  save(executionId: string, positions: ReadonlyMap<number, Checkpoint>, now: string): Promise<void>;
  /** The run's lanes and positions, or undefined when it committed none. */
  resumePoint(executionId: string): Promise<ResumePoint | undefined>;
  /** When the run last committed a position, if ever. */
  lastSavedAt(executionId: string): Promise<string | undefined>;
}

export function createCheckpointRepo(db: Kysely<Database>): CheckpointRepo {
  return {
    async save(executionId, positions, now) {
      if (positions.size === 0) return;
      const rows = [...positions].map(([lane, position]) => ({
        execution_id: executionId,
        lane,
        position: JSON.stringify(position),
        updated_at: now,
      }));
      await db
        .insertInto('checkpoints')
        .values(rows)
        .onConflict((c) =>
          c.columns(['execution_id', 'lane']).doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },
    async resumePoint(executionId) {
      const rows = await db
        .selectFrom('checkpoints')
        .select(['lane', 'position'])
        .where('execution_id', '=', executionId)
        .orderBy('lane')
        .execute();
      if (rows.length === 0) return undefined;
      const lanes = Math.max(...rows.map((row) => Number(row.lane))) + 1;
      const positions: (Checkpoint | undefined)[] = Array.from({ length: lanes }, () => undefined);
      for (const row of rows) positions[Number(row.lane)] = JSON.parse(row.position) as Checkpoint;
      return { lanes, positions };
    },
    async lastSavedAt(executionId) {
      const row = await db
        .selectFrom('checkpoints')
        .select(({ fn }) => fn.max('updated_at').as('at'))
        .where('execution_id', '=', executionId)
        .executeTakeFirst();
      return row?.at ?? undefined;
    },
  };
}
