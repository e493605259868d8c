import { createTableStatements, normalizedTypeName, type SchemaAlterDialect } from '../shared/alter-ddl';
import type { SqlConnection } from '../shared/sql/config';
import type { ColumnInfo } from '../shared/sql/introspection';
import { pgColumnType, tableDdl } from './ddl';
import { quoteIdent, quoteQualifiedName } from './identifiers';
import { postgresTarget } from './target';

/** PostgreSQL's other names for the types `pgColumnType` spells. */
const ALIASES: Readonly<Record<string, string>> = {
  int: 'integer',
  int4: 'integer',
  int2: 'smallint',
  int8: 'bigint',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
};

/**
 * A PostgreSQL type in one spelling, as `pgColumnType` writes it: `character varying(50)` →
 * `varchar(50)`, `timestamp(6) with time zone` → `timestamptz(6)`, `integer` / `int4` → `integer`;
 * times without digits have 6, PostgreSQL's default.
 */
export function canonicalPgType(type: string): string {
  let t = normalizedTypeName(type);
  const zoned = / with time zone$/.test(t);
  t = t.replace(/ with(out)? time zone$/, '');
  if (zoned) t = t.replace(/^timestamp\b/, 'timestamptz').replace(/^time\b/, 'timetz');
  t = t
    .replace(/^character varying\b/, 'varchar')
    .replace(/^(character|bpchar)\b/, 'char')
    .replace(/^decimal\b/, 'numeric');
  t = ALIASES[t] ?? t;
  if (/^(timestamptz|timestamp|timetz|time)$/.test(t)) return `${t}(6)`;
  return t === 'char' ? 'char(1)' : t;
}

/** `timestamp` or `timestamptz` (with its zone), else undefined. */
function timestampKind(type: string): 'timestamp' | 'timestamptz' | undefined {
  const match = /^(timestamptz|timestamp)\b/.exec(canonicalPgType(type));
  return match ? (match[1] as 'timestamp' | 'timestamptz') : undefined;
}

/**
 * How existing values become the new type. Between timestamp and timestamptz the wall time is
 * UTC, as every SQL connector writes timestamps, not the session's zone a plain cast would use.
 */
function usingClause(column: ColumnInfo, type: string): string {
  const name = quoteIdent(column.name);
  const from = timestampKind(column.nativeType);
  const to = timestampKind(type);
  if (from !== undefined && to !== undefined && from !== to) return `${name} AT TIME ZONE 'UTC'`;
  return `${name}::${type}`;
}

/** PostgreSQL's schema changes: transactional DDL, so a set of them applies all at once or not at all. */
export const postgresAlterDialect: SchemaAlterDialect = {
  name: 'PostgreSQL',
  transactionalDdl: true,
  enforcesSizes: true,
  caseSensitiveNames: true,
  hasSchemas: true,
  columnType: (column) => pgColumnType(column),
  sameType: (current, type) => canonicalPgType(current.nativeType) === canonicalPgType(type),
  createTable: (schema, table) => createTableStatements(tableDdl({ ...schema, foreignKeys: [] }, { table })),
  addColumn: (table, column, type) =>
    `ALTER TABLE ${quoteQualifiedName(table)} ADD COLUMN ${quoteIdent(column.name)} ${type}`,
  alterColumn(table, current, change) {
    const name = quoteIdent(current.name);
    const actions: string[] = [];
    if (change.type !== undefined)
      actions.push(`ALTER COLUMN ${name} TYPE ${change.type} USING ${usingClause(current, change.type)}`);
    if (change.allowNull) actions.push(`ALTER COLUMN ${name} DROP NOT NULL`);
    return `ALTER TABLE ${quoteQualifiedName(table)} ${actions.join(', ')}`;
  },
  open: (config) => postgresTarget(config.connection as SqlConnection).session(),
};
