import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Output, WriteResult } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { writeResult, writeSlices } from '../shared/sql/bisect';
import { quoteIdent } from './reader';
import { SQLITE_TYPES, toSqliteValue } from './types';

/** Everything the SQLite writer needs, resolved from the config. */
export interface SqliteWriteOptions {
  path: string;
  table: string;
  mode: 'insert' | 'upsert';
  batchSize: number;
  createTable: boolean;
  conflictKey: string[];
}

/** CREATE TABLE for batch columns, types from `SQLITE_TYPES`, PRIMARY KEY from the conflict key. */
export function createTableSql(table: string, columns: Column[], key: string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${SQLITE_TYPES[c.type]}`);
  if (key.length > 0) defs.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(table)} (${defs.join(', ')})`;
}

/** INSERT, or INSERT … ON CONFLICT(key) DO UPDATE SET every other column for upsert. */
export function insertSql(
  table: string,
  columns: Column[],
  mode: 'insert' | 'upsert',
  key: string[],
): string {
  const names = columns.map((c) => quoteIdent(c.name));
  let sql = `INSERT INTO ${quoteIdent(table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  if (mode === 'upsert') {
    const updates = columns
      .filter((c) => !key.includes(c.name))
      .map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`);
    const target = `ON CONFLICT (${key.map(quoteIdent).join(', ')})`;
    sql += updates.length > 0 ? ` ${target} DO UPDATE SET ${updates.join(', ')}` : ` ${target} DO NOTHING`;
  }
  return sql;
}

/**
 * True for a failure caused by the rows' values, so the rows to blame can be found and the rest
 * written: a constraint (NOT NULL, UNIQUE/PRIMARY KEY, CHECK, FOREIGN KEY, a STRICT table's type,
 * a trigger's RAISE), a type mismatch, a value too big; and better-sqlite3's refusal to bind a
 * bigint past 64 bits. Anything else (no such table, read-only, disk full) is not.
 */
export function isSqliteDataError(error: unknown): boolean {
  if (error instanceof RangeError) return /too big/.test(error.message);
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
  );
}

function sqliteRowErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes batches into one table: WAL mode, one transaction per `batchSize` rows with a prepared
 * statement. better-sqlite3 runs each transaction synchronously, so concurrent lanes never
 * interleave inside one.
 */
export class SqliteWriter implements Output {
  private readonly db: Database.Database;
  private statement: { columns: Column[]; run: (rows: Row[]) => void } | undefined;
  private checkedTable = false;
  private rowsCommitted = 0;

  constructor(private readonly options: SqliteWriteOptions) {
    mkdirSync(path.dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
  }

  /** Writes the batch, one transaction per `batchSize` rows; resolves with the rows refused for their data. */
  async write(batch: Batch): Promise<WriteResult | undefined> {
    if (batch.rows.length === 0) return;
    const run = this.prepare(batch.columns);
    const rejected = await writeSlices(
      batch.rows,
      this.options.batchSize,
      async (rows) => {
        run(rows);
        this.rowsCommitted += rows.length;
      },
      { isDataError: isSqliteDataError, rowMessage: sqliteRowErrorMessage },
    );
    return writeResult(rejected);
  }

  async close(error?: Error): Promise<string | void> {
    if (this.db.open) this.db.close();
    // Each transaction commits on its own: what was committed before a failure stays.
    if (error) {
      return `${formatCount(this.rowsCommitted)} rows were committed to table "${this.options.table}" in ${this.options.path} before the run stopped`;
    }
  }

  private prepare(columns: Column[]): (rows: Row[]) => void {
    if (this.statement?.columns === columns) return this.statement.run;
    const { table, mode, conflictKey } = this.options;
    if (!this.checkedTable) {
      const exists = this.db
        .prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?')
        .get('table', table);
      if (!exists) {
        if (!this.options.createTable)
          throw new Error(`table "${table}" does not exist (set write.create_table: true to create it)`);
        this.db.exec(createTableSql(table, columns, conflictKey));
      }
      this.checkedTable = true;
    }
    let insert: Database.Statement;
    try {
      insert = this.db.prepare(insertSql(table, columns, mode, conflictKey));
    } catch (err) {
      throw new Error(`cannot write to table "${table}": ${(err as Error).message}`);
    }
    const run = this.db.transaction((rows: Row[]) => {
      for (const row of rows) insert.run(row.map(toSqliteValue));
    });
    this.statement = { columns, run };
    return run;
  }
}
