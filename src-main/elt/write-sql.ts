import type { Column } from '../engine/batch';
import {
  createTableSql as createPostgresTable,
  onConflictSql as postgresOnConflict,
} from '../../connectors/postgresql/writer';
import { createTableSql as createMysqlTable, insertSqlParts } from '../../connectors/mysql/writer';
import {
  createTableSql as createSqliteTable,
  onConflictSql as sqliteOnConflict,
} from '../../connectors/sqlite/writer';
import { columnListSql, insertSelectSql, quoteTable, selectSql, type EltSelect } from './generate';
import { quoteColumn, type EltDialect } from './render-expression';

/*
 * How an ELT run writes its SELECT into a target table, per write mode, as the engine's writers
 * would: the statements run in order in one transaction, so the table changes all at once.
 */

/** The write modes ELT mode renders; a keyed one writes the last row of each key only. */
export const ELT_WRITE_MODES = ['insert', 'upsert', 'merge', 'replace', 'truncate_insert'] as const;
export type EltWriteMode = (typeof ELT_WRITE_MODES)[number];

/** Where a SELECT's rows go. */
export interface EltWrite {
  table: string;
  mode: EltWriteMode;
  /** `conflict.key`: identifies a row for the keyed modes, and is a created table's primary key. */
  key: string[];
}

/** One statement of a write; `writes` marks the one whose changed rows are the rows written. */
export interface EltStatement {
  sql: string;
  writes?: true;
}

/** `SELECT * FROM (select) AS alias`: a SELECT an INSERT can end with a clause after. */
function wrapped(select: EltSelect, staging: string, dialect: EltDialect): string {
  return `SELECT * FROM (${selectSql(select, staging, dialect)}) AS ${quoteColumn(dialect, 'fustgo_rows')}`;
}

/** The SELECT's columns as the writers' statement builders take them (they read only the names). */
const namesOnly = (select: EltSelect): Column[] =>
  select.columns.map(({ name }) => ({ name, type: 'string' }));

/** INSERT … SELECT that updates the row of a key already there (upsert and merge). */
function upsertSql(select: EltSelect, write: EltWrite, staging: string, dialect: EltDialect): string {
  const head = `INSERT INTO ${quoteTable(dialect, write.table)} (${columnListSql(select, dialect)})`;
  if (dialect === 'postgresql')
    return `${head} ${selectSql(select, staging, dialect)} ${postgresOnConflict(select.columns, write.key)}`;
  if (dialect === 'mysql')
    return `${head} ${wrapped(select, staging, dialect)}${insertSqlParts(write.table, namesOnly(select), 'upsert', write.key).tail}`;
  // `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert clause, not a join's ON.
  return `${head} ${wrapped(select, staging, dialect)} WHERE true ${sqliteOnConflict(select.columns, write.key)}`;
}

/** Deletes the target's rows whose key is among the SELECT's (replace's first half); a NULL key matches none. */
function deleteKeysSql(select: EltSelect, write: EltWrite, staging: string, dialect: EltDialect): string {
  const keys = write.key.map((k) => quoteColumn(dialect, k));
  const tuple = keys.length === 1 ? keys[0] : `(${keys.join(', ')})`;
  const rows = quoteColumn(dialect, 'fustgo_rows');
  return (
    `DELETE FROM ${quoteTable(dialect, write.table)} WHERE ${tuple} IN ` +
    `(SELECT ${keys.map((k) => `${rows}.${k}`).join(', ')} FROM (${selectSql(select, staging, dialect)}) AS ${rows})`
  );
}

/**
 * The statements writing `select` (built with `lastPerKey` for a keyed mode) into the target.
 * merge is upsert here: in one transaction the table changes all at once, as merge promises.
 */
export function writeStatements(
  select: EltSelect,
  write: EltWrite,
  staging: string,
  dialect: EltDialect,
): EltStatement[] {
  const insert = { sql: insertSelectSql(select, write.table, staging, dialect), writes: true } as const;
  switch (write.mode) {
    case 'insert':
      return [insert];
    case 'truncate_insert':
      // DELETE, not TRUNCATE: MySQL's TRUNCATE commits, and the table must change all at once.
      return [{ sql: `DELETE FROM ${quoteTable(dialect, write.table)}` }, insert];
    case 'replace':
      return [{ sql: deleteKeysSql(select, write, staging, dialect) }, insert];
    case 'upsert':
    case 'merge':
      return [{ sql: upsertSql(select, write, staging, dialect), writes: true }];
  }
}

/** CREATE TABLE for a missing target, as the dialect's writer creates it from the same columns. */
export function createTargetSql(write: EltWrite, columns: Column[], dialect: EltDialect): string {
  const create =
    dialect === 'postgresql'
      ? createPostgresTable
      : dialect === 'mysql'
        ? createMysqlTable
        : createSqliteTable;
  return create(write.table, columns, write.key);
}
