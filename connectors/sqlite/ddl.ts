import {
  isFixedLength,
  isUnsigned,
  planDdl,
  portableDefault,
  referentialActions,
  type ColumnInfo,
  type DdlTarget,
  type TableDdl,
  type TableSchema,
} from '../shared/sql/introspection';
import { quoteIdent } from './reader';
import { SQLITE_TYPES } from './types';

/**
 * The declared type for a column described by any database: `SQLITE_TYPES` for its logical
 * type, with what SQLite does not enforce but a later copy out of it can use: a string's
 * length (VARCHAR(n), CHAR(n)), a decimal's precision (`DECIMAL TEXT(p,s)`, still TEXT
 * affinity so no digit is lost), UNSIGNED. Every name reads back as the same logical type.
 */
export function sqliteColumnType(column: ColumnInfo): string {
  const { type, length, precision, scale } = column;
  switch (type) {
    case 'string':
      if (length === undefined || length < 1) return SQLITE_TYPES.string;
      return `${isFixedLength(column.nativeType) ? 'CHAR' : 'VARCHAR'}(${length})`;
    case 'decimal':
      return precision === undefined
        ? SQLITE_TYPES.decimal
        : `${SQLITE_TYPES.decimal}(${precision},${scale ?? 0})`;
    case 'int':
    case 'bigint':
      return isUnsigned(column) ? `${SQLITE_TYPES[type]} UNSIGNED` : SQLITE_TYPES[type];
    default:
      return SQLITE_TYPES[type];
  }
}

const quoteString = (text: string) => `'${text.replaceAll("'", "''")}'`;

function defaultClause(column: ColumnInfo): string {
  const value = portableDefault(column);
  switch (value?.kind) {
    case undefined:
      return '';
    case 'now':
      return ' DEFAULT CURRENT_TIMESTAMP';
    case 'bool':
      return ` DEFAULT ${value.value ? 1 : 0}`;
    case 'number':
      return ` DEFAULT ${value.text}`;
    case 'string':
      return ` DEFAULT ${quoteString(value.value)}`;
  }
}

/** `main.orders` → `"main"."orders"`. */
function quoteName(schema: string | undefined, name: string): string {
  return schema === undefined ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * DDL for a table described by any database (`TableSchema`), created in SQLite as
 * `target.table`. SQLite cannot add a foreign key to an existing table, so foreign keys are
 * declared in CREATE TABLE (`foreignKeys` is empty); it only checks them when a connection turns
 * `PRAGMA foreign_keys` on, so tables still load in any order. An auto-increment integer that is
 * the whole primary key becomes INTEGER, SQLite's rowid alias. Generated columns are left out;
 * defaults are kept when they are plain literals; index names get the target table's name where
 * they lack it, as SQLite wants index names unique per database.
 */
export function tableDdl(schema: TableSchema, target: DdlTarget): TableDdl {
  const plan = planDdl(schema, target, { indexes: true, foreignKeys: false });
  const table = quoteName(plan.targetSchema, plan.targetName);
  const defs = plan.columns.map((column) => {
    const rowid = column.autoIncrement && plan.primaryKey.length === 1 && plan.primaryKey[0] === column.name;
    const integer = column.type === 'int' || column.type === 'bigint';
    let def = `${quoteIdent(column.name)} ${rowid && integer ? 'INTEGER' : sqliteColumnType(column)}`;
    if (!column.nullable) def += ' NOT NULL';
    return def + defaultClause(column);
  });
  const columnList = (names: string[]) => names.map(quoteIdent).join(', ');
  if (plan.primaryKey.length > 0) defs.push(`PRIMARY KEY (${columnList(plan.primaryKey)})`);
  for (const fk of plan.foreignKeys) {
    // REFERENCES takes a bare name: the parent is in the same database file.
    const referenced = plan.referencedTable(fk);
    const parent = referenced.includes('.') ? referenced.slice(referenced.indexOf('.') + 1) : referenced;
    defs.push(
      `CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${columnList(fk.columns)}) ` +
        `REFERENCES ${quoteIdent(parent)} (${columnList(fk.refColumns)})${referentialActions(fk)}`,
    );
  }
  return {
    createTable: `CREATE TABLE ${table} (${defs.join(', ')})`,
    comments: [],
    indexes: plan.indexes.map(
      (index) =>
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteName(plan.targetSchema, index.name)} ` +
        `ON ${quoteIdent(plan.targetName)} (${columnList(index.columns)})`,
    ),
    foreignKeys: [],
    afterLoad: [],
  };
}
