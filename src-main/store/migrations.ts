import type { Kysely, Migration, MigrationProvider } from 'kysely';

/*
 * Numbered migrations, kept in code so every host (bundle, tsx, packaged app) has them.
 * They use only Kysely's schema builder, so PostgreSQL runs the same list.
 * Never edit a released migration: add the next number.
 */

const jobsExecutions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('config_yaml', 'text', (c) => c.notNull())
      .addColumn('flow_diagram', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('executions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('records_read', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('records_written', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('records_failed', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('checkpoint', 'text')
      .execute();
    await db.schema
      .createIndex('executions_job_id_created_at')
      .on('executions')
      .columns(['job_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('executions').execute();
    await db.schema.dropTable('jobs').execute();
  },
};

/**
 * Incremental watermarks by job name (not job id: `fustgo run` runs jobs that have no row in
 * `jobs`), with the column they were taken on, so a changed column starts over.
 */
const watermarks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('watermarks')
      .addColumn('job_name', 'text', (c) => c.primaryKey())
      .addColumn('column_name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('watermarks').execute();
  },
};

/**
 * Saved connections (`connection: { ref: name }`). `config` holds the fields without secrets as
 * JSON text; `secrets` holds the secret fields as one JSON object sealed by the host's secret box.
 */
const datasources: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('datasources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('secrets', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('datasources').execute();
  },
};

/**
 * The metadata catalog of saved connections: their databases (schemas), tables and columns as
 * the last scan found them, each scan's log, and each connection's scan schedule. Indexes, foreign
 * keys and the primary key sit on the table row as JSON text: they are always read whole with the
 * table's detail and never searched or joined one by one, so tables of their own would only add
 * rows to write per scan. Rows a scan no longer finds are kept with `removed_at`.
 */
const catalog: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('catalog_databases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('datasource_id', 'text', (c) => c.notNull().references('datasources.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('markers_as_of', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_scanned_at', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .addUniqueConstraint('catalog_databases_datasource_name', ['datasource_id', 'name'])
      .execute();
    await db.schema
      .createTable('catalog_tables')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('database_id', 'text', (c) =>
        c.notNull().references('catalog_databases.id').onDelete('cascade'),
      )
      .addColumn('schema_name', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('row_estimate', 'bigint')
      .addColumn('comment', 'text')
      .addColumn('signature', 'text')
      .addColumn('structure_hash', 'text')
      .addColumn('source_changed_at', 'text')
      .addColumn('source_updated_at', 'text')
      .addColumn('primary_key', 'text')
      .addColumn('indexes', 'text')
      .addColumn('foreign_keys', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_scanned_at', 'text', (c) => c.notNull())
      .addColumn('described_at', 'text')
      .addColumn('removed_at', 'text')
      .addUniqueConstraint('catalog_tables_database_name', ['database_id', 'name'])
      .execute();
    await db.schema
      .createTable('catalog_columns')
      .addColumn('table_id', 'text', (c) => c.notNull().references('catalog_tables.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('native_type', 'text', (c) => c.notNull())
      .addColumn('logical_type', 'text', (c) => c.notNull())
      .addColumn('nullable', 'integer', (c) => c.notNull())
      .addColumn('default_value', 'text')
      .addColumn('comment', 'text')
      .addColumn('primary_key_position', 'integer')
      .addColumn('generated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('auto_increment', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('length', 'integer')
      .addColumn('precision', 'integer')
      .addColumn('scale', 'integer')
      .addPrimaryKeyConstraint('catalog_columns_pk', ['table_id', 'name'])
      .execute();
    await db.schema
      .createTable('scan_logs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('datasource_id', 'text', (c) => c.notNull().references('datasources.id').onDelete('cascade'))
      .addColumn('triggered_by', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('tables_total', 'integer')
      .addColumn('tables_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('tables_read', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('error', 'text')
      .addColumn('summary', 'text')
      .execute();
    await db.schema
      .createIndex('scan_logs_datasource_started')
      .on('scan_logs')
      .columns(['datasource_id', 'started_at'])
      .execute();
    await db.schema
      .createTable('catalog_settings')
      .addColumn('datasource_id', 'text', (c) =>
        c.primaryKey().references('datasources.id').onDelete('cascade'),
      )
      .addColumn('scan_interval_minutes', 'integer')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('catalog_settings').execute();
    await db.schema.dropTable('scan_logs').execute();
    await db.schema.dropTable('catalog_columns').execute();
    await db.schema.dropTable('catalog_tables').execute();
    await db.schema.dropTable('catalog_databases').execute();
  },
};

/** What a finished run said (its notes) and where each processor's rows went, as JSON text. */
const executionDetails: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('executions').addColumn('notes', 'text').execute();
    await db.schema.alterTable('executions').addColumn('steps', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('executions').dropColumn('steps').execute();
    await db.schema.alterTable('executions').dropColumn('notes').execute();
  },
};

/** Studio-wide settings by key (the components switched off, …), each value a JSON text. */
const settings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('settings').execute();
  },
};

/**
 * Jobs that run themselves: a job's lifecycle state and switch, what started each run (and which
 * run it resumed), every state transition with who and when, and the checkpoints per lane a run
 * committed, which a retry or resume starts from.
 */
const lifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('jobs')
      .addColumn('state', 'text', (c) => c.notNull().defaultTo('ready'))
      .execute();
    await db.schema
      .alterTable('jobs')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('executions')
      .addColumn('trigger', 'text', (c) => c.notNull().defaultTo('manual'))
      .execute();
    await db.schema
      .alterTable('executions')
      .addColumn('actor', 'text', (c) => c.notNull().defaultTo('user'))
      .execute();
    await db.schema
      .alterTable('executions')
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('executions').addColumn('resumed_from', 'text').execute();
    await db.schema.alterTable('executions').addColumn('trigger_detail', 'text').execute();
    await db.schema.alterTable('executions').addColumn('not_before', 'text').execute();
    await db.schema.alterTable('executions').addColumn('config_yaml', 'text').execute();
    await db.schema
      .createTable('checkpoints')
      .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
      .addColumn('lane', 'integer', (c) => c.notNull())
      .addColumn('position', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('checkpoints_pk', ['execution_id', 'lane'])
      .execute();
    await db.schema
      .createTable('job_transitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('execution_id', 'text')
      .addColumn('from_state', 'text', (c) => c.notNull())
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('job_transitions_job_at')
      .on('job_transitions')
      .columns(['job_id', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('job_transitions').execute();
    await db.schema.dropTable('checkpoints').execute();
    for (const column of [
      'config_yaml',
      'not_before',
      'trigger_detail',
      'resumed_from',
      'attempt',
      'actor',
      'trigger',
    ])
      await db.schema.alterTable('executions').dropColumn(column).execute();
    await db.schema.alterTable('jobs').dropColumn('enabled').execute();
    await db.schema.alterTable('jobs').dropColumn('state').execute();
  },
};

/**
 * The scheduler's memory across restarts: per job, the schedule it armed and when, its last fire
 * (missed runs are the fire times after both), its webhook token, and the files its watched folder
 * already had, so each file starts one run.
 */
const scheduler: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('schedule_state')
      .addColumn('job_id', 'text', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
      .addColumn('schedule_key', 'text')
      .addColumn('armed_at', 'text')
      .addColumn('last_fire_at', 'text')
      .addColumn('webhook_token', 'text', (c) => c.unique())
      .addColumn('watch_key', 'text')
      .addColumn('last_file', 'text')
      .addColumn('last_file_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('schedule_seen_files')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('seen_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('schedule_seen_files_pk', ['job_id', 'path'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('schedule_seen_files').execute();
    await db.schema.dropTable('schedule_state').execute();
  },
};

/**
 * Audit and alerts: who did what from where (`audit_log`), the alert rules, and every firing of
 * them with how each action went (`alert_history`, which keeps a deleted rule's name).
 */
const admin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text')
      .addColumn('target_name', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_id', 'at']).execute();
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('job_id', 'text', (c) => c.references('jobs.id').onDelete('cascade'))
      .addColumn('condition', 'text', (c) => c.notNull())
      .addColumn('actions', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('alert_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('rule_id', 'text', (c) => c.references('alert_rules.id').onDelete('set null'))
      .addColumn('rule_name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('job_name', 'text')
      .addColumn('execution_id', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('fired_at', 'text', (c) => c.notNull())
      .addColumn('test', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('results', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_history_fired_at').on('alert_history').column('fired_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('alert_history').execute();
    await db.schema.dropTable('alert_rules').execute();
    await db.schema.dropTable('audit_log').execute();
  },
};

/**
 * Dead-letter replays: which rows of an execution's dead-letter file were fed through the
 * pipeline again, with what config, into which execution (whose status says how it went).
 */
const deadLetters: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('dead_letter_replays')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('source_execution_id', 'text', (c) =>
        c.notNull().references('executions.id').onDelete('cascade'),
      )
      .addColumn('execution_id', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('indexes', 'text', (c) => c.notNull())
      .addColumn('edited', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('input_file', 'text', (c) => c.notNull())
      .addColumn('config_yaml', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dead_letter_replays_source')
      .on('dead_letter_replays')
      .columns(['source_execution_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('dead_letter_replays_execution')
      .on('dead_letter_replays')
      .column('execution_id')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('dead_letter_replays').execute();
  },
};

/**
 * Monitoring: what held each run back (`executions.bottleneck`, a `Bottleneck` as JSON text), and
 * indexes for the dashboard, which reads executions by when they finished and which are active.
 */
const monitor: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('executions').addColumn('bottleneck', 'text').execute();
    await db.schema.createIndex('executions_finished_at').on('executions').column('finished_at').execute();
    await db.schema.createIndex('executions_status').on('executions').column('status').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('executions_status').execute();
    await db.schema.dropIndex('executions_finished_at').execute();
    await db.schema.alterTable('executions').dropColumn('bottleneck').execute();
  },
};

/** Every migration by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '001_jobs_executions': jobsExecutions,
  '002_watermarks': watermarks,
  '003_datasources': datasources,
  '004_catalog': catalog,
  '005_execution_details': executionDetails,
  '006_settings': settings,
  '007_lifecycle': lifecycle,
  '008_scheduler': scheduler,
  '010_deadletters': deadLetters,
  '011_admin': admin,
  '012_monitor': monitor,
};

/** Hands Kysely's Migrator the list above. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
