import type { Client, QueryResultRow } from 'pg';
import { SerialQueue } from '../shared/serial-queue';
import type { SqlConnection } from '../shared/sql/config';
import {
  sizeOf,
  type ColumnInfo,
  type ForeignKeyInfo,
  type IndexInfo,
  type Introspector,
  type TableInfo,
  type TableMarkers,
  type TableSchema,
} from '../shared/sql/introspection';
import { connectPostgres, describeTarget, isTransientPgError, pgErrorMessage } from './connection';
import { quoteQualifiedName } from './identifiers';
import { logicalFromPg } from './types';

/** pg_class.relkind → kind: tables, partitioned and foreign tables; views and materialized views. */
const KINDS: Partial<Record<string, TableInfo['kind']>> = {
  r: 'table',
  p: 'table',
  f: 'table',
  v: 'view',
  m: 'view',
};

/** pg_constraint.confdeltype / confupdtype; `a` (NO ACTION) is the default, left out. */
const ACTIONS: Partial<Record<string, string>> = {
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

const USER_SCHEMA = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;

const TABLES_SQL = `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.reltuples AS rows,
    obj_description(c.oid, 'pg_class') AS comment, c.oid
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND NOT c.relispartition`;

/** Columns of the relations `$1` (an oid array); a domain's logical type is its base type's. */
const COLUMNS_SQL = `SELECT a.attrelid AS relid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS native_type,
    CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS type_name,
    NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default_expr,
    a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated,
    col_description(a.attrelid, a.attnum) AS comment, a.atttypmod AS typmod
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attrelid, a.attnum`;

/** Key columns of each index (INCLUDE columns left out); expression and partial indexes marked. */
const INDEXES_SQL = `SELECT x.indrelid AS relid, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
    x.indexprs IS NULL AND x.indpred IS NULL AS plain,
    to_json(array(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
      WHERE k.ord <= x.indnkeyatts ORDER BY k.ord)) AS columns
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
  WHERE x.indrelid = ANY($1::oid[])
  ORDER BY x.indrelid, i.relname`;

const FOREIGN_KEYS_SQL = `SELECT c.conrelid AS relid, c.conname AS name,
    to_json(array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)) AS columns,
    rn.nspname AS ref_schema, rc.relname AS ref_table,
    to_json(array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)) AS ref_columns,
    c.confdeltype AS on_delete, c.confupdtype AS on_update
  FROM pg_constraint c JOIN pg_class rc ON rc.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE c.conrelid = ANY($1::oid[]) AND c.contype = 'f'
  ORDER BY c.conrelid, c.conname`;

/**
 * A hash per relation of a schema over what a scan reads of it (columns with types, nullability,
 * defaults and comments; the table's comment, indexes and foreign keys), computed in the server:
 * equal hashes, nothing to read again. PostgreSQL keeps no time of a table's last DDL.
 */
const SIGNATURES_SQL = `SELECT c.relname AS name, md5(concat_ws('|', c.relkind,
    quote_nullable(obj_description(c.oid, 'pg_class')),
    (SELECT string_agg(concat_ws(':', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
        a.attnotnull, a.attidentity, a.attgenerated, quote_nullable(pg_get_expr(d.adbin, d.adrelid)),
        quote_nullable(ds.description)), ',' ORDER BY a.attnum)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass
          AND ds.objsubid = a.attnum
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
    (SELECT string_agg(pg_get_indexdef(x.indexrelid), ',' ORDER BY x.indexrelid)
      FROM pg_index x WHERE x.indrelid = c.oid),
    (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), ',' ORDER BY k.conname)
      FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('f', 'p', 'u')))) AS signature
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND NOT c.relispartition AND n.nspname = $1`;

interface TableRow {
  schema: string;
  name: string;
  kind: string;
  rows: number;
  comment: string | null;
  oid: string;
}

/** Rows of the catalog-wide queries say which relation they belong to. */
interface OfRelation {
  relid: string | number;
}

interface ColumnRow extends OfRelation {
  name: string;
  native_type: string;
  type_name: string;
  nullable: boolean;
  default_expr: string | null;
  identity: boolean;
  generated: boolean;
  comment: string | null;
  typmod: number;
}

interface IndexRow extends OfRelation {
  name: string;
  primary: boolean;
  unique: boolean;
  plain: boolean;
  columns: string[];
}

interface ForeignKeyRow extends OfRelation {
  name: string;
  columns: string[];
  ref_schema: string;
  ref_table: string;
  ref_columns: string[];
  on_delete: string;
  on_update: string;
}

const TEMPORAL = new Set(['time', 'timestamp', 'timestamptz']);

/** Rows by the relation they belong to. */
function byRelation<R extends OfRelation>(rows: R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const key = String(row.relid);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

function tableInfo(row: TableRow): TableInfo {
  const kind = KINDS[row.kind] ?? 'table';
  return {
    schema: row.schema,
    name: row.name,
    kind,
    // -1: never analyzed or vacuumed (PostgreSQL 14+); a view has no rows of its own.
    ...(kind === 'table' && row.rows >= 0 ? { rowEstimate: Math.round(row.rows) } : {}),
    ...(row.comment ? { comment: row.comment } : {}),
  };
}

function columnInfo(row: ColumnRow): ColumnInfo {
  const type = logicalFromPg(row.type_name);
  const size = sizeOf(type, row.native_type);
  // Without a typmod, times and timestamps keep microseconds.
  if (TEMPORAL.has(type) && size.precision === undefined) size.precision = 6;
  const serial = row.default_expr !== null && /^nextval\(/i.test(row.default_expr);
  return {
    name: row.name,
    nativeType: row.native_type,
    type,
    nullable: row.nullable,
    // A generated column's "default" is its expression.
    ...(row.default_expr !== null && !row.generated ? { default: row.default_expr } : {}),
    ...(row.comment ? { comment: row.comment } : {}),
    generated: row.generated,
    autoIncrement: row.identity || serial,
    ...size,
  };
}

function foreignKeyInfo(row: ForeignKeyRow): ForeignKeyInfo {
  const onDelete = ACTIONS[row.on_delete];
  const onUpdate = ACTIONS[row.on_update];
  return {
    name: row.name,
    columns: row.columns,
    refSchema: row.ref_schema,
    refTable: row.ref_table,
    refColumns: row.ref_columns,
    ...(onDelete ? { onDelete } : {}),
    ...(onUpdate ? { onUpdate } : {}),
  };
}

/**
 * PostgreSQL's catalog, read from pg_catalog (information_schema hides what the user may not
 * use, and is slower). "Databases" are the schemas of the connection's database. Four queries
 * describe a table, however many columns it has, and four a whole schema (`describeTables`).
 */
export class PostgresIntrospector implements Introspector {
  readonly databaseTerm = 'schemas';
  private client: Promise<Client> | undefined;
  /** Callers may describe tables concurrently; one client runs one query at a time. */
  private readonly queue = new SerialQueue();

  constructor(private readonly connection: SqlConnection) {}

  async listDatabases(): Promise<string[]> {
    const rows = await this.query<{ nspname: string }>(
      `SELECT n.nspname FROM pg_namespace n WHERE ${USER_SCHEMA} ORDER BY 1`,
    );
    return rows.map((r) => r.nspname);
  }

  async listTables(schema?: string): Promise<TableInfo[]> {
    const where = schema === undefined ? USER_SCHEMA : 'n.nspname = $1';
    const rows = await this.query<TableRow>(
      `${TABLES_SQL} AND ${where} ORDER BY 1, 2`,
      schema === undefined ? [] : [schema],
    );
    return rows.map(tableInfo);
  }

  async describeTable(name: string): Promise<TableSchema> {
    // to_regclass resolves an unqualified name through the search path, as a query would.
    const [found] = await this.query<TableRow>(`${TABLES_SQL} AND c.oid = to_regclass($1)`, [
      quoteQualifiedName(name),
    ]);
    if (!found)
      throw new Error(`table "${name}" not found in PostgreSQL at ${describeTarget(this.connection)}`);
    const [schema] = await this.describeRows([found]);
    return schema;
  }

  async describeTables(schema: string, names?: string[]): Promise<TableSchema[]> {
    const found = await this.query<TableRow>(
      `${TABLES_SQL} AND n.nspname = $1${names ? ' AND c.relname = ANY($2::text[])' : ''} ORDER BY 2`,
      names ? [schema, names] : [schema],
    );
    return this.describeRows(found);
  }

  async tableMarkers(schema: string): Promise<TableMarkers> {
    const rows = await this.query<{ name: string; signature: string }>(SIGNATURES_SQL, [schema]);
    return { tables: new Map(rows.map((r) => [r.name, { signature: r.signature }])) };
  }

  isTransient(error: unknown): boolean {
    return isTransientPgError(error);
  }

  /** Columns, keys and indexes of the tables, three queries however many tables. */
  private async describeRows(tables: TableRow[]): Promise<TableSchema[]> {
    if (tables.length === 0) return [];
    const oids = tables.map((t) => t.oid);
    const columns = byRelation(await this.query<ColumnRow>(COLUMNS_SQL, [oids]));
    const indexes = byRelation(await this.query<IndexRow>(INDEXES_SQL, [oids]));
    const foreignKeys = byRelation(await this.query<ForeignKeyRow>(FOREIGN_KEYS_SQL, [oids]));
    return tables.map((found) => {
      const oid = String(found.oid);
      const tableIndexes = indexes.get(oid) ?? [];
      const primary = tableIndexes.find((i) => i.primary);
      return {
        table: tableInfo(found),
        columns: (columns.get(oid) ?? []).map(columnInfo),
        primaryKey: primary?.columns ?? [],
        indexes: tableIndexes
          .filter((i) => !i.primary && i.plain)
          .map((i): IndexInfo => ({ name: i.name, columns: i.columns, unique: i.unique })),
        foreignKeys: (foreignKeys.get(oid) ?? []).map(foreignKeyInfo),
      };
    });
  }

  async serverVersion(): Promise<string> {
    // server_version is the short form (`15.20 (Debian 15.20-0+deb12u1)`); version() adds the build.
    const [row] = await this.query<{ version: string }>(
      "SELECT current_setting('server_version') AS version",
    );
    return `PostgreSQL ${row.version}`;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  private session(): Promise<Client> {
    this.client ??= connectPostgres(this.connection).catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async query<R extends QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    const client = await this.session();
    try {
      return await this.queue.run(async () => (await client.query<R>(sql, values)).rows);
    } catch (error) {
      throw new Error(
        `cannot read the catalog of PostgreSQL at ${describeTarget(this.connection)}: ${pgErrorMessage(error)}`,
        { cause: error },
      );
    }
  }
}
