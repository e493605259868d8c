import { Type, type Static } from '@sinclair/typebox';
import { FieldError } from '../../../src-main/engine/component';

/*
 * Config pieces every SQL connector shares (sqlite, postgresql, mysql), so the same YAML
 * means the same thing whatever the database: what to read, how to write, how to connect.
 */

/** What to read: a table (with optional columns and a WHERE filter) or a whole SQL query. */
export const SqlQuerySchema = Type.Union(
  [
    Type.Object(
      {
        table: Type.String({
          minLength: 1,
          description: 'Table to read (schema.table where the database has schemas).',
        }),
        columns: Type.Optional(Type.Array(Type.String(), { description: 'Columns to read (default: all).' })),
        filter: Type.Optional(
          Type.String({ description: "SQL WHERE condition, e.g. qty > 0 AND status <> 'void'." }),
        ),
        split_key: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              'An integer column (usually the primary key) to split the table into pipeline.channels key ranges, each read over its own connection.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { sql: Type.String({ minLength: 1, description: 'A SELECT statement (JOINs, aggregates…).' }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        tables: Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description:
            'Copy many tables in one job, each read whole as its own stream: names or patterns with * and ? ' +
            '("*" every table, "sales_*", "public.*"). Views are not copied. The output’s write.table is then a ' +
            'pattern too ("*", "staging.*"), and it creates the missing tables, then their indexes and foreign ' +
            'keys after loading. A pattern that matches no table is an error.',
        }),
        exclude: Type.Optional(
          Type.Array(Type.String({ minLength: 1 }), {
            description: 'Tables left out of those `tables` selects: names or patterns, as in tables.',
          }),
        ),
        split_key: Type.Optional(
          Type.String({
            description:
              'Not available with tables yet (each table is read whole, in one lane; lanes read different tables): setting it is an error.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'A table (with optional columns and filter), a SQL query, or many tables (tables: ["*"]) for a whole-database copy.',
  },
);
export type SqlQuery = Static<typeof SqlQuerySchema>;
/** `query.tables`: the tables of a whole-database copy. */
export type SqlTablesQuery = Extract<SqlQuery, { tables: string[] }>;
/** A query of one stream: a table or a SQL query. */
export type SqlSingleQuery = Exclude<SqlQuery, SqlTablesQuery>;

/**
 * True when `write.table` is a pattern (`*`, `staging.*`, `stg_*`): the output then writes every
 * table of a multi-table input (`query.tables`), each under a name the pattern makes of the source's.
 */
export function isTablePattern(table: string): boolean {
  return table.includes('*');
}

/** How rows are fetched from the database. */
export const FetchSchema = Type.Object(
  { size: Type.Optional(Type.Integer({ minimum: 1, description: 'Rows per batch.', default: 1000 })) },
  { additionalProperties: false, description: 'How rows are fetched.' },
);

/** What each write mode does, for the schema description of the modes a connector offers. */
const MODE_DESCRIPTIONS: Record<string, string> = {
  insert: 'insert adds rows',
  upsert: 'upsert inserts or updates rows by conflict.key (the key needs a primary key or unique constraint)',
  replace:
    'replace deletes the rows whose conflict.key is among the batch_size rows being written, then inserts them, in one transaction ' +
    '(unlike upsert it works without a unique constraint on the key, and columns the rows do not carry get their defaults)',
  truncate_insert: 'truncate_insert empties the table first',
  merge:
    'merge stages every row in a table of its own beside the target (<table>__fustgo_stage_…) and, once the run succeeds, ' +
    'upserts them by conflict.key in one transaction, the last staged row of a key winning: the table changes all at once ' +
    'or not at all (the key needs a primary key or unique constraint)',
};

/** Where and how rows are written. `modes` lists what the connector supports, the first being the default. */
export function sqlWriteSchema(modes: [string, ...string[]]) {
  return Type.Object(
    {
      table: Type.String({
        minLength: 1,
        description:
          'Table to write (schema.table where the database has schemas). With an input that reads many tables ' +
          '(query.tables), a pattern: "*" writes each under its source name (without the source schema) in the ' +
          'connection’s default schema or database, "staging.*" into schema / database staging, "stg_*" with a prefix.',
      }),
      mode: Type.Optional(
        Type.Union(
          modes.map((m) => Type.Literal(m)),
          {
            description: `${modes.map((m) => MODE_DESCRIPTIONS[m] ?? m).join('; ')}.`,
            default: modes[0],
          },
        ),
      ),
      batch_size: Type.Optional(
        Type.Integer({ minimum: 1, description: 'Rows per transaction.', default: 1000 }),
      ),
      create_table: Type.Optional(
        Type.Boolean({
          description: 'Create the table from the incoming columns when it is missing.',
          default: true,
        }),
      ),
    },
    { additionalProperties: false, description: 'Where and how rows are written.' },
  );
}

/** The key that identifies a row: for upsert and replace, and the primary key of a created table. */
export const ConflictSchema = Type.Object(
  {
    key: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Columns identifying a row.',
    }),
  },
  {
    additionalProperties: false,
    description: 'Upsert / replace key; also the primary key of a created table.',
  },
);

/** Connection to a database server. */
export function connectionSchema(defaultPort: number) {
  return Type.Object(
    {
      host: Type.String({ minLength: 1, description: 'Server host name or address.', default: '127.0.0.1' }),
      port: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 65535, description: 'Server port.', default: defaultPort }),
      ),
      database: Type.String({ minLength: 1, description: 'Database to connect to.' }),
      username: Type.String({ minLength: 1, description: 'User name.' }),
      password: Type.Optional(
        Type.String({ description: 'Password; use ${VAR} to keep it out of the file.' }),
      ),
      ssl: Type.Optional(Type.Boolean({ description: 'Connect with TLS.', default: false })),
      options: Type.Optional(
        Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
          description: 'Driver options passed as they are (e.g. connectTimeout, application_name).',
        }),
      ),
    },
    { additionalProperties: false, description: 'How to reach the database.' },
  );
}
export type SqlConnection = Static<ReturnType<typeof connectionSchema>>;

/** SQL statements run around the write: pre_sql before the first row, post_sql after the last. */
export const PrePostSqlFields = {
  pre_sql: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'Statements run before writing.' }),
  ),
  post_sql: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'Statements run after the last row is written.',
    }),
  ),
};

/** The write settings every SQL writer takes, from the shared config pieces, with their defaults. */
export interface SqlWriteSettings<M extends string> {
  table: string;
  mode: M;
  batchSize: number;
  createTable: boolean;
  conflictKey: string[];
  preSql: string[];
  postSql: string[];
}

/** Modes that find the target rows by conflict.key: without a key they are a config error. */
const KEYED_MODES = new Set(['upsert', 'replace', 'merge']);

/** True for a write mode that finds the target rows by a key (`conflict.key`, or a table's primary key). */
export function isKeyedMode(mode: string): boolean {
  return KEYED_MODES.has(mode);
}

/**
 * Resolves `write`, `conflict` and `pre_sql`/`post_sql`; an upsert or replace without a key is a
 * config error, unless `write.table` is a pattern: then each table's primary key is its key.
 */
export function sqlWriteSettings<M extends string>(config: {
  write: { table: string; mode?: string; batch_size?: number; create_table?: boolean };
  conflict?: { key: string[] };
  pre_sql?: string[];
  post_sql?: string[];
}): SqlWriteSettings<M> {
  const mode = (config.write.mode ?? 'insert') as M;
  const conflictKey = config.conflict?.key ?? [];
  if (KEYED_MODES.has(mode) && conflictKey.length === 0 && !isTablePattern(config.write.table))
    throw new FieldError('conflict.key', `${mode} needs the key columns that identify a row`);
  return {
    table: config.write.table,
    mode,
    batchSize: config.write.batch_size ?? 1000,
    createTable: config.write.create_table ?? true,
    conflictKey,
    preSql: config.pre_sql ?? [],
    postSql: config.post_sql ?? [],
  };
}
