import type { Connection } from 'mysql2';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Output, RejectedRow, WriteResult } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { SerialQueue } from '../shared/serial-queue';
import { writeResult, writeSlices } from '../shared/sql/bisect';
import { keyIndexes, setAsideNullKeys } from '../shared/sql/keys';
import { logRetry, withRetry, type RetryOptions } from '../shared/sql/retry';
import type { ServerWriteOptions } from '../shared/sql/server';
import {
  ChangedValueError,
  connectMysql,
  describeTarget,
  endConnection,
  errorMessage,
  isMysqlDataError,
  isTransientMysqlError,
  mysqlRowErrorMessage,
  needsNewMysqlConnection,
  runSql,
  selectValue,
} from './connection';
import { quoteIdent, quoteTableName, splitTableName } from './identifiers';
import { columnTypeFor, literalEncoder, toSqlLiteral } from './types';

export type MysqlWriteMode = 'insert' | 'upsert' | 'replace' | 'truncate_insert';

/** Everything the MySQL writer needs, resolved from the config. */
export type MysqlWriteOptions = ServerWriteOptions<MysqlWriteMode>;

/** CREATE TABLE for batch columns through the type map, utf8mb4 so any character fits, PRIMARY KEY from the conflict key. */
export function createTableSql(table: string, columns: Column[], key: string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${columnTypeFor(c, key.includes(c.name))}`);
  if (key.length > 0) defs.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteTableName(table)} (${defs.join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}

/** The parts of a multi-row INSERT around its `(…), (…)` tuples; upsert updates every non-key column. */
export function insertSqlParts(
  table: string,
  columns: Column[],
  mode: MysqlWriteMode,
  key: string[],
): { head: string; tail: string } {
  const names = columns.map((c) => quoteIdent(c.name));
  const head = `INSERT INTO ${quoteTableName(table)} (${names.join(', ')}) VALUES `;
  if (mode !== 'upsert') return { head, tail: '' };
  // With only key columns there is nothing to update; assigning a key to itself keeps the row as it is.
  const updated = columns.filter((c) => !key.includes(c.name));
  const assignments = (updated.length > 0 ? updated : columns).map((c) => {
    const name = quoteIdent(c.name);
    return `${name} = VALUES(${name})`;
  });
  return { head, tail: ` ON DUPLICATE KEY UPDATE ${assignments.join(', ')}` };
}

/**
 * The parts of the DELETE that replace runs before its INSERTs, around its key tuples:
 * `(k1, k2) IN ((…), (…))`, or `k IN (…)` for a one-column key.
 */
export function deleteSqlParts(table: string, key: string[]): { head: string; tail: string } {
  const keys = key.map(quoteIdent);
  const target = keys.length === 1 ? keys[0] : `(${keys.join(', ')})`;
  return { head: `DELETE FROM ${quoteTableName(table)} WHERE ${target} IN (`, tail: ')' };
}

/**
 * The rows replace writes, and their keys as DELETE tuples: one row per key, the last one (as an
 * upsert row by row would leave it), in the order the rows came.
 */
export function lastRowPerKey(
  tuples: string[],
  keyTuples: string[],
): { tuples: string[]; keyTuples: string[] } {
  const last = new Map<string, number>();
  keyTuples.forEach((k, i) => last.set(k, i));
  if (last.size === tuples.length) return { tuples, keyTuples };
  const kept = [...last.values()].sort((a, b) => a - b);
  return { tuples: kept.map((i) => tuples[i]), keyTuples: kept.map((i) => keyTuples[i]) };
}

/**
 * Splits rows into INSERT statements of at most `budget` characters (a row too long on its own
 * still gets a statement of its own: the server then says it exceeds max_allowed_packet).
 */
export function insertStatements(
  parts: { head: string; tail: string },
  tuples: Iterable<string>,
  budget: number,
): string[] {
  const statements: string[] = [];
  let pending: string[] = [];
  let length = parts.head.length + parts.tail.length;
  const flush = () => {
    if (pending.length > 0) statements.push(parts.head + pending.join(', ') + parts.tail);
    pending = [];
    length = parts.head.length + parts.tail.length;
  };
  for (const tuple of tuples) {
    if (pending.length > 0 && length + tuple.length + 2 > budget) flush();
    pending.push(tuple);
    length += tuple.length + 2;
  }
  flush();
  return statements;
}

/** Statement size bounds: a quarter of max_allowed_packet in UTF-16 units (at most 3 UTF-8 bytes each), and 4 MiB. */
function statementBudget(maxAllowedPacket: number): number {
  return Math.min(Math.floor(maxAllowedPacket / 4), 4 * 1024 * 1024);
}

/**
 * Warnings by which the server says it stored another value than the one sent, even in strict
 * mode: 1265 when it rounds a decimal to the column's scale (DECIMAL(65,30) holds 30 decimals)
 * or cuts text; 1264, 1292 and 1366 when a non-strict session clips or zeroes a value.
 */
const CHANGED_VALUE_CODES = new Set([1264, 1265, 1292, 1366]);

/** After a statement with warnings: throws (so the transaction rolls back) if one says a value was changed. */
async function refuseChangedValues(connection: Connection): Promise<void> {
  const warnings = (await runSql(connection, 'SHOW WARNINGS')) as [string, number, string][];
  const changed = warnings.find(([, code]) => CHANGED_VALUE_CODES.has(Number(code)));
  if (changed) throw new ChangedValueError(`a value does not fit its column as sent: ${changed[2]}`);
}

interface Prepared {
  columns: Column[];
  parts: { head: string; tail: string };
  encoders: ((value: unknown) => string)[];
  /** For replace: the DELETE around the key tuples, and where the key columns are. */
  replace?: { parts: { head: string; tail: string }; keyIndexes: number[] };
}

/**
 * Writes batches into one MySQL / MariaDB table over one connection, opened on the first write.
 * Each `batchSize` rows are one transaction of multi-row INSERTs sized under the server's
 * max_allowed_packet. Lanes call `write` concurrently; a promise queue runs the writes one at a time.
 */
export class MysqlWriter implements Output {
  private readonly queue = new SerialQueue();
  private connection: Connection | undefined;
  private budget = 0;
  private started = false;
  private prepared: Prepared | undefined;
  private rowsCommitted = 0;

  constructor(private readonly options: MysqlWriteOptions) {}

  /** Resolves once the batch's transactions are committed, with the rows refused for their data. */
  write(batch: Batch): Promise<WriteResult | undefined> {
    return this.queue.run(() => this.writeBatch(batch));
  }

  async close(error?: Error): Promise<string | void> {
    await this.queue.drain();
    try {
      if (!error) await this.finish();
    } finally {
      if (this.connection) await endConnection(this.connection);
      this.connection = undefined;
    }
    // Each transaction commits on its own: what was committed before a failure stays.
    if (error) {
      const { database, table } = this.target();
      return `${formatCount(this.rowsCommitted)} rows were committed to table "${table}" in MySQL database "${database}" before the run stopped`;
    }
  }

  private target(): { database: string; table: string } {
    const { database, table } = splitTableName(this.options.table);
    return { database: database ?? this.options.connection.database, table };
  }

  /** The connection, opened (with its session settings, see connectMysql) on first use or again after one was lost. */
  private async connect(): Promise<Connection> {
    if (this.connection) return this.connection;
    const connection = await connectMysql(this.options.connection);
    this.connection = connection;
    this.budget = statementBudget(Number(await selectValue(connection, 'SELECT @@max_allowed_packet')));
    return connection;
  }

  /** Runs a statement, naming what failed and where when it does. */
  private async run(connection: Connection, sql: string, what: string): Promise<void> {
    try {
      await runSql(connection, sql);
    } catch (error) {
      const where = describeTarget(this.options.connection);
      throw new Error(`${what} failed on MySQL ${where}: ${errorMessage(error)}`, { cause: error });
    }
  }

  private async writeBatch(batch: Batch): Promise<WriteResult | undefined> {
    if (batch.rows.length === 0) return;
    const connection = await this.connect();
    if (!this.started) await this.start(connection, batch.columns);
    const prepared = this.prepare(batch.columns);
    let rows = batch.rows;
    let rejected: RejectedRow[] = [];
    let indexOf = (index: number) => index;
    if (prepared.replace)
      ({ rows, rejected, indexOf } = setAsideNullKeys(
        rows,
        prepared.replace.keyIndexes,
        this.options.conflictKey,
      ));
    // One slice is one transaction: rolled back whole on failure, so it can be redone whole (on a
    // new connection when the old one was lost; pre_sql and TRUNCATE are not run again), or split
    // to find the rows the server refuses.
    const refused = await writeSlices(
      rows,
      this.options.batchSize,
      async (slice) => {
        await withRetry(
          async () => this.commitRows(await this.connect(), prepared, slice),
          this.retryOptions(),
        );
        this.rowsCommitted += slice.length;
      },
      { isDataError: isMysqlDataError, rowMessage: mysqlRowErrorMessage },
    );
    for (const { index, error } of refused) rejected.push({ index: indexOf(index), error });
    return writeResult(rejected);
  }

  /** Retries log a warning, and replace the connection unless it survived (a deadlock, a lock wait timeout). */
  private retryOptions(): RetryOptions {
    const { retry, logger, signal } = this.options;
    const { database, table } = this.target();
    return {
      policy: retry,
      isTransient: isTransientMysqlError,
      signal,
      onRetry: (event) => {
        logRetry(logger, `writing to table "${table}" in MySQL database "${database}"`, event);
        if (needsNewMysqlConnection(event.error)) this.dropConnection();
      },
    };
  }

  /** Drops a connection that broke; the next `connect()` opens a new one. */
  private dropConnection(): void {
    this.connection?.destroy();
    this.connection = undefined;
  }

  /**
   * What happens once, before the first row: pre_sql, then the table (created when missing, from
   * `columns`; without columns, as when a run wrote no row, a missing table is left missing), then
   * the TRUNCATE of truncate_insert.
   */
  private async start(connection: Connection, columns: Column[] | undefined): Promise<void> {
    const { preSql, mode, createTable, conflictKey } = this.options;
    for (const [i, sql] of preSql.entries()) await this.run(connection, sql, `pre_sql[${i}]`);
    const { database, table } = this.target();
    const exists = await selectValue(
      connection,
      `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${toSqlLiteral(database)} AND TABLE_NAME = ${toSqlLiteral(table)}`,
    );
    if (Number(exists) === 0) {
      if (!createTable)
        throw new Error(
          `table "${table}" does not exist in MySQL database "${database}" (set write.create_table: true to create it)`,
        );
      if (columns)
        await this.run(
          connection,
          createTableSql(this.options.table, columns, conflictKey),
          `creating table "${table}"`,
        );
    } else if (mode === 'truncate_insert') {
      await this.run(
        connection,
        `TRUNCATE TABLE ${quoteTableName(this.options.table)}`,
        `emptying table "${table}"`,
      );
    }
    this.started = true;
  }

  /** After a successful run: what `start` would have done if no row came, then post_sql. */
  private async finish(): Promise<void> {
    const { preSql, postSql, mode } = this.options;
    const needed = this.started || preSql.length > 0 || postSql.length > 0 || mode === 'truncate_insert';
    if (!needed) return;
    const connection = await this.connect();
    if (!this.started) await this.start(connection, undefined);
    for (const [i, sql] of postSql.entries()) await this.run(connection, sql, `post_sql[${i}]`);
  }

  private prepare(columns: Column[]): Prepared {
    if (this.prepared?.columns === columns) return this.prepared;
    const { table, mode, conflictKey } = this.options;
    this.prepared = {
      columns,
      parts: insertSqlParts(table, columns, mode, conflictKey),
      encoders: columns.map((c) => literalEncoder(c.type)),
      replace:
        mode === 'replace'
          ? { parts: deleteSqlParts(table, conflictKey), keyIndexes: keyIndexes(columns, conflictKey) }
          : undefined,
    };
    return this.prepared;
  }

  /**
   * One transaction: for replace, DELETE statements for the rows' keys; the rows' INSERT
   * statements; then COMMIT. A failure rolls back and names the table.
   */
  private async commitRows(connection: Connection, prepared: Prepared, rows: Row[]): Promise<void> {
    const { encoders, replace } = prepared;
    try {
      let tuples = rows.map((row) => `(${encoders.map((encode, i) => encode(row[i])).join(', ')})`);
      await runSql(connection, 'START TRANSACTION');
      if (replace) {
        const { keyIndexes: at, parts } = replace;
        const encodeKey = (row: Row) => at.map((i) => encoders[i](row[i])).join(', ');
        const keyed = lastRowPerKey(
          tuples,
          rows.map((row) => (at.length === 1 ? encodeKey(row) : `(${encodeKey(row)})`)),
        );
        tuples = keyed.tuples;
        for (const sql of insertStatements(parts, keyed.keyTuples, this.budget))
          await runSql(connection, sql);
      }
      for (const sql of insertStatements(prepared.parts, tuples, this.budget)) {
        const result = (await runSql(connection, sql)) as { warningStatus?: number };
        if (result.warningStatus) await refuseChangedValues(connection);
      }
      await runSql(connection, 'COMMIT');
    } catch (error) {
      await runSql(connection, 'ROLLBACK').catch(() => undefined);
      const { database, table } = this.target();
      throw new Error(
        `cannot write to table "${table}" in MySQL database "${database}": ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }
}
