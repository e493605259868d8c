import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ExecutionStatus } from '../../src-shared/api/model';

/**
 * The metadata store's tables as Kysely sees them. Times are ISO 8601 strings and JSON
 * values are text, so the same queries run on SQLite and PostgreSQL.
 */
export interface JobsTable {
  /** A UUID. */
  id: string;
  name: string;
  description: Generated<string>;
  config_yaml: string;
  /** Node positions of the flow graph, as JSON text. */
  flow_diagram: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExecutionsTable {
  id: string;
  job_id: string;
  status: ExecutionStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Counters are BIGINT: PostgreSQL drivers may return them as strings, so repositories convert. */
  records_read: Generated<number>;
  records_written: Generated<number>;
  records_failed: Generated<number>;
  bytes_read: Generated<number>;
  error: string | null;
  /** Last committed checkpoint per lane (`{ "0": …, "1": … }`), as JSON text. */
  checkpoint: string | null;
}

/** The last committed incremental watermark of a job (see `watermark-repo.ts`). */
export interface WatermarksTable {
  job_name: string;
  column_name: string;
  value: string;
  updated_at: string;
}

/** A saved connection (see `connection-repo.ts`). */
export interface DatasourcesTable {
  id: string;
  name: string;
  /** The connector (`postgresql`, `mysql`, `sqlite`). */
  type: string;
  description: Generated<string>;
  /** The connection's fields without secrets, as JSON text. */
  config: string;
  /** The secret fields as one JSON object, sealed by the secret box; null when there are none. */
  secrets: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  jobs: JobsTable;
  executions: ExecutionsTable;
  watermarks: WatermarksTable;
  datasources: DatasourcesTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type JobRowUpdate = Updateable<JobsTable>;
export type ExecutionRow = Selectable<ExecutionsTable>;
export type NewExecutionRow = Insertable<ExecutionsTable>;
export type ExecutionRowUpdate = Updateable<ExecutionsTable>;
