import type { Client, QueryArrayConfig } from 'pg';
import { connectPostgres, describeTarget, pgErrorMessage } from '../../../connectors/postgresql/connection';
import { quoteIdent, quoteQualifiedName } from '../../../connectors/postgresql/identifiers';
import { describeColumns } from '../../../connectors/postgresql/reader';
import type { SqlConnection } from '../../../connectors/shared/sql/config';
import { isRowQuery, limitQuery } from '../statement';
import type { PreviewSession, SelectedRows } from './session';

/** Asks the server to cancel what backend `pid` runs, over a connection of its own (best effort). */
async function cancelBackend(connection: SqlConnection, pid: number): Promise<void> {
  try {
    const canceller = await connectPostgres(connection);
    try {
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  } catch {
    // Gone already, or not allowed: the session is closed after the preview anyway.
  }
}

/**
 * A preview session on PostgreSQL: everything runs inside one READ ONLY transaction, and the
 * user's statement goes through the extended protocol, which takes exactly one statement, so
 * `SELECT 1; COMMIT; DROP …` is refused as a whole and nothing can end the transaction and then
 * write. (A session-wide `default_transaction_read_only` would add nothing to that, and would
 * outlive the session on a transaction-pooling PgBouncer.) A row query is cut by a LIMIT
 * subquery (PostgreSQL keeps the subquery's ORDER BY), so the planner plans for those rows only.
 * Values are decoded by the connector's type parsers.
 */
export async function openPostgresSession(connection: SqlConnection): Promise<PreviewSession> {
  const where = `PostgreSQL ${describeTarget(connection)}`;
  const client: Client = await connectPostgres(connection);
  let pid: number;
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(`${where}: ${pgErrorMessage(error)}`, { cause: error });
  }
  return {
    where,
    quoteTable: quoteQualifiedName,
    quoteIdent,
    limitedQuery: (sql, rows) => (isRowQuery(sql) ? limitQuery(sql, rows) : sql),
    async select(sql, maxRows, signal): Promise<SelectedRows> {
      const cancel = () => void cancelBackend(connection, pid);
      signal.addEventListener('abort', cancel, { once: true });
      try {
        signal.throwIfAborted();
        // `queryMode` is pg's (8.12+), missing from its type declarations.
        const query: QueryArrayConfig & { queryMode: 'extended' } = {
          text: sql,
          rowMode: 'array',
          queryMode: 'extended',
        };
        const result = await client.query(query);
        const fields = result.fields ?? [];
        const columns = fields.length > 0 ? await describeColumns(client, fields) : [];
        const rows = result.rows ?? [];
        return { columns, rows: rows.slice(0, maxRows), more: rows.length > maxRows, notes: [] };
      } catch (error) {
        signal.throwIfAborted();
        throw new Error(`${where}: ${pgErrorMessage(error)}`, { cause: error });
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    },
    async close() {
      // Read only: rolling back only ends the transaction.
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
