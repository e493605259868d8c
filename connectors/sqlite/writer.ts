import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Logger, Output, WriteResult } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { writeResult, writeSlices } from '../shared/sql/bisect';
import { keyIndexes } from '../shared/sql/keys';
import {
  asTargetMessage,
  discardStaged,
  isLeftoverStaging,
  mergeStaged,
  STAGING_MARKER,
  stagingTableName,
  type StagingSteps,
} from '../shared/sql/merge';
import { columnsWithout, leftOutColumns, leftOutNote, withoutColumns } from '../shared/sql/skip-columns';
import { quoteIdent } from './reader';
import { SQLITE_TYPES, toSqliteValue } from './types';

export type SqliteWriteMode = 'insert' | 'upsert' | 'merge';

/** Everything the SQLite writer needs, resolved from the config. */
export interface SqliteWriteOptions {
  path: string;
  table: string;
  mode: SqliteWriteMode;
  batchSize: number;
  createTable: boolean;
  conflictKey: string[];
  logger: Logger;
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
  const sql = `INSERT INTO ${quoteIdent(table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  return mode === 'upsert' ? `${sql} ${onConflictSql(columns, key)}` : sql;
}

/** ON CONFLICT(key) DO UPDATE SET every other column (DO NOTHING when there is none). */
export function onConflictSql(columns: Pick<Column, 'name'>[], key: string[]): string {
  const updates = columns
    .filter((c) => !key.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`);
  const target = `ON CONFLICT (${key.map(quoteIdent).join(', ')})`;
  return updates.length > 0 ? `${target} DO UPDATE SET ${updates.join(', ')}` : `${target} DO NOTHING`;
}

/**
 * Moves merge's staged rows into the table in the order they were staged (rowid), each upserted,
 * so the last staged row of a key wins. `WHERE true` tells SQLite's parser that ON CONFLICT is the
 * upsert clause, not a join's ON.
 */
export function mergeSql(table: string, staging: string, columns: Column[], key: string[]): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  return (
    `INSERT INTO ${quoteIdent(table)} (${names}) SELECT ${names} FROM ${quoteIdent(staging)} ` +
    `WHERE true ORDER BY rowid ${onConflictSql(columns, key)}`
  );
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

/** Merge's staging table: its name, and what went into it. */
interface MergeStaging {
  name: string;
  /** The merge, prepared with the staging table (which finds a key without a unique constraint before any row is staged). */
  merge: Database.Statement;
  rows: number;
}

/**
 * Writes batches into one table: WAL mode, one transaction per `batchSize` rows with a prepared
 * statement; for merge into a staging table, merged into the table in one transaction at the end.
 * better-sqlite3 runs each transaction synchronously, so concurrent lanes never interleave inside one.
 */
export class SqliteWriter implements Output {
  private readonly db: Database.Database;
  private statement: { columns: Column[]; run: (rows: Row[]) => void } | undefined;
  private checkedTable = false;
  /** The table's generated columns, in lower case: SQLite computes them, so batches are written without them. */
  private generated: string[] = [];
  private staging: MergeStaging | undefined;
  private rowsCommitted = 0;

  constructor(private readonly options: SqliteWriteOptions) {
    mkdirSync(path.dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
  }

  /** Writes the batch, one transaction per `batchSize` rows; resolves with the rows refused for their data. */
  async write(incoming: Batch): Promise<WriteResult | undefined> {
    if (incoming.rows.length === 0) return;
    if (!this.checkedTable) this.checkTable(incoming.columns);
    // The same rows in the same order: an index into them is one into the incoming batch.
    const batch = withoutColumns(incoming, this.generated, true);
    const run = this.prepare(batch.columns);
    const rejected = await writeSlices(
      batch.rows,
      this.options.batchSize,
      async (rows) => {
        run(rows);
        if (this.staging) this.staging.rows += rows.length;
        else this.rowsCommitted += rows.length;
      },
      { isDataError: isSqliteDataError, rowMessage: (error) => this.rowMessage(error) },
    );
    return writeResult(rejected);
  }

  async close(error?: Error): Promise<string | void> {
    try {
      const steps = this.db.open ? this.stagingSteps() : undefined;
      if (!error) return steps && (await mergeStaged(steps, this.where()));
      if (this.options.mode === 'merge') return await discardStaged(steps, this.where());
    } finally {
      if (this.db.open) this.db.close();
    }
    // Each transaction commits on its own: what was committed before a failure stays.
    return `${formatCount(this.rowsCommitted)} rows were committed to table ${this.where()} before the run stopped`;
  }

  private where(): string {
    return `"${this.options.table}" in ${this.options.path}`;
  }

  /** A refused row's message; one the staging table refused names the target, which the user knows. */
  private rowMessage(error: unknown): string {
    const message = sqliteRowErrorMessage(error);
    return this.staging ? asTargetMessage(message, this.staging.name, this.options.table) : message;
  }

  /**
   * Merge's staging table, in the same file: the incoming columns with the target's declared
   * types (so the same affinity applies), NOT NULL and strictness, so bad rows are refused as they
   * are staged; no unique key, so a key may come more than once (the last one wins).
   */
  private createStaging(columns: Column[]): void {
    const { table, conflictKey } = this.options;
    keyIndexes(columns, conflictKey);
    this.dropLeftovers();
    const described = this.db
      .prepare('SELECT name, type, "notnull" AS required FROM pragma_table_xinfo(?)')
      .all(table) as { name: string; type: string; required: number }[];
    // Column names are case-insensitive in SQLite.
    const byName = new Map(described.map((c) => [c.name.toLowerCase(), c]));
    const defs = columns.map((c) => {
      const found = byName.get(c.name.toLowerCase());
      if (!found) throw new Error(`column "${c.name}" is not in table ${this.where()}`);
      return `${quoteIdent(c.name)}${found.type ? ` ${found.type}` : ''}${found.required ? ' NOT NULL' : ''}`;
    });
    const strict = this.db.prepare('SELECT strict FROM pragma_table_list(?)').pluck().get(table) === 1;
    const name = stagingTableName(table);
    this.db.exec(`CREATE TABLE ${quoteIdent(name)} (${defs.join(', ')})${strict ? ' STRICT' : ''}`);
    try {
      this.staging = { name, merge: this.db.prepare(mergeSql(table, name, columns, conflictKey)), rows: 0 };
    } catch (error) {
      this.db.exec(`DROP TABLE ${quoteIdent(name)}`);
      throw new Error(`cannot merge into table ${this.where()}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Drops this table's staging tables that runs killed more than a day ago left behind. */
  private dropLeftovers(): void {
    const names = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND instr(name, ?) > 0")
      .pluck()
      .all(STAGING_MARKER) as string[];
    for (const name of names)
      if (isLeftoverStaging(name, this.options.table, new Date(), true))
        this.db.exec(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
  }

  /** How the end of a merge run reaches the staging table; undefined before it exists. */
  private stagingSteps(): StagingSteps | undefined {
    const staging = this.staging;
    if (!staging) return undefined;
    return {
      name: staging.name,
      rows: staging.rows,
      merge: async () => {
        this.db.transaction(() => staging.merge.run())();
      },
      drop: async () => {
        this.db.exec(`DROP TABLE IF EXISTS ${quoteIdent(staging.name)}`);
      },
    };
  }

  /**
   * Once, before the first rows: the table (created when missing, from `columns`; an existing
   * one's generated columns looked up, hidden 2 or 3 in table_xinfo), merge's staging table.
   */
  private checkTable(columns: Column[]): void {
    const { table, mode, conflictKey } = this.options;
    const exists = this.db
      .prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?')
      .get('table', table);
    if (!exists) {
      if (!this.options.createTable)
        throw new Error(`table "${table}" does not exist (set write.create_table: true to create it)`);
      this.db.exec(createTableSql(table, columns, conflictKey));
    } else {
      const names = this.db
        .prepare('SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)')
        .pluck()
        .all(table) as string[];
      this.generated = names.map((n) => n.toLowerCase());
      const left = leftOutColumns(columns, this.generated, true);
      if (left.length > 0) this.options.logger.info(leftOutNote(left, this.where()));
    }
    if (mode === 'merge') this.createStaging(columnsWithout(columns, this.generated, true));
    this.checkedTable = true;
  }

  private prepare(columns: Column[]): (rows: Row[]) => void {
    if (this.statement?.columns === columns) return this.statement.run;
    const { table, mode, conflictKey } = this.options;
    let insert: Database.Statement;
    try {
      const into = this.staging?.name ?? table;
      insert = this.db.prepare(insertSql(into, columns, mode === 'merge' ? 'insert' : mode, conflictKey));
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
