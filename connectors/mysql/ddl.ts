import { escape } from 'mysql2';
import {
  isFixedLength,
  planDdl,
  portableDefault,
  referentialActions,
  type ColumnInfo,
  type DdlTarget,
  type TableDdl,
  type TableSchema,
} from '../shared/sql/introspection';
import { quoteIdent, quoteTableName } from './identifiers';
import { columnTypeFor, MYSQL_TYPES } from './types';

/** Characters of a utf8mb4 VARCHAR: 4 bytes each within 65,535. */
const MAX_VARCHAR = 16_383;
const MAX_VARBINARY = 65_535;
/** CHAR and BINARY take at most 255. */
const MAX_FIXED = 255;
/**
 * InnoDB refuses a row whose VARCHAR / CHAR / VARBINARY columns could add up to more than
 * 65,535 bytes; the rest of the row needs some of it.
 */
const ROW_BUDGET = 60_000;
/** Index and constraint names are cut at 64 characters. */
const MAX_NAME = 64;

/**
 * The MySQL type for a column described by any database: `columnTypeFor` (the writer's map:
 * key columns VARCHAR(255) / VARBINARY(255), unsigned integers kept unsigned), refined where
 * the source told more: VARCHAR(n) / CHAR(n) / VARBINARY(n) / BINARY(n) keep their length when
 * MySQL can hold it, DECIMAL its precision, TIME and DATETIME their fractional digits.
 */
export function mysqlColumnType(column: ColumnInfo, isKey: boolean): string {
  const { type, length, precision, scale } = column;
  switch (type) {
    case 'string':
    case 'bytes': {
      const text = type === 'string';
      if (length === undefined || length < 1) return columnTypeFor(column, isKey);
      if (isFixedLength(column.nativeType) && length <= MAX_FIXED)
        return `${text ? 'CHAR' : 'BINARY'}(${length})`;
      if (length <= (text ? MAX_VARCHAR : MAX_VARBINARY))
        return `${text ? 'VARCHAR' : 'VARBINARY'}(${length})`;
      return isKey ? columnTypeFor(column, true) : text ? 'LONGTEXT' : MYSQL_TYPES.bytes;
    }
    case 'decimal':
      return precision !== undefined &&
        precision >= 1 &&
        precision <= 65 &&
        (scale ?? 0) <= Math.min(30, precision)
        ? `DECIMAL(${precision},${scale ?? 0})`
        : MYSQL_TYPES.decimal;
    case 'time':
      return precision !== undefined && precision <= 6 ? `TIME(${precision})` : MYSQL_TYPES.time;
    case 'timestamp':
    case 'timestamptz':
      return precision !== undefined && precision <= 6 ? `DATETIME(${precision})` : MYSQL_TYPES[type];
    default:
      return columnTypeFor(column, isKey);
  }
}

/** Bytes a type takes of InnoDB's row limit (LOBs and numbers count little: left out). */
function rowBytes(type: string): number {
  const match = /^(VARCHAR|CHAR|VARBINARY|BINARY)\((\d+)\)$/.exec(type);
  if (!match) return 0;
  const n = Number(match[2]);
  return match[1].endsWith('CHAR') ? n * 4 + 2 : n + 2;
}

/**
 * Types for every column, within InnoDB's row limit: when the sized strings add up to more,
 * the largest non-key ones become TEXT / BLOB (stored off the row).
 */
function columnTypes(columns: ColumnInfo[], keyColumns: Set<string>): string[] {
  const types = columns.map((c) => mysqlColumnType(c, keyColumns.has(c.name)));
  let total = types.reduce((sum, t) => sum + rowBytes(t), 0);
  const largest = types
    .map((t, i) => i)
    .filter((i) => !keyColumns.has(columns[i].name) && rowBytes(types[i]) > 0)
    .sort((a, b) => rowBytes(types[b]) - rowBytes(types[a]));
  for (const i of largest) {
    if (total <= ROW_BUDGET) break;
    total -= rowBytes(types[i]);
    types[i] = /CHAR/.test(types[i]) ? 'TEXT' : 'BLOB';
  }
  return types;
}

function defaultClause(column: ColumnInfo, type: string): string {
  // MySQL takes no literal default for TEXT, BLOB and JSON (MariaDB does).
  if (/TEXT|BLOB|JSON/.test(type)) return '';
  const value = portableDefault(column);
  switch (value?.kind) {
    case undefined:
      return '';
    case 'now': {
      // The function's precision must be the column's.
      const digits = /\((\d+)\)/.exec(type)?.[1];
      return ` DEFAULT CURRENT_TIMESTAMP${digits && digits !== '0' ? `(${digits})` : ''}`;
    }
    case 'bool':
      return ` DEFAULT ${value.value ? 1 : 0}`;
    case 'number':
      return ` DEFAULT ${value.text}`;
    case 'string':
      return ` DEFAULT ${escape(value.value)}`;
  }
}

/**
 * DDL for a table described by any database (`TableSchema`), created in MySQL / MariaDB as
 * `target.table` (InnoDB, utf8mb4, as the writer creates tables). An auto-increment integer
 * that leads the primary key stays AUTO_INCREMENT (MySQL moves the counter past loaded values
 * itself); generated columns are left out; defaults are kept when they are plain literals;
 * foreign key names get the target table's name where they lack it, as InnoDB wants them
 * unique per database.
 */
export function tableDdl(schema: TableSchema, target: DdlTarget): TableDdl {
  const plan = planDdl(schema, target, { indexes: false, foreignKeys: true });
  const table = quoteTableName(target.table);
  const types = columnTypes(plan.columns, plan.keyColumns);
  // MySQL allows one, and only as the first column of a key present in CREATE TABLE.
  const autoIncrement = plan.columns.find(
    (c, i) => c.autoIncrement && c.name === plan.primaryKey[0] && /INT\b/.test(types[i]),
  );
  const defs = plan.columns.map((column, i) => {
    let def = `${quoteIdent(column.name)} ${types[i]}`;
    if (!column.nullable) def += ' NOT NULL';
    def += column === autoIncrement ? ' AUTO_INCREMENT' : defaultClause(column, types[i]);
    if (column.comment) def += ` COMMENT ${escape(column.comment)}`;
    return def;
  });
  if (plan.primaryKey.length > 0) defs.push(`PRIMARY KEY (${plan.primaryKey.map(quoteIdent).join(', ')})`);
  const comment = schema.table.comment ? ` COMMENT=${escape(schema.table.comment)}` : '';
  const columnList = (names: string[]) => names.map(quoteIdent).join(', ');
  const name = (text: string) => quoteIdent(text.slice(0, MAX_NAME));
  return {
    createTable: `CREATE TABLE ${table} (${defs.join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${comment}`,
    comments: [],
    indexes: plan.indexes.map(
      (index) =>
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${name(index.name)} ON ${table} (${columnList(index.columns)})`,
    ),
    foreignKeys: plan.foreignKeys.map(
      (fk) =>
        `ALTER TABLE ${table} ADD CONSTRAINT ${name(fk.name)} FOREIGN KEY (${columnList(fk.columns)}) ` +
        `REFERENCES ${quoteTableName(plan.referencedTable(fk))} (${columnList(fk.refColumns)})${referentialActions(fk)}`,
    ),
    afterLoad: [],
  };
}
