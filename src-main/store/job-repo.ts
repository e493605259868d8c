import type { Kysely } from 'kysely';
import type { FlowDiagram, Job, JobState } from '../../src-shared/api/model';
import type { Database, JobRow } from './database';

/** Fields a caller may change on a job; `updated_at` is set by the repository. */
export interface JobChanges {
  name?: string;
  description?: string;
  config_yaml?: string;
  flow_diagram?: FlowDiagram | null;
  state?: JobState;
  enabled?: boolean;
}

/** A new job: `state` defaults to `ready`, `enabled` to true. */
export type NewJob = Omit<Job, 'created_at' | 'updated_at' | 'state' | 'enabled'> &
  Partial<Pick<Job, 'state' | 'enabled'>>;

/** Jobs: a named YAML config plus the positions of its flow graph. */
export interface JobRepo {
  /** Every job, by name. */
  list(): Promise<Job[]>;
  get(id: string): Promise<Job | undefined>;
  getByName(name: string): Promise<Job | undefined>;
  insert(job: NewJob, now: string): Promise<Job>;
  /** Returns the changed job, or undefined when there is no such job. */
  update(id: string, changes: JobChanges, now: string): Promise<Job | undefined>;
  /** Sets the lifecycle state only (`updated_at` is about the job's definition and stays). */
  setState(id: string, state: JobState): Promise<void>;
  /** Deletes the job and (by cascade) its executions; false when there was no such job. */
  delete(id: string): Promise<boolean>;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    config_yaml: row.config_yaml,
    flow_diagram: row.flow_diagram === null ? null : (JSON.parse(row.flow_diagram) as FlowDiagram),
    created_at: row.created_at,
    updated_at: row.updated_at,
    state: row.state,
    enabled: row.enabled !== 0,
  };
}

function diagramText(diagram: FlowDiagram | null | undefined): string | null {
  return diagram ? JSON.stringify(diagram) : null;
}

/** The job repository over a Kysely database. */
export function createJobRepo(db: Kysely<Database>): JobRepo {
  return {
    async list() {
      const rows = await db.selectFrom('jobs').selectAll().orderBy('name').execute();
      return rows.map(toJob);
    },
    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },
    async getByName(name) {
      const row = await db.selectFrom('jobs').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toJob(row);
    },
    async insert(job, now) {
      const row = await db
        .insertInto('jobs')
        .values({
          id: job.id,
          name: job.name,
          description: job.description,
          config_yaml: job.config_yaml,
          flow_diagram: diagramText(job.flow_diagram),
          state: job.state ?? 'ready',
          enabled: job.enabled === false ? 0 : 1,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row);
    },
    async update(id, changes, now) {
      const row = await db
        .updateTable('jobs')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.config_yaml !== undefined ? { config_yaml: changes.config_yaml } : {}),
          ...(changes.flow_diagram !== undefined ? { flow_diagram: diagramText(changes.flow_diagram) } : {}),
          ...(changes.state !== undefined ? { state: changes.state } : {}),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toJob(row);
    },
    async setState(id, state) {
      await db.updateTable('jobs').set({ state }).where('id', '=', id).execute();
    },
    async delete(id) {
      const result = await db.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
