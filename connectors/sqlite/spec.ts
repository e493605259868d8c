import { Type } from '@sinclair/typebox';
import {
  defineInput,
  defineOutput,
  FieldError,
  type Input,
  type Output,
} from '../../src-main/engine/component';
import { resolveConfigPath } from '../shared/resolve-path';
import { openReadOnly, readSqlite, selectSql } from './reader';
import { SqliteWriter } from './writer';

const pathField = Type.String({
  minLength: 1,
  description: 'Database file, relative to the pipeline file’s folder.',
});

/** Config of the `sqlite` input. */
export const SqliteInputSchema = Type.Object(
  {
    path: pathField,
    query: Type.Union(
      [
        Type.Object(
          {
            table: Type.String({ minLength: 1, description: 'Table to read.' }),
            columns: Type.Optional(
              Type.Array(Type.String(), { description: 'Columns to read (default: all).' }),
            ),
            filter: Type.Optional(
              Type.String({ description: "SQL WHERE condition, e.g. qty > 0 AND status <> 'void'." }),
            ),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          { sql: Type.String({ minLength: 1, description: 'A SELECT statement.' }) },
          { additionalProperties: false },
        ),
      ],
      { description: 'A table (with optional columns and filter) or a SQL query.' },
    ),
    fetch: Type.Optional(
      Type.Object(
        { size: Type.Optional(Type.Integer({ minimum: 1, description: 'Rows per batch.', default: 1000 })) },
        { additionalProperties: false, description: 'How rows are fetched.' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Config of the `sqlite` output. */
export const SqliteOutputSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'Database file (created if missing), relative to the pipeline file’s folder.',
    }),
    write: Type.Object(
      {
        table: Type.String({ minLength: 1, description: 'Table to write.' }),
        mode: Type.Optional(
          Type.Union([Type.Literal('insert'), Type.Literal('upsert')], {
            description: 'insert adds rows; upsert updates rows whose conflict key exists.',
            default: 'insert',
          }),
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
    ),
    conflict: Type.Optional(
      Type.Object(
        {
          key: Type.Array(Type.String({ minLength: 1 }), {
            minItems: 1,
            description: 'Columns identifying a row.',
          }),
        },
        { additionalProperties: false, description: 'Upsert key; also the primary key of a created table.' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** `sqlite` input: a table or query from a SQLite file, streamed in one lane. */
export const sqliteInput = defineInput({
  name: 'sqlite',
  category: 'database',
  title: 'SQLite',
  description: 'Reads a table or a SQL query from a SQLite database file.',
  status: 'stable',
  schema: SqliteInputSchema,
  examples: [
    {
      title: 'A table with a filter',
      config: { path: 'data/shop.db', query: { table: 'products', filter: 'stock > 0' } },
    },
  ],
  create(config, ctx): Input {
    const file = resolveConfigPath(ctx.baseDir, config.path);
    const sql = selectSql(config.query);
    const fetchSize = config.fetch?.size ?? 1000;
    let db: ReturnType<typeof openReadOnly> | undefined;
    const open = () => (db ??= openReadOnly(file));
    return {
      plan: async (requested) =>
        requested > 1 ? { lanes: 1, note: 'a SQLite database is read in one lane' } : { lanes: 1 },
      read: (_lane, _lanes, signal) => readSqlite(open(), sql, fetchSize, signal),
      // Its own connection: the reading one is busy while an iterator is open.
      estimateTotal: async () => {
        const counter = openReadOnly(file);
        try {
          return (counter.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get() as { n: number }).n;
        } finally {
          counter.close();
        }
      },
      close: async () => {
        db?.close();
      },
    };
  },
});

/** `sqlite` output: insert or upsert into a table, creating it when missing. */
export const sqliteOutput = defineOutput({
  name: 'sqlite',
  category: 'database',
  title: 'SQLite',
  description:
    'Writes rows into a SQLite table (insert or upsert), one transaction per batch, creating the table if needed.',
  status: 'stable',
  schema: SqliteOutputSchema,
  examples: [
    {
      title: 'Upsert',
      config: {
        path: 'output/shop.db',
        write: { table: 'orders', mode: 'upsert' },
        conflict: { key: ['id'] },
      },
    },
  ],
  create(config, ctx): Output {
    const mode = config.write.mode ?? 'insert';
    const key = config.conflict?.key ?? [];
    if (mode === 'upsert' && key.length === 0)
      throw new FieldError('conflict.key', 'upsert needs the key columns that identify a row');
    return new SqliteWriter({
      path: resolveConfigPath(ctx.baseDir, config.path),
      table: config.write.table,
      mode,
      batchSize: config.write.batch_size ?? 1000,
      createTable: config.write.create_table ?? true,
      conflictKey: key,
    });
  },
});
