import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Output, RejectedRow, WriteResult } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { SerialQueue } from '../shared/serial-queue';
import { writeResult, writeSlices } from '../shared/sql/bisect';
import { keyIndexes, setAsideNullKeys } from '../shared/sql/keys';
import { logRetry, withRetry, type RetryOptions } from '../shared/sql/retry';
import type { ServerWriteOptions } from '../shared/sql/server';
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

export type PostgresWriteMode = 'insert' | 'upsert' | 'replace' | 'truncate_insert';

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
 * staged row per key (rows are staged in order, so the highest ctid is the last): ON CONFLICT
 * refuses to touch one row twice in a statement, and a later row must win as it would row by row.
 */
export function upsertSql(table: string, columns: Column[], key: string[]): string {
  const names = columnList(columns);
  const keys = key.map(quoteIdent).join(', ');
  const updates = columns
    .filter((c) => !key.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return (
    `INSERT INTO ${quoteQualifiedName(table)} (${names}) ` +
    `SELECT DISTINCT ON (${keys}) ${names} FROM ${STAGING} ORDER BY ${keys}, ctid DESC ` +
    `ON CONFLICT (${keys}) ${action}`
  );
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

/**
 * Writes batches into one table over one connection, opened on the first write: COPY for
 * inserts, COPY into a staging table + INSERT … ON CONFLICT for upserts (+ DELETE … USING and
 * INSERT … SELECT for replace), one transaction per
 * `batchSize` rows. Lanes are serialised through a queue: one connection runs one statement at a time.
 */
export class PostgresWriter implements Output {
  private readonly queue = new SerialQueue();
  private client: Client | undefined;
  private preSqlDone = false;
  private tableChecked = false;
  private truncatePending: boolean;
  private rowsCommitted = 0;

  constructor(private readonly options: PostgresWriteOptions) {
    this.truncatePending = options.mode === 'truncate_insert';
  }

  /** Resolves once the batch's rows are committed, with the rows refused for their data. */
  write(batch: Batch): Promise<WriteResult | undefined> {
    return this.queue.run(() => this.writeBatch(batch));
  }

  async close(error?: Error): Promise<string | void> {
    await this.queue.drain();
    try {
      if (!error) await this.finish();
    } finally {
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
    }
    // Each transaction commits on its own: what was committed before a failure stays.
    if (error) {
      const { table, connection } = this.options;
      return `${formatCount(this.rowsCommitted)} rows were committed to table "${table}" in PostgreSQL database "${connection.database}" before the run stopped`;
    }
  }

  /** A successful run's end: an empty source still empties a truncate_insert table, and post_sql runs. */
  private async finish(): Promise<void> {
    const client = await this.session();
    if (this.truncatePending && (await this.tableExists(client)))
      await this.inTransaction(client, async () => undefined);
    for (const sql of this.options.postSql) await this.run(client, sql, 'post_sql');
  }

  /** The connection, opened on first use (and pre_sql run then) or again after one was lost (without pre_sql). */
  private async session(): Promise<Client> {
    if (this.client) return this.client;
    const client = await connectPostgres(this.options.connection);
    if (!this.preSqlDone) {
      try {
        for (const sql of this.options.preSql) await this.run(client, sql, 'pre_sql');
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.preSqlDone = true;
    }
    this.client = client;
    return client;
  }

  /** Drops a connection that broke; the next `session()` opens a new one. */
  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async writeBatch(batch: Batch): Promise<WriteResult | undefined> {
    if (batch.rows.length === 0) return;
    if (!this.tableChecked) {
      await this.ensureTable(await this.session(), batch.columns);
      this.tableChecked = true;
    }
    const { mode, batchSize, conflictKey } = this.options;
    let rows = batch.rows;
    let rejected: RejectedRow[] = [];
    let indexOf = (index: number) => index;
    if (mode === 'upsert' || mode === 'replace') {
      const indexes = keyIndexes(batch.columns, conflictKey);
      if (mode === 'replace') ({ rows, rejected, indexOf } = setAsideNullKeys(rows, indexes, conflictKey));
    }
    // One slice is one transaction: rolled back whole on failure, so it can be redone whole, or
    // split to find the rows the database refuses.
    const refused = await writeSlices(rows, batchSize, (slice) => this.commitRows(batch.columns, slice), {
      isDataError: isPgDataError,
      rowMessage: pgRowErrorMessage,
    });
    for (const { index, error } of refused) rejected.push({ index: indexOf(index), error });
    return writeResult(rejected);
  }

  /** One transaction of rows, redone after a transient failure. */
  private async commitRows(columns: Column[], rows: Row[]): Promise<void> {
    const { mode, table, conflictKey } = this.options;
    await withRetry(async () => {
      const client = await this.session();
      await this.inTransaction(client, async () => {
        if (mode !== 'upsert' && mode !== 'replace')
          return copyRows(client, quoteQualifiedName(table), columns, rows);
        await client.query(
          `CREATE TEMP TABLE ${STAGING} ON COMMIT DROP AS ` +
            `SELECT ${columnList(columns)} FROM ${quoteQualifiedName(table)} WITH NO DATA`,
        );
        await copyRows(client, STAGING, columns, rows);
        if (mode === 'upsert') {
          await client.query(upsertSql(table, columns, conflictKey));
          return;
        }
        await client.query(replaceDeleteSql(table, conflictKey));
        await client.query(replaceInsertSql(table, columns, conflictKey));
      });
    }, this.retryOptions());
    this.rowsCommitted += rows.length;
  }

  /** Retries log a warning, and replace the connection unless it survived (a deadlock, a serialization failure). */
  private retryOptions(): RetryOptions {
    const { retry, logger, signal } = this.options;
    return {
      policy: retry,
      isTransient: isTransientPgError,
      signal,
      onRetry: async (event) => {
        logRetry(logger, `writing to table ${this.where()}`, event);
        if (needsNewPgConnection(event.error)) await this.dropClient();
      },
    };
  }

  /** Runs `work` in a transaction, truncating first when truncate_insert has not yet done so. */
  private async inTransaction(client: Client, work: () => Promise<void>): Promise<void> {
    try {
      await client.query('BEGIN');
      // In the same transaction as the first rows: if they fail, the table keeps its old rows.
      if (this.truncatePending) await client.query(`TRUNCATE ${quoteQualifiedName(this.options.table)}`);
      await work();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`cannot write to table ${this.where()}: ${pgErrorMessage(error)}`, { cause: error });
    }
    this.truncatePending = false;
  }

  private async tableExists(client: Client): Promise<boolean> {
    const result = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      quoteQualifiedName(this.options.table),
    ]);
    return result.rows[0].found;
  }

  private async ensureTable(client: Client, columns: Column[]): Promise<void> {
    if (await this.tableExists(client)) return;
    if (!this.options.createTable)
      throw new Error(`table ${this.where()} does not exist (set write.create_table: true to create it)`);
    await this.run(
      client,
      createTableSql(this.options.table, columns, this.options.conflictKey),
      'CREATE TABLE',
    );
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
