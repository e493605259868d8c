import type { FieldPacket } from 'mysql2';
import {
  connectMysql,
  describeTarget,
  endConnection,
  errorMessage,
  killConnection,
  runSql,
} from '../../../connectors/mysql/connection';
import { quoteIdent, quoteTableName } from '../../../connectors/mysql/identifiers';
import {
  columnFromMeta,
  metaFromField,
  valueDecoder,
  type ValueDecoder,
} from '../../../connectors/mysql/types';
import type { SqlConnection } from '../../../connectors/shared/sql/config';
import { formatCount } from '../../../src-shared/text/count';
import type { Column, Row } from '../../engine/batch';
import type { PreviewSession, SelectedRows } from './session';

/**
 * A preview session on MySQL or MariaDB: the session's transactions are READ ONLY and the
 * preview runs inside `START TRANSACTION READ ONLY`, one statement per call (multiple statements
 * stay off whatever the connection's options say). A user's query runs as written and its rows
 * are streamed, the stream stopped (and the server thread killed) once one row past the limit
 * arrived: MariaDB drops the ORDER BY of a derived table, so a LIMIT subquery could show other
 * rows than the query means. Values are decoded from the wire bytes by the connector's type map.
 */
export async function openMysqlSession(config: SqlConnection): Promise<PreviewSession> {
  const where = `MySQL ${describeTarget(config)}`;
  const connection = await connectMysql({
    ...config,
    options: { ...config.options, multipleStatements: false },
  });
  try {
    await runSql(connection, 'SET SESSION TRANSACTION READ ONLY');
    await runSql(connection, 'START TRANSACTION READ ONLY');
  } catch (error) {
    connection.destroy();
    throw new Error(`${where}: ${errorMessage(error)}`, { cause: error });
  }
  /** Set once the connection was cut mid-result (it cannot run anything more): the kill of its server thread. */
  let killed: Promise<void> | undefined;

  const select = (sql: string, maxRows: number, signal: AbortSignal): Promise<SelectedRows> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      let columns: Column[] = [];
      let decoders: ValueDecoder[] | undefined;
      const rows: Row[] = [];
      let zeroDates = 0;
      let settled = false;
      const notes = () =>
        zeroDates > 0
          ? [
              `${formatCount(zeroDates)} zero dates (0000-00-00 and the like) were read as NULL: no calendar has them`,
            ]
          : [];
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        finish();
      };
      /** Drops the rest of the result: the socket is cut and the server thread that may still run it killed. */
      const cutOff = () => {
        // Paused, the server blocks on a full socket instead of pushing rows nobody reads
        // (which slows everything else it does, the kill's own connection first).
        connection.pause();
        killed = killConnection(config, connection.threadId).finally(() => connection.destroy());
      };
      const onAbort = () => {
        cutOff();
        settle(() => reject(signal.reason as Error));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const query = connection.query({ sql, rowsAsArray: true, typeCast: false });
      let resultSets = 0;
      query.on('fields', (fields: FieldPacket[] | undefined) => {
        // Only the first result set is shown (a procedure may send more); an OK packet has no fields.
        if (++resultSets !== 1 || !fields) return;
        const metas = fields.map(metaFromField);
        columns = metas.map(columnFromMeta);
        decoders = metas.map((meta, i) => valueDecoder(meta, columns[i].type, () => zeroDates++));
      });
      query.on('result', (row: unknown, index: number) => {
        // A statement without a result set reports an OK packet instead of rows.
        if (settled || index !== 0 || !decoders || !Array.isArray(row)) return;
        if (rows.length === maxRows) {
          cutOff();
          settle(() => resolve({ columns, rows, more: true, notes: notes() }));
          return;
        }
        const values = row as (Buffer | null)[];
        rows.push(values.map((raw, i) => (raw === null ? null : decoders![i](raw, 0, raw.length))));
      });
      query.on('error', (error: unknown) =>
        settle(() => reject(new Error(`${where}: ${errorMessage(error)}`, { cause: error }))),
      );
      query.on('end', () => settle(() => resolve({ columns, rows, more: false, notes: notes() })));
    });

  return {
    where,
    quoteTable: quoteTableName,
    quoteIdent,
    limitedQuery: (sql) => sql,
    select,
    async close() {
      // Waiting for the kill keeps a stopped query from slowing the server for the next preview.
      if (killed) return killed;
      await runSql(connection, 'ROLLBACK').catch(() => undefined);
      await endConnection(connection);
    },
  };
}
