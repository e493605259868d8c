import type { FieldPacket } from 'mysql2';
import type { Readable } from 'node:stream';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Logger } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import type { SqlConnection } from '../shared/sql/config';
import {
  connectMysql,
  describeTarget,
  endConnection,
  errorMessage,
  killConnection,
  runSql,
} from './connection';
import { columnFromMeta, FieldType, valueDecoder, type MysqlColumnMeta, type ValueDecoder } from './types';

/** Everything a read needs, resolved from the config. */
export interface MysqlReadOptions {
  connection: SqlConnection;
  sql: string;
  fetchSize: number;
  logger: Logger;
}

/** The driver's column definition as the type map reads it. */
function metaFromField(field: FieldPacket): MysqlColumnMeta {
  return {
    name: field.name,
    columnType: field.columnType ?? field.type ?? FieldType.VAR_STRING,
    flags: typeof field.flags === 'number' ? field.flags : 0,
    characterSet: field.characterSet ?? 0,
    columnLength: field.columnLength ?? field.length ?? 0,
    decimals: field.decimals,
    extendedTypeName: field.extendedTypeName,
    extendedFormat: field.extendedFormat,
  };
}

/**
 * Streams the query's rows in batches of `fetchSize`, never holding more than about two batches:
 * the driver's row stream pauses the socket when its buffer (one batch) is full and nobody reads.
 * One connection per read, inside a REPEATABLE READ, READ ONLY transaction with a consistent
 * snapshot, so the rows are one moment of the database. Values arrive as raw bytes
 * (`typeCast: false`) and are decoded by the type map. The connection is released however the
 * read ends: ended after a COMMIT when every row was read, destroyed otherwise (an unread result
 * cannot be abandoned on a live connection), its server thread killed if the query still runs.
 */
export async function* readMysql(options: MysqlReadOptions, signal: AbortSignal): AsyncGenerator<Batch> {
  if (signal.aborted) return;
  const connection = await connectMysql(options.connection);
  let stream: Readable | undefined;
  let zeroDates = 0;
  let complete = false;
  /** The server is still running the query or sending its rows. */
  let inFlight = false;
  const stop = () => stream?.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await runSql(connection, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await runSql(connection, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    if (signal.aborted) return;
    const query = connection.query({ sql: options.sql, rowsAsArray: true, typeCast: false });
    inFlight = true;
    query.once('end', () => (inFlight = false));
    stream = query.stream({ highWaterMark: options.fetchSize });
    let columns: Column[] = [];
    let decoders: ValueDecoder[] = [];
    stream.on('fields', (fields: FieldPacket[]) => {
      const metas = fields.map(metaFromField);
      columns = metas.map(columnFromMeta);
      decoders = metas.map((meta, i) => valueDecoder(meta, columns[i].type, () => zeroDates++));
    });
    let rows: Row[] = [];
    let bytes = 0;
    let read = 0;
    for await (const raw of stream as AsyncIterable<(Buffer | null)[]>) {
      // Decoded in place: the array is ours, one allocation less per row.
      const row: Row = raw;
      for (let i = 0; i < raw.length; i++) {
        const value = raw[i];
        if (value === null) continue;
        bytes += value.length;
        row[i] = decoders[i](value);
      }
      rows.push(row);
      if (rows.length === options.fetchSize) {
        read += rows.length;
        yield { columns, rows, checkpoint: { rows: read }, bytes };
        if (signal.aborted) return;
        rows = [];
        bytes = 0;
      }
    }
    // A destroyed stream ends like a finished one (the driver emits 'end' on close).
    if (signal.aborted) return;
    if (rows.length > 0) {
      read += rows.length;
      yield { columns, rows, checkpoint: { rows: read }, bytes };
    }
    await runSql(connection, 'COMMIT');
    complete = true;
  } catch (error) {
    // Cancelling destroys the stream mid-read; that is a stop, not a failure.
    if (signal.aborted) return;
    throw new Error(`MySQL query failed on ${describeTarget(options.connection)}: ${errorMessage(error)}`, {
      cause: error,
    });
  } finally {
    signal.removeEventListener('abort', stop);
    stream?.destroy();
    if (complete) await endConnection(connection);
    else {
      connection.destroy();
      if (inFlight) await killConnection(options.connection, connection.threadId);
    }
    if (zeroDates > 0)
      options.logger.warn(
        `${formatCount(zeroDates)} zero dates (0000-00-00 and the like) were read as NULL: no calendar has them`,
        { zeroDates },
      );
  }
}
