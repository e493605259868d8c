import { defineInput, defineOutput, type Input, type Output } from '../../src-main/engine/component';
import { sqlWriteSettings } from '../shared/sql/config';
import { createSqlInput } from '../shared/sql/tables-input';
import { sqlOutput } from '../shared/sql/tables-output';
import { mysqlSource } from './source';
import { mysqlTarget } from './target';
import { retryPolicy } from '../shared/sql/retry';
import { serverInputSchema, serverOutputSchema, serverSavedConnection } from '../shared/sql/server';
import { MYSQL_PORT } from './connection';
import { quoteIdent } from './identifiers';
import { MysqlIntrospector } from './introspect';
import { MysqlWriter, type MysqlWriteMode } from './writer';

/** Config of the `mysql` input. */
export const MysqlInputSchema = serverInputSchema(MYSQL_PORT);

/** Config of the `mysql` output. */
export const MysqlOutputSchema = serverOutputSchema(MYSQL_PORT, [
  'insert',
  'upsert',
  'replace',
  'truncate_insert',
  'merge',
]);

const exampleConnection = {
  host: '127.0.0.1',
  port: 3306,
  database: 'shop',
  username: 'etl',
  password: '${MYSQL_PASSWORD}',
};

/** `mysql` input: a table or query from MySQL / MariaDB, streamed in one lane from a consistent snapshot. */
export const mysqlInput = defineInput({
  name: 'mysql',
  category: 'database',
  title: 'MySQL / MariaDB',
  description:
    'Reads a table (with optional columns and filter) or a SQL query from MySQL or MariaDB, streamed in batches from one consistent snapshot.',
  status: 'stable',
  schema: MysqlInputSchema,
  savedConnection: serverSavedConnection(MYSQL_PORT),
  // The usual collations compare text ignoring case and trailing spaces; string literals take backslash escapes.
  filterDialect: {
    quoteIdent,
    exactTextEquality: false,
    caseSensitiveLike: false,
    exactDecimals: true,
    backslashEscapes: true,
  },
  introspect: (config) => new MysqlIntrospector(config.connection),
  examples: [
    {
      title: 'A table with columns and a filter',
      config: {
        connection: exampleConnection,
        query: { table: 'orders', columns: ['id', 'qty', 'price'], filter: "status <> 'void'" },
        fetch: { size: 5000 },
      },
    },
    {
      title: 'A SQL query',
      config: {
        connection: exampleConnection,
        query: {
          sql: 'SELECT u.id, u.name, COUNT(o.id) AS orders FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id, u.name',
        },
      },
    },
  ],
  create(config, ctx): Input | Promise<Input> {
    return createSqlInput(
      config,
      mysqlSource(config.connection, config.fetch?.size ?? 1000, ctx.logger),
      () => new MysqlIntrospector(config.connection),
      ctx.watermark,
    );
  },
});

/** `mysql` output: insert, upsert, replace or truncate-and-insert into a MySQL / MariaDB table, creating it when missing. */
export const mysqlOutput = defineOutput({
  name: 'mysql',
  category: 'database',
  title: 'MySQL / MariaDB',
  description:
    'Writes rows into a MySQL or MariaDB table (insert, upsert by key, replace by key, or truncate then insert) with multi-row INSERTs, one transaction per batch, creating the table if needed.',
  status: 'stable',
  schema: MysqlOutputSchema,
  savedConnection: serverSavedConnection(MYSQL_PORT),
  introspect: (config) => new MysqlIntrospector(config.connection),
  examples: [
    {
      title: 'Upsert by key',
      config: {
        connection: exampleConnection,
        write: { table: 'orders', mode: 'upsert', batch_size: 5000 },
        conflict: { key: ['id'] },
      },
    },
    {
      title: 'Replace rows by key (the table needs no unique constraint)',
      config: {
        connection: exampleConnection,
        write: { table: 'prices', mode: 'replace' },
        conflict: { key: ['sku', 'region'] },
      },
    },
    {
      title: 'Replace the contents of a table',
      config: {
        connection: exampleConnection,
        write: { table: 'daily_totals', mode: 'truncate_insert' },
        post_sql: ['ANALYZE TABLE daily_totals'],
      },
    },
  ],
  create(config, ctx): Output {
    // A table pattern (write.table: "*") writes every table of a query.tables input.
    return sqlOutput(
      sqlWriteSettings<MysqlWriteMode>(config),
      mysqlTarget(config.connection),
      (settings) =>
        new MysqlWriter({
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
