import { escape } from 'mysql2';
import { createTableStatements, normalizedTypeName, type SchemaAlterDialect } from '../shared/alter-ddl';
import type { SqlConnection } from '../shared/sql/config';
import type { ColumnInfo } from '../shared/sql/introspection';
import { mysqlColumnType, tableDdl } from './ddl';
import { quoteIdent, quoteTableName } from './identifiers';
import { withoutDisplayWidth } from './introspect';
import { mysqlTarget } from './target';

/** MySQL's other names for the types `mysqlColumnType` spells. */
const ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  bool: 'tinyint(1)',
  boolean: 'tinyint(1)',
  'double precision': 'double',
  real: 'double',
  datetime: 'datetime(0)',
  time: 'time(0)',
};

/** A MySQL type in one spelling: lower case, integers without display width, `numeric` as `decimal`. */
export function canonicalMysqlType(type: string): string {
  const t = normalizedTypeName(withoutDisplayWidth(type.trim())).replace(/^(numeric|dec)\b/, 'decimal');
  return ALIASES[t] ?? t;
}

/** A default as MODIFY COLUMN restates it: literals and CURRENT_TIMESTAMP as shown, other expressions in parentheses. */
function defaultClause(text: string): string {
  const literal =
    /^'([^']|'')*'$/s.test(text) ||
    /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ||
    /^(null|true|false)$/i.test(text) ||
    /^current_timestamp(\(\d*\))?$/i.test(text);
  return ` DEFAULT ${literal ? text : `(${text})`}`;
}

/**
 * The column restated for MODIFY COLUMN, which replaces its whole definition: NULL / NOT NULL,
 * AUTO_INCREMENT or the default, and the comment are carried over from the current column.
 */
function columnDefinition(current: ColumnInfo, type: string, nullable: boolean): string {
  let def = `${quoteIdent(current.name)} ${type}${nullable ? ' NULL' : ' NOT NULL'}`;
  if (current.autoIncrement) def += ' AUTO_INCREMENT';
  else if (current.default !== undefined) def += defaultClause(current.default);
  if (current.comment) def += ` COMMENT ${escape(current.comment)}`;
  return def;
}

/** MySQL / MariaDB's schema changes: each DDL statement commits on its own (no transaction holds them). */
export const mysqlAlterDialect: SchemaAlterDialect = {
  name: 'MySQL',
  transactionalDdl: false,
  enforcesSizes: true,
  caseSensitiveNames: false,
  hasSchemas: true,
  columnType: (column, isKey) => mysqlColumnType(column, isKey),
  sameType: (current, type) => canonicalMysqlType(current.nativeType) === canonicalMysqlType(type),
  createTable: (schema, table) => createTableStatements(tableDdl({ ...schema, foreignKeys: [] }, { table })),
  addColumn: (table, column, type) =>
    `ALTER TABLE ${quoteTableName(table)} ADD COLUMN ${quoteIdent(column.name)} ${type}`,
  alterColumn: (table, current, change) =>
    `ALTER TABLE ${quoteTableName(table)} MODIFY COLUMN ` +
    columnDefinition(
      current,
      change.type ?? current.nativeType,
      current.nullable || change.allowNull === true,
    ),
  open: (config) => mysqlTarget(config.connection as SqlConnection).session(),
};
