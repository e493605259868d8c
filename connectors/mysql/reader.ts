import type { FieldPacket } from 'mysql2';
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
import { columnFromMeta, metaFromField, valueDecoder, type ValueDecoder } from './types';

/** Everything a read needs, resolved from the config. */
export interface MysqlReadOptions {
  connection: SqlConnection;
  sql: string;
  fetchSize: number;
  logger: Logger;
}

/** A row packet of the text protocol, as the driver hands it to its row parser. */
interface RowPacket {
  buffer: Buffer;
  offset: number;
}

/**
 * Makes the driver parse this query's rows with `parse` instead of its own parser. With
 * `typeCast: false` mysql2 cuts every value into a Buffer of its own, which we then decode: a
 * fifth of the read's time and most of its garbage. Decoding the length-coded values straight
 * from the packet skips that. It relies on mysql2's Query calling `this._rowParser.next(packet)`
 * for each row (mysql2 is pinned to an exact version for this; the int tests read every type).
 */
function replaceRowParser(query: object, parse: (packet: RowPacket) => Row): void {
  Object.defineProperty(query, '_rowParser', {
    get: () => ({ next: parse }),
    // The driver assigns its own parser once the fields are known; ours stays.
    set: () => undefined,
  });
}

/**
 * Streams the query's rows in batches of `fetchSize`, never holding more than a few batches:
 * the socket is paused while two decoded batches wait for the consumer. Rows are taken from the
 * driver's row events directly (not its object-mode Readable, whose per-row bookkeeping cost a
 * tenth of the read). One connection per read, inside a REPEATABLE READ, READ ONLY transaction
 * with a consistent snapshot, so the rows are one moment of the database. Values arrive as raw
 * bytes (`typeCast: false`) and are decoded by the type map. The connection is released however
 * the read ends: ended after a COMMIT when every row was read, destroyed otherwise (an unread
 * result cannot be abandoned on a live connection), its server thread killed if the query still runs.
 */
export async function* readMysql(options: MysqlReadOptions, signal: AbortSignal): AsyncGenerator<Batch> {
  if (signal.aborted) return;
  const connection = await connectMysql(options.connection);
  let zeroDates = 0;
  let complete = false;
  /** The server is still running the query or sending its rows. */
  let inFlight = false;
  let wake: (() => void) | undefined;
  const stop = () => wake?.();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await runSql(connection, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await runSql(connection, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    if (signal.aborted) return;
    const { fetchSize } = options;
    const ready: Batch[] = [];
    let paused = false;
    let ended = false;
    let failure: unknown;
    let columns: Column[] = [];
    let decoders: ValueDecoder[] = [];
    let rows: Row[] = [];
    let bytes = 0;
    let read = 0;
    const flush = () => {
      read += rows.length;
      ready.push({ columns, rows, checkpoint: { rows: read }, bytes });
      rows = [];
      bytes = 0;
    };
    const query = connection.query({ sql: options.sql, rowsAsArray: true, typeCast: false });
    inFlight = true;
    query.on('fields', (fields: FieldPacket[]) => {
      const metas = fields.map(metaFromField);
      columns = metas.map(columnFromMeta);
      decoders = metas.map((meta, i) => valueDecoder(meta, columns[i].type, () => zeroDates++));
    });
    replaceRowParser(query, (packet) => {
      const { buffer } = packet;
      let at = packet.offset;
      const row: Row = [];
      for (let i = 0; i < decoders.length; i++) {
        let length = buffer[at++];
        if (length >= 0xfb) {
          if (length === 0xfb) {
            row.push(null);
            continue;
          }
          const size = length === 0xfc ? 2 : length === 0xfd ? 3 : 8;
          length =
            size === 8
              ? buffer.readUInt32LE(at) + buffer.readUInt32LE(at + 4) * 2 ** 32
              : buffer.readUIntLE(at, size);
          at += size;
        }
        row.push(decoders[i](buffer, at, at + length));
        at += length;
      }
      bytes += at - packet.offset;
      return row;
    });
    query.on('result', (row: Row) => {
      rows.push(row);
      if (rows.length === fetchSize) {
        flush();
        if (ready.length >= 2 && !paused) {
          paused = true;
          connection.pause();
        }
        wake?.();
      }
    });
    query.on('error', (error: unknown) => {
      failure = error;
      wake?.();
    });
    query.on('end', () => {
      inFlight = false;
      ended = true;
      wake?.();
    });
    for (;;) {
      if (signal.aborted) return;
      const batch = ready.shift();
      if (batch) {
        if (paused && ready.length < 2) {
          paused = false;
          connection.resume();
        }
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure !== undefined) throw failure;
    if (rows.length > 0) {
      flush();
      yield ready.shift()!;
    }
    await runSql(connection, 'COMMIT');
    complete = true;
  } catch (error) {
    // Cancelling abandons the result mid-read; that is a stop, not a failure.
    if (signal.aborted) return;
    throw new Error(`MySQL query failed on ${describeTarget(options.connection)}: ${errorMessage(error)}`, {
      cause: error,
    });
  } finally {
    signal.removeEventListener('abort', stop);
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
