import { escape, type Connection } from 'mysql2';
import type { Logger } from '../../src-main/engine/component';
import type { SqlConnection } from '../shared/sql/config';
import type { SqlSource } from '../shared/sql/sql-input';
import { connectMysql, describeTarget, endConnection, errorMessage, selectValue } from './connection';
import { quoteIdent, quoteTableName, splitTableName } from './identifiers';
import { readMysql } from './reader';
import { planKeyRanges } from './split';

/** Runs `work` on a connection of its own, ended afterwards: planning queries are short-lived. */
async function withConnection<T>(
  config: SqlConnection,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connectMysql(config);
  try {
    return await work(connection);
  } catch (error) {
    throw new Error(`MySQL ${describeTarget(config)}: ${errorMessage(error)}`, { cause: error });
  } finally {
    await endConnection(connection);
  }
}

/**
 * MySQL / MariaDB as a `SqlSource`. Each lane starts its own consistent-snapshot transaction:
 * the server cannot hand one snapshot to several connections.
 */
export function mysqlSource(connection: SqlConnection, fetchSize: number, logger: Logger): SqlSource {
  return {
    name: 'MySQL',
    quoteIdent,
    // `db.table` names a table of another database.
    quoteTable: quoteTableName,
    maxAsText: (column) => `CAST(MAX(${column}) AS CHAR)`,
    queryText: (sql) =>
      withConnection(connection, async (c) => {
        const value = await selectValue(c, sql);
        return value === null || value === undefined ? null : String(value);
      }),
    planKeyRanges: (request) => withConnection(connection, (c) => planKeyRanges(c, request)),
    separateSnapshotsNote:
      'each lane reads its own snapshot, taken as it starts (MySQL cannot share one between connections): rows changed while the lanes start may be seen by some lanes only',
    read: (sql, signal) => readMysql({ connection, sql, fetchSize, logger }, signal),
    estimateTableRows: (table) =>
      withConnection(connection, async (c) => {
        const { database, table: name } = splitTableName(table);
        const schema = database === undefined ? 'DATABASE()' : escape(database);
        // InnoDB's estimate from statistics: free to ask, unlike COUNT(*).
        const rows = await selectValue(
          c,
          `SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${escape(name)}`,
        );
        const n = Number(rows);
        return rows === null || rows === undefined || !Number.isFinite(n) ? undefined : n;
      }),
  };
}
