import type { Connection } from 'mysql2';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Output, RejectedRow, WriteResult } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { writeResult, writeSlices } from '../shared/sql/bisect';
import { keyIndexes, setAsideNullKeys } from '../shared/sql/keys';
import { LaneConnections, Once } from '../shared/sql/lanes';
import {
  asTargetMessage,
  discardStaged,
  isLeftoverStaging,
  mergeStaged,
  STAGING_MARKER,
  STAGING_ORDER_COLUMN,
  stagingTableName,
  type StagingSteps,
} from '../shared/sql/merge';
import { logRetry, withRetry, type RetryOptions } from '../shared/sql/retry';
import type { ServerWriteOptions } from '../shared/sql/server';
import { columnsWithout, leftOutColumns, leftOutNote, withoutColumns } from '../shared/sql/skip-columns';
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

export type MysqlWriteMode = 'insert' | 'upsert' | 'replace' | 'truncate_insert' | 'merge';

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
  parts: { head: string; tail: string };
  encoders: ((value: unknown) => string)[];
  /** For replace: the DELETE around the key tuples, and where the key columns are. */
  replace?: { parts: { head: string; tail: string }; keyIndexes: number[] };
}

/** A target column as information_schema describes it: what its staging copy needs. */
export interface TargetColumn {
  name: string;
  /** `COLUMN_TYPE`: `varchar(5)`, `decimal(30,9)`, `bigint(20) unsigned`, `enum('a','b')`. */
  type: string;
  nullable: boolean;
  charset: string | null;
  collation: string | null;
}

/**
 * CREATE TABLE for merge's staging table: the target's columns with their types, character sets
 * and NOT NULL (so bad rows are refused as they are staged), no unique key (a key may come more
 * than once), and a counter as primary key numbering the rows as staged (the last one wins).
 */
export function stagingTableSql(staging: string, columns: TargetColumn[]): string {
  const defs = columns.map((c) => {
    const charset = c.charset && c.collation ? ` CHARACTER SET ${c.charset} COLLATE ${c.collation}` : '';
    return `${quoteIdent(c.name)} ${c.type}${charset}${c.nullable ? '' : ' NOT NULL'}`;
  });
  const order = `${quoteIdent(STAGING_ORDER_COLUMN)} BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY`;
  return `CREATE TABLE ${quoteTableName(staging)} (${[order, ...defs].join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}

/**
 * Moves the staged rows into the table in the order they were staged, updating the non-key
 * columns of rows whose key exists: row by row, so the last staged row of a key wins.
 */
export function mergeSql(table: string, staging: string, columns: Column[], key: string[]): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  const { tail } = insertSqlParts(table, columns, 'upsert', key);
  return (
    `INSERT INTO ${quoteTableName(table)} (${names}) SELECT ${names} FROM ${quoteTableName(staging)} ` +
    `ORDER BY ${quoteIdent(STAGING_ORDER_COLUMN)}${tail}`
  );
}

/** Merge's staging table: where it is, and what went into it. */
interface MergeStaging {
  /** Its name, as the server's messages give it. */
  name: string;
  /** Its name, qualified as the target is (`db.name` or `name`). */
  qualified: string;
  /** The columns it was created for: the merge moves these. */
  columns: Column[];
  rows: number;
}

/**
 * Writes batches into one MySQL / MariaDB table. Each `batchSize` rows are one transaction of
 * multi-row INSERTs sized under the server's max_allowed_packet; for merge they go into a staging
 * table, merged into the table in one transaction at the end. Each lane writes over a connection
 * of its own, so lanes commit in parallel.
 */
export class MysqlWriter implements Output {
  private readonly lanes: LaneConnections<Connection>;
  /** pre_sql, the table, truncate_insert's TRUNCATE, merge's staging table: once, before any lane writes. */
  private readonly started = new Once();
  private readonly prepared = new WeakMap<Column[], Prepared>();
  private budget = 0;
  private staging: MergeStaging | undefined;
  /** The table's generated columns, in lower case: the server computes them, so batches are written without them. */
  private generated: string[] = [];
  private rowsCommitted = 0;

  constructor(private readonly options: MysqlWriteOptions) {
    this.lanes = new LaneConnections<Connection>({
      open: () => this.connect(),
      end: endConnection,
      discard: (connection) => connection.destroy(),
    });
  }

  /** Resolves once the batch's transactions are committed (staged, for merge), with the rows refused for their data. */
  write(batch: Batch, lane: number): Promise<WriteResult | undefined> {
    return this.lanes.run(lane, () => this.writeBatch(batch, lane));
  }

  async close(error?: Error): Promise<string | void> {
    await this.lanes.drain();
    try {
      if (!error) return await this.finish();
      if (this.options.mode === 'merge') return await discardStaged(this.stagingSteps(), this.where());
    } finally {
      await this.lanes.close();
    }
    // Each transaction commits on its own: what was committed before a failure stays.
    return `${formatCount(this.rowsCommitted)} rows were committed to table ${this.where()} before the run stopped`;
  }

  private target(): { database: string; table: string } {
    const { database, table } = splitTableName(this.options.table);
    return { database: database ?? this.options.connection.database, table };
  }

  private where(): string {
    const { database, table } = this.target();
    return `"${table}" in MySQL database "${database}"`;
  }

  /** A new connection (with its session settings, see connectMysql); the first tells the statement budget. */
  private async connect(): Promise<Connection> {
    const connection = await connectMysql(this.options.connection);
    if (this.budget === 0) {
      try {
        this.budget = statementBudget(Number(await selectValue(connection, 'SELECT @@max_allowed_packet')));
      } catch (error) {
        connection.destroy();
        throw error;
      }
    }
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

  private async writeBatch(incoming: Batch, lane: number): Promise<WriteResult | undefined> {
    if (incoming.rows.length === 0) return;
    await this.start(lane, incoming.columns);
    // The same rows in the same order: an index into them is one into the incoming batch.
    const batch = withoutColumns(incoming, this.generated, true);
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
          async () => this.commitRows(await this.lanes.get(lane), prepared, slice),
          this.retryOptions(lane),
        );
        if (this.staging) this.staging.rows += slice.length;
        else this.rowsCommitted += slice.length;
      },
      { isDataError: isMysqlDataError, rowMessage: (error) => this.rowMessage(error) },
    );
    for (const { index, error } of refused) rejected.push({ index: indexOf(index), error });
    return writeResult(rejected);
  }

  /** A refused row's message; one the staging table refused names the target, which the user knows. */
  private rowMessage(error: unknown): string {
    const message = mysqlRowErrorMessage(error);
    return this.staging ? asTargetMessage(message, this.staging.name, this.target().table) : message;
  }

  /** Retries log a warning, and replace the lane's connection unless it survived (a deadlock, a lock wait timeout). */
  private retryOptions(lane: number): RetryOptions {
    const { retry, logger, signal } = this.options;
    return {
      policy: retry,
      isTransient: isTransientMysqlError,
      signal,
      onRetry: async (event) => {
        logRetry(logger, `writing to table ${this.where()}`, event);
        if (needsNewMysqlConnection(event.error)) await this.lanes.discard(lane);
      },
    };
  }

  /**
   * What happens once, before any lane writes (the others wait for it): pre_sql, then the table
   * (created when missing, from `columns`; without columns, as when a run wrote no row, a missing
   * table is left missing; an existing one's generated columns looked up), then the TRUNCATE of
   * truncate_insert or merge's staging table.
   * TRUNCATE commits on its own in MySQL: the table is empty from here on, whatever happens next.
   */
  private start(lane: number, columns?: Column[]): Promise<void> {
    return this.started.run(async () => {
      const connection = await this.lanes.get(lane);
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
      } else {
        if (columns) await this.findGenerated(connection, columns);
        if (mode === 'truncate_insert')
          await this.run(
            connection,
            `TRUNCATE TABLE ${quoteTableName(this.options.table)}`,
            `emptying table "${table}"`,
          );
      }
      if (mode === 'merge' && columns)
        await this.createStaging(connection, columnsWithout(columns, this.generated, true));
    });
  }

  /**
   * The table's generated columns (EXTRA says `VIRTUAL GENERATED` or `STORED GENERATED`; not
   * MySQL's `DEFAULT_GENERATED`, a default), and a note in the run log when `columns` have some.
   */
  private async findGenerated(connection: Connection, columns: Column[]): Promise<void> {
    const { database, table } = this.target();
    const found = (await runSql(
      connection,
      `SELECT COLUMN_NAME FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = ${toSqlLiteral(database)} AND TABLE_NAME = ${toSqlLiteral(table)}
         AND (EXTRA LIKE '%VIRTUAL GENERATED%' OR EXTRA LIKE '%STORED GENERATED%' OR GENERATION_EXPRESSION <> '')`,
    )) as [string][];
    this.generated = found.map(([name]) => name.toLowerCase());
    const left = leftOutColumns(columns, this.generated, true);
    if (left.length > 0) this.options.logger.info(leftOutNote(left, this.where()));
  }

  /** After a successful run: what `start` would have done if no row came, the merge, then post_sql. */
  private async finish(): Promise<string | undefined> {
    const { preSql, postSql, mode } = this.options;
    const needed = this.started.done || preSql.length > 0 || postSql.length > 0 || mode === 'truncate_insert';
    if (!needed) return;
    const lane = this.lanes.anyLane();
    await this.start(lane);
    const steps = this.stagingSteps(lane);
    const note = steps && (await mergeStaged(steps, this.where()));
    for (const [i, sql] of postSql.entries())
      await this.run(await this.lanes.get(lane), sql, `post_sql[${i}]`);
    return note;
  }

  /** Merge's staging table, beside the target (a regular table: every lane's connection sees it). */
  private async createStaging(connection: Connection, columns: Column[]): Promise<void> {
    const { database, table } = this.target();
    await this.requireUniqueKey(connection);
    await this.dropLeftovers(connection);
    const described = (await runSql(
      connection,
      `SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = ${toSqlLiteral(database)} AND TABLE_NAME = ${toSqlLiteral(table)}`,
    )) as [string, string, string, string | null, string | null][];
    // Column names are case-insensitive in MySQL.
    const byName = new Map(described.map((d) => [d[0].toLowerCase(), d]));
    const targetColumns = columns.map((c): TargetColumn => {
      const found = byName.get(c.name.toLowerCase());
      if (!found) throw new Error(`column "${c.name}" is not in table ${this.where()}`);
      const [, type, nullable, charset, collation] = found;
      return { name: c.name, type, nullable: nullable === 'YES', charset, collation };
    });
    const name = stagingTableName(table);
    const qualified =
      splitTableName(this.options.table).database === undefined ? name : `${database}.${name}`;
    await this.run(connection, stagingTableSql(qualified, targetColumns), 'creating the staging table');
    this.staging = { name, qualified, columns, rows: 0 };
  }

  /**
   * Refuses a merge whose conflict.key no unique index covers, before any row is staged: ON
   * DUPLICATE KEY UPDATE would then add every staged row, duplicates included.
   */
  private async requireUniqueKey(connection: Connection): Promise<void> {
    const { database, table } = this.target();
    const indexed = (await runSql(
      connection,
      `SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ${toSqlLiteral(database)} AND TABLE_NAME = ${toSqlLiteral(table)} AND NON_UNIQUE = 0`,
    )) as [string, string][];
    const indexes = new Map<string, Set<string>>();
    for (const [index, column] of indexed)
      indexes.set(index, (indexes.get(index) ?? new Set()).add(column.toLowerCase()));
    const key = new Set(this.options.conflictKey.map((k) => k.toLowerCase()));
    const covered = [...indexes.values()].some((c) => c.size === key.size && [...key].every((k) => c.has(k)));
    if (!covered)
      throw new Error(
        `merge needs a primary key or unique index on conflict.key (${this.options.conflictKey.join(', ')}) in table ${this.where()}`,
      );
  }

  /** Drops this table's staging tables that runs killed more than a day ago left behind. */
  private async dropLeftovers(connection: Connection): Promise<void> {
    const { database, table } = this.target();
    const names = (await runSql(
      connection,
      `SELECT TABLE_NAME FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ${toSqlLiteral(database)} AND LOCATE(${toSqlLiteral(STAGING_MARKER)}, TABLE_NAME) > 0`,
    )) as [string][];
    for (const [name] of names) {
      // Table names are case-insensitive where the server stores them in lower case.
      if (!isLeftoverStaging(name, table, new Date(), true)) continue;
      await this.run(
        connection,
        `DROP TABLE IF EXISTS ${quoteIdent(database)}.${quoteIdent(name)}`,
        'dropping a leftover staging table',
      );
      this.options.logger.info(
        `dropped staging table "${name}", left by a merge run into table ${this.where()} that did not finish`,
      );
    }
  }

  /** How the end of a merge run reaches the staging table, over the connection of `lane`; undefined before it exists. */
  private stagingSteps(lane = this.lanes.anyLane()): StagingSteps | undefined {
    const staging = this.staging;
    if (!staging) return undefined;
    const { table, conflictKey } = this.options;
    return {
      name: staging.name,
      rows: staging.rows,
      merge: () =>
        withRetry(async () => {
          const connection = await this.lanes.get(lane);
          try {
            await runSql(connection, 'START TRANSACTION');
            await runSql(connection, mergeSql(table, staging.qualified, staging.columns, conflictKey));
            await runSql(connection, 'COMMIT');
          } catch (error) {
            await runSql(connection, 'ROLLBACK').catch(() => undefined);
            throw new Error(errorMessage(error), { cause: error });
          }
        }, this.retryOptions(lane)),
      // After the COMMIT: DROP TABLE would commit the merge's transaction itself in MySQL.
      drop: () =>
        withRetry(async () => {
          await runSql(
            await this.lanes.get(lane),
            `DROP TABLE IF EXISTS ${quoteTableName(staging.qualified)}`,
          );
        }, this.retryOptions(lane)),
    };
  }

  private prepare(columns: Column[]): Prepared {
    const cached = this.prepared.get(columns);
    if (cached) return cached;
    const { table, mode, conflictKey } = this.options;
    // merge needs the key only at the end; a batch without it is refused now, before it is staged.
    if (mode === 'merge') keyIndexes(columns, conflictKey);
    const prepared: Prepared = {
      parts: insertSqlParts(
        this.staging?.qualified ?? table,
        columns,
        mode === 'merge' ? 'insert' : mode,
        conflictKey,
      ),
      encoders: columns.map((c) => literalEncoder(c.type)),
      replace:
        mode === 'replace'
          ? { parts: deleteSqlParts(table, conflictKey), keyIndexes: keyIndexes(columns, conflictKey) }
          : undefined,
    };
    this.prepared.set(columns, prepared);
    return prepared;
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
      throw new Error(`cannot write to table ${this.where()}: ${errorMessage(error)}`, { cause: error });
    }
  }
}
