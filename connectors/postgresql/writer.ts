import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Output, RejectedRow, WriteResult } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { writeResult, writeSlices } from '../shared/sql/bisect';
import { hasRepeatedKeys, keyIndexes, setAsideNullKeys } from '../shared/sql/keys';
import { FirstCommit, LaneConnections, Once } from '../shared/sql/lanes';
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
  connectPostgres,
  isPgDataError,
  isTransientPgError,
  needsNewPgConnection,
  pgErrorMessage,
  pgRowErrorMessage,
} from './connection';
import { sendCopyText } from './copy-text';
import { quoteIdent, quoteQualifiedName } from './identifiers';
import { PG_TYPES } from './types';

export type PostgresWriteMode = 'insert' | 'upsert' | 'replace' | 'truncate_insert' | 'merge';

/** Everything the PostgreSQL writer needs, resolved from the config. */
export type PostgresWriteOptions = ServerWriteOptions<PostgresWriteMode>;

/** A per-transaction table: it only ever lives inside one upsert or replace transaction. */
const STAGING = quoteIdent('fustgo_staging');

const columnList = (columns: Column[]) => columns.map((c) => quoteIdent(c.name)).join(', ');

/**
 * CREATE TABLE for batch columns, types from `PG_TYPES` (not `nativeType`: it may be another
 * database's spelling), PRIMARY KEY from the conflict key.
 */
export function createTableSql(table: string, columns: Column[], key: string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${PG_TYPES[c.type]}`);
  if (key.length > 0) defs.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteQualifiedName(table)} (${defs.join(', ')})`;
}

/** COPY in text format into `target` (already quoted). */
export function copySql(target: string, columns: Column[]): string {
  return `COPY ${target} (${columnList(columns)}) FROM STDIN`;
}

/**
 * Moves staged rows into the table, updating rows whose key exists. DISTINCT ON keeps the last
 * staged row per key (`order` numbers them as staged: in the per-transaction table the highest
 * ctid is the last): ON CONFLICT refuses to touch one row twice in a statement, and a later row
 * must win as it would row by row. `from` is the staging table, quoted.
 */
export function upsertSql(
  table: string,
  columns: Column[],
  key: string[],
  { from, order }: { from: string; order: string } = { from: STAGING, order: 'ctid' },
  /** False when the staged rows are known to have distinct keys: no DISTINCT ON, no sort. */
  repeatedKeys = true,
): string {
  const names = columnList(columns);
  const keys = key.map(quoteIdent).join(', ');
  const select = repeatedKeys
    ? `SELECT DISTINCT ON (${keys}) ${names} FROM ${from} ORDER BY ${keys}, ${order} DESC`
    : `SELECT ${names} FROM ${from}`;
  return `INSERT INTO ${quoteQualifiedName(table)} (${names}) ${select} ${onConflictSql(columns, key)}`;
}

/** ON CONFLICT (key) DO UPDATE SET every other column (DO NOTHING when there is none). */
export function onConflictSql(columns: Pick<Column, 'name'>[], key: string[]): string {
  const updates = columns
    .filter((c) => !key.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return `ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${action}`;
}

/**
 * Deletes the table's rows whose key is among the staged rows (the first half of replace).
 * A NULL key matches nothing, as in a unique constraint.
 */
export function replaceDeleteSql(table: string, key: string[]): string {
  const match = key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
  return `DELETE FROM ${quoteQualifiedName(table)} t USING ${STAGING} s WHERE ${match}`;
}

/**
 * Inserts the staged rows (the second half of replace), the last staged row per key only, as
 * upsert keeps it: a key repeated in one slice ends up once, with its later values.
 */
export function replaceInsertSql(table: string, columns: Column[], key: string[]): string {
  const names = columnList(columns);
  const keys = key.map(quoteIdent).join(', ');
  return (
    `INSERT INTO ${quoteQualifiedName(table)} (${names}) ` +
    `SELECT DISTINCT ON (${keys}) ${names} FROM ${STAGING} ORDER BY ${keys}, ctid DESC`
  );
}

/** Streams rows into a COPY … FROM STDIN in ~64 KB chunks. */
async function copyRows(client: Client, target: string, columns: Column[], rows: Row[]): Promise<void> {
  await sendCopyText(client.query(copyFrom(copySql(target, columns))), rows, columns);
}

/** Merge's staging table: where it is, and what went into it. */
interface MergeStaging {
  /** Its name, unqualified, as the server's messages give it. */
  name: string;
  /** Its name, qualified as the target is, quoted. */
  quoted: string;
  /** The columns it was created for: the merge moves these. */
  columns: Column[];
  rows: number;
}

/**
 * Writes batches into one table: COPY for inserts, COPY into a per-transaction table + INSERT …
 * ON CONFLICT for upserts (+ DELETE … USING and INSERT … SELECT for replace), one transaction per
 * `batchSize` rows; for merge, COPY into a staging table, merged into the table in one transaction
 * at the end. Each lane writes over a connection of its own, so lanes commit in parallel.
 */
export class PostgresWriter implements Output {
  private readonly lanes: LaneConnections<Client>;
  /** pre_sql, the table, merge's staging table: once, before any lane writes. */
  private readonly started = new Once();
  /** truncate_insert's TRUNCATE, in the first transaction that commits (no lane commits before it). */
  private readonly truncation: FirstCommit;
  private staging: MergeStaging | undefined;
  /** The table's generated columns: the database computes them, so batches are written without them. */
  private generated: string[] = [];
  private rowsCommitted = 0;

  constructor(private readonly options: PostgresWriteOptions) {
    this.truncation = new FirstCommit(options.mode === 'truncate_insert');
    this.lanes = new LaneConnections<Client>({
      open: () => connectPostgres(options.connection),
      end: (client) => client.end(),
      discard: (client) => client.end().catch(() => undefined),
    });
  }

  /** Resolves once the batch's rows are committed (staged, for merge), with the rows refused for their data. */
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

  /**
   * A successful run's end: pre_sql if no row came, the TRUNCATE of a truncate_insert that got no
   * row (an empty source still empties the table), the merge, then post_sql.
   */
  private async finish(): Promise<string | undefined> {
    const lane = this.lanes.anyLane();
    await this.start(lane);
    if (this.truncation.pending) {
      const client = await this.lanes.get(lane);
      if (await this.tableExists(client))
        await this.truncation.run((first) => this.inTransaction(client, first, async () => undefined));
    }
    const steps = this.stagingSteps(lane);
    const note = steps && (await mergeStaged(steps, this.where()));
    for (const sql of this.options.postSql) await this.run(await this.lanes.get(lane), sql, 'post_sql');
    return note;
  }

  /**
   * What happens once, before any lane writes (the others wait for it): pre_sql, the table
   * (created when missing, from `columns`; an existing one's generated columns looked up), merge's
   * staging table. Reconnecting does not run it again.
   */
  private start(lane: number, columns?: Column[]): Promise<void> {
    return this.started.run(async () => {
      const client = await this.lanes.get(lane);
      for (const sql of this.options.preSql) await this.run(client, sql, 'pre_sql');
      if (!columns) return;
      if (!(await this.ensureTable(client, columns))) await this.findGenerated(client, columns);
      if (this.options.mode === 'merge')
        await this.createStaging(client, columnsWithout(columns, this.generated));
    });
  }

  /** The table's generated columns, and a note in the run log when the incoming `columns` have some. */
  private async findGenerated(client: Client, columns: Column[]): Promise<void> {
    const found = await client.query<{ attname: string }>(
      `SELECT attname FROM pg_attribute
       WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated <> ''`,
      [quoteQualifiedName(this.options.table)],
    );
    this.generated = found.rows.map((r) => r.attname);
    const left = leftOutColumns(columns, this.generated);
    if (left.length > 0) this.options.logger.info(leftOutNote(left, this.where()));
  }

  private async writeBatch(incoming: Batch, lane: number): Promise<WriteResult | undefined> {
    if (incoming.rows.length === 0) return;
    const { mode, batchSize, conflictKey } = this.options;
    // A batch without the key is refused before anything runs.
    if (mode === 'upsert' || mode === 'replace' || mode === 'merge')
      keyIndexes(incoming.columns, conflictKey);
    await this.start(lane, incoming.columns);
    // The same rows in the same order: an index into them is one into the incoming batch.
    const batch = withoutColumns(incoming, this.generated);
    let rows = batch.rows;
    let rejected: RejectedRow[] = [];
    let indexOf = (index: number) => index;
    if (mode === 'replace')
      ({ rows, rejected, indexOf } = setAsideNullKeys(
        rows,
        keyIndexes(batch.columns, conflictKey),
        conflictKey,
      ));
    // One slice is one transaction: rolled back whole on failure, so it can be redone whole, or
    // split to find the rows the database refuses.
    const refused = await writeSlices(
      rows,
      batchSize,
      (slice) => this.commitRows(lane, batch.columns, slice),
      { isDataError: isPgDataError, rowMessage: (error) => this.rowMessage(error) },
    );
    for (const { index, error } of refused) rejected.push({ index: indexOf(index), error });
    return writeResult(rejected);
  }

  /** One transaction of rows over the lane's connection, redone after a transient failure. */
  private async commitRows(lane: number, columns: Column[], rows: Row[]): Promise<void> {
    await withRetry(async () => {
      const client = await this.lanes.get(lane);
      await this.truncation.run((first) =>
        this.inTransaction(client, first, () => this.writeRows(client, columns, rows)),
      );
    }, this.retryOptions(lane));
    if (this.staging) this.staging.rows += rows.length;
    else this.rowsCommitted += rows.length;
  }

  /** The statements of one transaction, by mode. */
  private async writeRows(client: Client, columns: Column[], rows: Row[]): Promise<void> {
    const { mode, table, conflictKey } = this.options;
    if (this.staging) return copyRows(client, this.staging.quoted, columns, rows);
    if (mode !== 'upsert' && mode !== 'replace')
      return copyRows(client, quoteQualifiedName(table), columns, rows);
    await client.query(
      `CREATE TEMP TABLE ${STAGING} ON COMMIT DROP AS ` +
        `SELECT ${columnList(columns)} FROM ${quoteQualifiedName(table)} WITH NO DATA`,
    );
    await copyRows(client, STAGING, columns, rows);
    if (mode === 'upsert') {
      // Only integer keys are compared here: text, numeric or uuid keys may be equal in the
      // database and not in JS ('A' and 'a' as citext, '1.0' and '1' as numeric).
      const indexes = keyIndexes(columns, conflictKey);
      const integers = indexes.every((i) => columns[i].type === 'int' || columns[i].type === 'bigint');
      const repeated = !integers || hasRepeatedKeys(rows, indexes);
      await client.query(upsertSql(table, columns, conflictKey, undefined, repeated));
      return;
    }
    await client.query(replaceDeleteSql(table, conflictKey));
    await client.query(replaceInsertSql(table, columns, conflictKey));
  }

  /** A refused row's message; one the staging table refused names the target, which the user knows. */
  private rowMessage(error: unknown): string {
    const message = pgRowErrorMessage(error);
    const table = this.options.table.split('.').at(-1) ?? this.options.table;
    return this.staging ? asTargetMessage(message, this.staging.name, table) : message;
  }

  /** Retries log a warning, and replace the lane's connection unless it survived (a deadlock, a serialization failure). */
  private retryOptions(lane: number): RetryOptions {
    const { retry, logger, signal } = this.options;
    return {
      policy: retry,
      isTransient: isTransientPgError,
      signal,
      onRetry: async (event) => {
        logRetry(logger, `writing to table ${this.where()}`, event);
        if (needsNewPgConnection(event.error)) await this.lanes.discard(lane);
      },
    };
  }

  /** Runs `work` in a transaction, emptying the table first when `truncate` (truncate_insert's first commit). */
  private async inTransaction(client: Client, truncate: boolean, work: () => Promise<void>): Promise<void> {
    try {
      await client.query('BEGIN');
      // In the same transaction as the first rows: if they fail, the table keeps its old rows.
      if (truncate) await client.query(`TRUNCATE ${quoteQualifiedName(this.options.table)}`);
      await work();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`cannot write to table ${this.where()}: ${pgErrorMessage(error)}`, { cause: error });
    }
  }

  /**
   * Merge's staging table, beside the target: a regular table (every lane's connection sees it),
   * unlogged (it is thrown away after the run, so WAL would be wasted), holding the incoming
   * columns with the target's types, NOT NULL and CHECK constraints (so bad rows are refused as
   * they are staged) and no unique constraint (a key may come more than once; the last one wins).
   */
  private async createStaging(client: Client, columns: Column[]): Promise<void> {
    const { table } = this.options;
    await this.dropLeftovers(client);
    const existing = await client.query<{ attname: string }>(
      'SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped',
      [quoteQualifiedName(table)],
    );
    const targetColumns = existing.rows.map((r) => r.attname);
    const missing = columns.find((c) => !targetColumns.includes(c.name));
    if (missing) throw new Error(`column "${missing.name}" is not in table ${this.where()}`);
    const parts = table.split('.');
    const name = stagingTableName(parts[parts.length - 1]);
    const quoted = quoteQualifiedName([...parts.slice(0, -1), name].join('.'));
    const incoming = new Set(columns.map((c) => c.name));
    const changes = [
      ...targetColumns.filter((c) => !incoming.has(c)).map((c) => `DROP COLUMN ${quoteIdent(c)}`),
      `ADD COLUMN ${quoteIdent(STAGING_ORDER_COLUMN)} bigint GENERATED ALWAYS AS IDENTITY`,
    ];
    await this.run(
      client,
      `CREATE UNLOGGED TABLE ${quoted} (LIKE ${quoteQualifiedName(table)} INCLUDING CONSTRAINTS); ` +
        `ALTER TABLE ${quoted} ${changes.join(', ')}`,
      'creating the staging table',
    );
    this.staging = { name, quoted, columns, rows: 0 };
    // Planning the merge now finds what would only fail it at the end: no unique constraint on the key.
    await this.run(client, `EXPLAIN ${this.mergeSql(this.staging)}`, 'planning the merge');
  }

  /** The merge of the staged rows into the table: the last staged row of a key wins. */
  private mergeSql(staging: MergeStaging): string {
    const { table, conflictKey } = this.options;
    const order = quoteIdent(STAGING_ORDER_COLUMN);
    return upsertSql(table, staging.columns, conflictKey, { from: staging.quoted, order });
  }

  /** Drops this table's staging tables that runs killed more than a day ago left behind. */
  private async dropLeftovers(client: Client): Promise<void> {
    const parts = this.options.table.split('.');
    const table = parts[parts.length - 1];
    const found = await client.query<{ nspname: string; relname: string }>(
      `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = COALESCE($1::text, current_schema()) AND c.relkind IN ('r', 'p')
         AND strpos(c.relname, $2) > 0`,
      [parts.length > 1 ? parts[parts.length - 2] : null, STAGING_MARKER],
    );
    for (const { nspname, relname } of found.rows) {
      if (!isLeftoverStaging(relname, table)) continue;
      await this.run(
        client,
        `DROP TABLE IF EXISTS ${quoteIdent(nspname)}.${quoteIdent(relname)}`,
        'dropping a leftover staging table',
      );
      this.options.logger.info(
        `dropped staging table "${relname}", left by a merge run into table ${this.where()} that did not finish`,
      );
    }
  }

  /** How the end of a merge run reaches the staging table, over the connection of `lane`; undefined before it exists. */
  private stagingSteps(lane = this.lanes.anyLane()): StagingSteps | undefined {
    const staging = this.staging;
    if (!staging) return undefined;
    return {
      name: staging.name,
      rows: staging.rows,
      merge: () =>
        withRetry(async () => {
          const client = await this.lanes.get(lane);
          try {
            await client.query('BEGIN');
            await client.query(this.mergeSql(staging));
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw new Error(pgErrorMessage(error), { cause: error });
          }
        }, this.retryOptions(lane)),
      drop: () =>
        withRetry(async () => {
          await (await this.lanes.get(lane)).query(`DROP TABLE IF EXISTS ${staging.quoted}`);
        }, this.retryOptions(lane)),
    };
  }

  private async tableExists(client: Client): Promise<boolean> {
    const result = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      quoteQualifiedName(this.options.table),
    ]);
    return result.rows[0].found;
  }

  /** Creates the table when missing; true when it did (a created table has no generated columns). */
  private async ensureTable(client: Client, columns: Column[]): Promise<boolean> {
    if (await this.tableExists(client)) return false;
    if (!this.options.createTable)
      throw new Error(`table ${this.where()} does not exist (set write.create_table: true to create it)`);
    await this.run(
      client,
      createTableSql(this.options.table, columns, this.options.conflictKey),
      'CREATE TABLE',
    );
    return true;
  }

  /** One statement, its failure named by what ran it (pre_sql, post_sql, CREATE TABLE). */
  private async run(client: Client, sql: string, what: string): Promise<void> {
    try {
      await client.query(sql);
    } catch (error) {
      throw new Error(`${what} failed for table ${this.where()}: ${pgErrorMessage(error)}\n${sql}`, {
        cause: error,
      });
    }
  }

  private where(): string {
    return `"${this.options.table}" in PostgreSQL database "${this.options.connection.database}"`;
  }
}
