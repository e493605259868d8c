import { defineInput, defineOutput, type Input, type Output } from '../../src-main/engine/component';
import { sqlWriteSettings } from '../shared/sql/config';
import { sqlOutput } from '../shared/sql/tables-output';
import { createSqlInput } from '../shared/sql/tables-input';
import { retryPolicy } from '../shared/sql/retry';
import { serverInputSchema, serverOutputSchema, serverSavedConnection } from '../shared/sql/server';
import { DEFAULT_PORT } from './connection';
import { quoteIdent } from './identifiers';
import { PostgresIntrospector } from './introspect';
import { postgresSource } from './source';
import { postgresTarget } from './target';
import { PostgresWriter, type PostgresWriteMode } from './writer';

const connection = {
  host: '127.0.0.1',
  port: DEFAULT_PORT,
  database: 'shop',
  username: 'etl',
  password: '${PG_PASSWORD}',
};

/** Config of the `postgresql` input. */
export const PostgresqlInputSchema = serverInputSchema(DEFAULT_PORT);

/** Config of the `postgresql` output. */
export const PostgresqlOutputSchema = serverOutputSchema(DEFAULT_PORT, [
  'insert',
  'upsert',
  'replace',
  'truncate_insert',
  'merge',
]);

/** `postgresql` input: a table or query streamed through a server-side cursor, in one lane. */
export const postgresqlInput = defineInput({
  name: 'postgresql',
  category: 'database',
  title: 'PostgreSQL',
  description:
    'Reads a table or a SQL query from PostgreSQL through a cursor, in batches of fetch.size rows, from one consistent snapshot.',
  status: 'stable',
  schema: PostgresqlInputSchema,
  savedConnection: serverSavedConnection(DEFAULT_PORT),
  filterDialect: {
    quoteIdent,
    exactTextEquality: true,
    caseSensitiveLike: true,
    exactDecimals: true,
    backslashEscapes: false,
  },
  introspect: (config) => new PostgresIntrospector(config.connection),
  examples: [
    {
      title: 'A table with a filter',
      config: {
        connection,
        query: { table: 'public.orders', columns: ['id', 'total'], filter: 'total > 0' },
      },
    },
    {
      title: 'A query',
      config: {
        connection,
        query: {
          sql: 'SELECT c.name, count(*) AS orders FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.name',
        },
        fetch: { size: 5000 },
      },
    },
  ],
  create(config, ctx): Input | Promise<Input> {
    return createSqlInput(
      config,
      postgresSource(config.connection, config.fetch?.size ?? 1000),
      () => new PostgresIntrospector(config.connection),
      ctx.watermark,
    );
  },
});

/** `postgresql` output: COPY-based insert, upsert, replace or truncate_insert, creating the table when missing. */
export const postgresqlOutput = defineOutput({
  name: 'postgresql',
  category: 'database',
  title: 'PostgreSQL',
  description:
    'Writes rows into a PostgreSQL table with COPY (insert, upsert by key, replace by key, or truncate then insert), one transaction per batch, creating the table if needed.',
  status: 'stable',
  schema: PostgresqlOutputSchema,
  savedConnection: serverSavedConnection(DEFAULT_PORT),
  introspect: (config) => new PostgresIntrospector(config.connection),
  examples: [
    {
      title: 'Upsert',
      config: {
        connection,
        write: { table: 'public.orders', mode: 'upsert', batch_size: 5000 },
        conflict: { key: ['order_id'] },
      },
    },
    {
      title: 'Replace rows by key (the table needs no unique constraint)',
      config: {
        connection,
        write: { table: 'public.prices', mode: 'replace' },
        conflict: { key: ['sku', 'region'] },
      },
    },
    {
      title: 'Replace a table’s rows',
      config: {
        connection,
        write: { table: 'daily_totals', mode: 'truncate_insert' },
        post_sql: ['ANALYZE daily_totals'],
      },
    },
  ],
  create(config, ctx): Output {
    // A table pattern (write.table: "*") writes every table of a query.tables input.
    return sqlOutput(
      sqlWriteSettings<PostgresWriteMode>(config),
      postgresTarget(config.connection),
      (settings) =>
        new PostgresWriter({
          connection: config.connection,
          ...settings,
          retry: retryPolicy(config.retry),
          logger: ctx.logger,
          signal: ctx.signal,
        }),
      ctx.logger,
    );
  },
});
