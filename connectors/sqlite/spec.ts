import { Type } from '@sinclair/typebox';
import {
  defineInput,
  defineOutput,
  type Input,
  type Output,
  type SavedConnectionSpec,
} from '../../src-main/engine/component';
import { resolveConfigPath } from '../shared/resolve-path';
import {
  ConflictSchema,
  FetchSchema,
  SqlQuerySchema,
  sqlWriteSchema,
  sqlWriteSettings,
} from '../shared/sql/config';
import { IncrementalSchema } from '../shared/sql/sql-input';
import { createSqlInput } from '../shared/sql/tables-input';
import { sqlOutput } from '../shared/sql/tables-output';
import { SqliteIntrospector } from './introspect';
import { quoteIdent } from './reader';
import { sqliteSource } from './source';
import { sqliteTarget } from './target';
import { SqliteWriter } from './writer';

const pathField = Type.String({
  minLength: 1,
  description: 'Database file, relative to the pipeline file’s folder.',
});

/** A saved SQLite connection is its file: `connection: { ref }` sets `path`. */
const savedConnection: SavedConnectionSpec = {
  schema: Type.Object(
    {
      path: Type.String({
        minLength: 1,
        description:
          'Database file; a relative path resolves against the folder of the pipeline that uses it.',
      }),
    },
    { additionalProperties: false },
  ),
  secretFields: [],
  placement: 'root',
};

/** Config of the `sqlite` input. */
export const SqliteInputSchema = Type.Object(
  {
    path: pathField,
    query: SqlQuerySchema,
    incremental: Type.Optional(IncrementalSchema),
    fetch: Type.Optional(FetchSchema),
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
    write: sqlWriteSchema(['insert', 'upsert', 'merge']),
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
  savedConnection,
  // `=` compares text exactly; LIKE ignores ASCII case.
  filterDialect: {
    quoteIdent,
    exactTextEquality: true,
    caseSensitiveLike: false,
    exactDecimals: false,
    backslashEscapes: false,
  },
  introspect: (config, ctx) => new SqliteIntrospector(resolveConfigPath(ctx.baseDir, config.path)),
  examples: [
    {
      title: 'A table with a filter',
      config: { path: 'data/shop.db', query: { table: 'products', filter: 'stock > 0' } },
    },
  ],
  create(config, ctx): Input | Promise<Input> {
    const file = resolveConfigPath(ctx.baseDir, config.path);
    return createSqlInput(
      config,
      sqliteSource(file, config.fetch?.size ?? 1000),
      () => new SqliteIntrospector(file),
      ctx.watermark,
    );
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
  savedConnection,
  introspect: (config, ctx) => new SqliteIntrospector(resolveConfigPath(ctx.baseDir, config.path)),
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
    const file = resolveConfigPath(ctx.baseDir, config.path);
    // A table pattern (write.table: "*") writes every table of a query.tables input.
    return sqlOutput(
      sqlWriteSettings<'insert' | 'upsert' | 'merge'>(config),
      sqliteTarget(file),
      ({ table, mode, batchSize, createTable, conflictKey }) =>
        new SqliteWriter({
          path: file,
          table,
          mode,
          batchSize,
          createTable,
          conflictKey,
          logger: ctx.logger,
        }),
      ctx.logger,
    );
  },
});
