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

/** Every migration by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '001_jobs_executions': jobsExecutions,
  '002_watermarks': watermarks,
  '003_datasources': datasources,
};

/** Hands Kysely's Migrator the list above. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
