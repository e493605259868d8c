import { Type } from '@sinclair/typebox';
import { defineInput, defineOutput, type Input, type Output } from '../../src-main/engine/component';
import { resolveConfigPath } from '../shared/resolve-path';
import {
  ConflictSchema,
  FetchSchema,
  selectSql,
  SqlQuerySchema,
  sqlWriteSchema,
  sqlWriteSettings,
} from '../shared/sql/config';
import { openReadOnly, quoteIdent, readSqlite } from './reader';
import { SqliteWriter } from './writer';

const pathField = Type.String({
  minLength: 1,
  description: 'Database file, relative to the pipeline file’s folder.',
});

/** Config of the `sqlite` input. */
export const SqliteInputSchema = Type.Object(
  { path: pathField, query: SqlQuerySchema, fetch: Type.Optional(FetchSchema) },
  { additionalProperties: false },
);

/** Config of the `sqlite` output. */
export const SqliteOutputSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'Database file (created if missing), relative to the pipeline file’s folder.',
    }),
    write: sqlWriteSchema(['insert', 'upsert']),
    conflict: Type.Optional(ConflictSchema),
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
    const sql = selectSql(config.query, quoteIdent);
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
    const { table, mode, batchSize, createTable, conflictKey } = sqlWriteSettings<'insert' | 'upsert'>(
      config,
    );
    return new SqliteWriter({
      path: resolveConfigPath(ctx.baseDir, config.path),
      table,
      mode,
      batchSize,
      createTable,
      conflictKey,
    });
  },
});
