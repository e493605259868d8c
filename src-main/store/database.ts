import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ExecutionStatus, JobState, RunTrigger } from '../../src-shared/api/model';

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
  state: Generated<JobState>;
  /** 1 or 0. */
  enabled: Generated<number>;
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
  /** The finished run's notes, a JSON array of text. */
  notes: string | null;
  /** Where each processor's rows went (`StepProgress[]`), as JSON text. */
  steps: string | null;
  trigger: Generated<RunTrigger>;
  actor: Generated<string>;
  attempt: Generated<number>;
  resumed_from: string | null;
  trigger_detail: string | null;
  /** What held the run back (`Bottleneck`), as JSON text; null before it ended, or when it moved no batch. */
  bottleneck: string | null;
  /** A queued run (a retry waiting out its backoff) starts no earlier than this. */
  not_before: string | null;
  /** The config this run runs when not the job's own (a dead-letter replay's derived config). */
  config_yaml: string | null;
}

/** The last checkpoint a run committed in one lane (see `checkpoint-repo.ts`); `position` is JSON text. */
export interface CheckpointsTable {
  execution_id: string;
  lane: number;
  position: string;
  updated_at: string;
}

/** One move of a job from a lifecycle state to another, with who made it and why. */
export interface JobTransitionsTable {
  id: string;
  job_id: string;
  execution_id: string | null;
  from_state: JobState;
  to_state: JobState;
  actor: string;
  reason: string | null;
  at: string;
}

/** What the scheduler remembers of a job across restarts (see `scheduler/schedule-state-repo.ts`). */
export interface ScheduleStateTable {
  job_id: string;
  /** The schedule and time zone armed (`schedule` + NUL + `timezone`); null when none is armed. */
  schedule_key: string | null;
  /** When that schedule was armed, at a start or a change. */
  armed_at: string | null;
  last_fire_at: string | null;
  /** The secret in the job's webhook URL `/hooks/jobs/<token>`. */
  webhook_token: string | null;
  /** The watched folder and pattern whose files `schedule_seen_files` lists (folder + NUL + pattern). */
  watch_key: string | null;
  last_file: string | null;
  last_file_at: string | null;
  updated_at: string;
}

/** A file a job's watched folder held: each starts at most one run. */
export interface ScheduleSeenFilesTable {
  job_id: string;
  path: string;
  seen_at: string;
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

/** A database (MySQL) or schema (PostgreSQL) of a saved connection, as catalog scans found it. */
export interface CatalogDatabasesTable {
  id: string;
  datasource_id: string;
  name: string;
  /** The server's clock when the last scan read its tables' change markers (see `TableMarkers.asOf`). */
  markers_as_of: string | null;
  first_seen_at: string;
  last_scanned_at: string;
  /** When a scan no longer found it. */
  removed_at: string | null;
}

/** A table or view in the catalog; indexes, foreign keys and primary key as JSON text. */
export interface CatalogTablesTable {
  id: string;
  database_id: string;
  /** The schema (database) the connector qualifies its name with; null where names are bare (SQLite). */
  schema_name: string | null;
  name: string;
  kind: 'table' | 'view';
  /** BIGINT: PostgreSQL drivers may return it as a string, so the repository converts. */
  row_estimate: number | null;
  comment: string | null;
  /** The database's change marker when last read (see `TableMarker.signature`). */
  signature: string | null;
  /** Hash of the described structure; null until a level-3 scan described it. */
  structure_hash: string | null;
  /** When the database says its structure / data last changed, where it says. */
  source_changed_at: string | null;
  source_updated_at: string | null;
  /** JSON arrays: column names; `IndexInfo[]`; `ForeignKeyInfo[]`. */
  primary_key: string | null;
  indexes: string | null;
  foreign_keys: string | null;
  first_seen_at: string;
  /** Last time a scan listed it (level 2). */
  last_scanned_at: string;
  /** Last time a scan read its columns and keys (level 3). */
  described_at: string | null;
  removed_at: string | null;
}

/** A column of a catalog table. Booleans are 0/1 integers (SQLite has no boolean). */
export interface CatalogColumnsTable {
  table_id: string;
  name: string;
  ordinal: number;
  native_type: string;
  logical_type: string;
  nullable: number;
  default_value: string | null;
  comment: string | null;
  /** 1-based place in the primary key; null when not part of it. */
  primary_key_position: number | null;
  generated: Generated<number>;
  auto_increment: Generated<number>;
  length: number | null;
  precision: number | null;
  scale: number | null;
}

/** One catalog scan of a saved connection (see `catalog-repo.ts`). */
export interface ScanLogsTable {
  id: string;
  datasource_id: string;
  triggered_by: 'manual' | 'saved' | 'schedule';
  mode: 'full' | 'incremental';
  level: number;
  status: 'running' | 'completed' | 'failed';
  started_at: string;
  finished_at: string | null;
  /** Tables found, once listed; `tables_done` of them handled, `tables_read` of those described. */
  tables_total: number | null;
  tables_done: Generated<number>;
  tables_read: Generated<number>;
  /** Attempts made (1 + retries after transient errors). */
  attempts: Generated<number>;
  error: string | null;
  /** What changed (`ScanChanges`), as JSON text. */
  summary: string | null;
}

/** A saved connection's scan schedule. */
export interface CatalogSettingsTable {
  datasource_id: string;
  /** Minutes between scheduled scans; null: no schedule. */
  scan_interval_minutes: number | null;
  updated_at: string;
}

/** A studio-wide setting (see `settings-repo.ts`); `value` is JSON text. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

/** One audit log entry (see `audit/audit-repo.ts`); `detail` is JSON text (`AuditDetail`). */
export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  origin: string;
  action: string;
  target_kind: string;
  target_id: string | null;
  target_name: string | null;
  detail: string;
}

/** An alert rule (see `alerts/alert-repo.ts`); `condition` and `actions` are JSON text. */
export interface AlertRulesTable {
  id: string;
  name: string;
  /** 1 or 0. */
  enabled: Generated<number>;
  /** The one job watched; null: every job. */
  job_id: string | null;
  condition: string;
  actions: string;
  created_at: string;
  updated_at: string;
}

/** One firing of an alert rule; `results` is JSON text (`AlertActionResult[]`). */
export interface AlertHistoryTable {
  id: string;
  rule_id: string | null;
  rule_name: string;
  kind: string;
  job_id: string | null;
  job_name: string | null;
  execution_id: string | null;
  message: string;
  fired_at: string;
  /** 1 for a test firing. */
  test: Generated<number>;
  results: string;
}

/** A replay of some dead letters of an execution (see `deadletters/replay-repo.ts`). */
export interface DeadLetterReplaysTable {
  id: string;
  job_id: string;
  source_execution_id: string;
  /** The replay's execution; null when the job service skipped it. */
  execution_id: string | null;
  outcome: 'started' | 'queued' | 'skipped';
  reason: string | null;
  place: string;
  /** The dead letters replayed, a JSON array of their indexes. */
  indexes: string;
  edited: Generated<number>;
  input_file: string;
  config_yaml: string;
  actor: string;
  created_at: string;
}

export interface Database {
  jobs: JobsTable;
  executions: ExecutionsTable;
  watermarks: WatermarksTable;
  datasources: DatasourcesTable;
  catalog_databases: CatalogDatabasesTable;
  catalog_tables: CatalogTablesTable;
  catalog_columns: CatalogColumnsTable;
  scan_logs: ScanLogsTable;
  catalog_settings: CatalogSettingsTable;
  settings: SettingsTable;
  checkpoints: CheckpointsTable;
  job_transitions: JobTransitionsTable;
  schedule_state: ScheduleStateTable;
  schedule_seen_files: ScheduleSeenFilesTable;
  audit_log: AuditLogTable;
  alert_rules: AlertRulesTable;
  alert_history: AlertHistoryTable;
  dead_letter_replays: DeadLetterReplaysTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type JobRowUpdate = Updateable<JobsTable>;
export type ExecutionRow = Selectable<ExecutionsTable>;
export type NewExecutionRow = Insertable<ExecutionsTable>;
export type ExecutionRowUpdate = Updateable<ExecutionsTable>;
