import type { Client } from 'pg';
import type { SqlConnection } from '../shared/sql/config';
import type { SqlSource } from '../shared/sql/sql-input';
import { connectPostgres, describeTarget, pgErrorMessage } from './connection';
import { quoteIdent, quoteQualifiedName } from './identifiers';
import { estimateTableRows, readPostgres } from './reader';
import { planKeyRanges } from './split';

/** Runs `work` on a connection of its own, closed afterwards: planning queries are short-lived. */
async function withClient<T>(connection: SqlConnection, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectPostgres(connection);
  try {
    return await work(client);
  } catch (error) {
    throw new Error(`PostgreSQL ${describeTarget(connection)}: ${pgErrorMessage(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL as a `SqlSource`. Lanes share one snapshot: a coordinating transaction exports it
 * (`pg_export_snapshot`) and stays open until every lane has finished, each lane's transaction
 * importing it, so all lanes read one moment of the database.
 */
export function postgresSource(connection: SqlConnection, fetchSize: number): SqlSource {
  return {
    name: 'PostgreSQL',
    quoteIdent,
    quoteTable: quoteQualifiedName,
    maxAsText: (column) => `max(${column})::text`,
    queryText: (sql) =>
      withClient(connection, async (client) => {
        const result = await client.query<unknown[]>({ text: sql, rowMode: 'array' });
        const value = result.rows[0]?.[0];
        return value === null || value === undefined ? null : String(value);
      }),
    planKeyRanges: (request) => withClient(connection, (client) => planKeyRanges(client, request)),
    shareSnapshot: async () => {
      const client = await connectPostgres(connection);
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const result = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
        return {
          id: result.rows[0].id,
          release: async () => {
            await client.query('ROLLBACK').catch(() => undefined);
            await client.end().catch(() => undefined);
          },
        };
      } catch (error) {
        await client.end().catch(() => undefined);
        throw new Error(
          `cannot share a snapshot between lanes on PostgreSQL ${describeTarget(connection)}: ${pgErrorMessage(error)}`,
          {
            cause: error,
          },
        );
      }
    },
    read: (sql, signal, snapshot) => readPostgres({ connection, sql, fetchSize, snapshot }, signal),
    estimateTableRows: (table) => estimateTableRows(connection, table),
  };
}
