import { escape, type Connection, type FieldPacket } from 'mysql2';
import type { SqlConnection } from '../shared/sql/config';
import {
  sizeOf,
  type ColumnInfo,
  type ForeignKeyInfo,
  type IndexInfo,
  type Introspector,
  type TableInfo,
  type TableMarker,
  type TableMarkers,
  type TableSchema,
} from '../shared/sql/introspection';
import {
  connectMysql,
  describeTarget,
  endConnection,
  errorMessage,
  isTransientMysqlError,
} from './connection';
import { quoteIdent, splitTableName } from './identifiers';
import { logicalFromMeta, metaFromField, type MysqlColumnMeta } from './types';

const SYSTEM_DATABASES = ['information_schema', 'mysql', 'performance_schema', 'sys'];

const TABLES_SQL = `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT
  FROM information_schema.TABLES WHERE TABLE_TYPE <> 'SEQUENCE'`;

interface TableRow {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  TABLE_TYPE: string;
  TABLE_ROWS: number | null;
  TABLE_COMMENT: string | null;
}

/** Rows of the schema-wide queries say which table they belong to. */
interface OfTable {
  TABLE_NAME: string;
}

interface ColumnRow extends OfTable {
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  IS_NULLABLE: string;
  COLUMN_DEFAULT: string | null;
  EXTRA: string;
  DATETIME_PRECISION: number | null;
  COLUMN_COMMENT: string;
}

interface IndexRow extends OfTable {
  INDEX_NAME: string;
  NON_UNIQUE: number | string;
  COLUMN_NAME: string | null;
}

interface ForeignKeyRow extends OfTable {
  CONSTRAINT_NAME: string;
  COLUMN_NAME: string;
  REFERENCED_TABLE_SCHEMA: string;
  REFERENCED_TABLE_NAME: string;
  REFERENCED_COLUMN_NAME: string;
  UPDATE_RULE: string;
  DELETE_RULE: string;
}

/**
 * COLUMN_TYPE without the display width MariaDB and older MySQL give integers (`bigint(20)
 * unsigned` → `bigint unsigned`, as MySQL 8 spells it): it changes nothing stored. TINYINT(1)
 * keeps it, as it means BOOLEAN.
 */
export function withoutDisplayWidth(columnType: string): string {
  return columnType.replace(
    /^(tinyint|smallint|mediumint|int|integer|bigint)\((\d+)\)/i,
    (whole, name: string, width: string) =>
      name.toLowerCase() === 'tinyint' && width === '1' ? whole : name,
  );
}

const NUMERIC_DATA =
  /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|float|double|real|bit|year)\b/i;

/**
 * The default as an SQL expression. MariaDB gives one already (`'abc'`, `1.50`, `current_timestamp()`,
 * and `NULL` for no default); MySQL 8 gives a string's raw text, and marks expressions DEFAULT_GENERATED.
 */
function defaultExpression(row: ColumnRow, mariadb: boolean): string | undefined {
  const value = row.COLUMN_DEFAULT;
  if (value === null || (mariadb && value === 'NULL')) return undefined;
  if (mariadb || /DEFAULT_GENERATED/i.test(row.EXTRA) || NUMERIC_DATA.test(row.COLUMN_TYPE)) return value;
  return escape(value);
}

function ruleOf(rule: string): string | undefined {
  // InnoDB checks at once, so RESTRICT and NO ACTION are the same, and the default.
  return rule === 'RESTRICT' || rule === 'NO ACTION' ? undefined : rule;
}

function tableInfo(row: TableRow): TableInfo {
  const kind = /VIEW/.test(row.TABLE_TYPE) ? 'view' : 'table';
  return {
    schema: row.TABLE_SCHEMA,
    name: row.TABLE_NAME,
    kind,
    ...(kind === 'table' && row.TABLE_ROWS !== null ? { rowEstimate: Number(row.TABLE_ROWS) } : {}),
    // A view's comment is the word VIEW.
    ...(kind === 'table' && row.TABLE_COMMENT ? { comment: row.TABLE_COMMENT } : {}),
  };
}

/** Rows by `key`, in order. */
function groupBy<R>(rows: R[], key: (row: R) => string): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * MySQL / MariaDB's catalog, from information_schema. A table's logical column types come from
 * the result metadata of `SELECT * … LIMIT 0`, through the same type map the reader uses, so
 * they are the types a read gives; the rest from COLUMNS, STATISTICS and the foreign key views.
 */
export class MysqlIntrospector implements Introspector {
  readonly databaseTerm = 'databases';
  private connection: Promise<{ connection: Connection; mariadb: boolean }> | undefined;

  constructor(private readonly config: SqlConnection) {}

  async listDatabases(): Promise<string[]> {
    const rows = await this.query<{ SCHEMA_NAME: string }>(
      `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
        WHERE SCHEMA_NAME NOT IN (${SYSTEM_DATABASES.map((d) => escape(d)).join(', ')}) ORDER BY 1`,
    );
    return rows.map((r) => r.SCHEMA_NAME);
  }

  async listTables(database?: string): Promise<TableInfo[]> {
    const schema = database === undefined ? 'DATABASE()' : escape(database);
    const rows = await this.query<TableRow>(`${TABLES_SQL} AND TABLE_SCHEMA = ${schema} ORDER BY TABLE_NAME`);
    return rows.map(tableInfo);
  }

  async describeTable(name: string): Promise<TableSchema> {
    const { database, table } = splitTableName(name);
    const schema = database === undefined ? 'DATABASE()' : escape(database);
    const [found] = await this.query<TableRow>(
      `${TABLES_SQL} AND TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${escape(table)}`,
    );
    if (!found) throw new Error(`table "${name}" not found in MySQL at ${describeTarget(this.config)}`);
    const [described] = await this.describeRows([found], { strict: true, wholeSchema: false });
    return described;
  }

  async describeTables(database: string, names?: string[]): Promise<TableSchema[]> {
    if (names?.length === 0) return [];
    const only = names ? ` AND TABLE_NAME IN (${names.map((n) => escape(n)).join(', ')})` : '';
    const found = await this.query<TableRow>(
      `${TABLES_SQL} AND TABLE_SCHEMA = ${escape(database)}${only} ORDER BY TABLE_NAME`,
    );
    return this.describeRows(found, { strict: false, wholeSchema: names === undefined });
  }

  /**
   * CREATE_TIME changes with every ALTER (MariaDB and MySQL rewrite the table's definition), in
   * whole seconds; views have none, so their definition's hash stands in. Times are UTC (see
   * connectMysql), as is `asOf`.
   */
  async tableMarkers(database: string): Promise<TableMarkers> {
    const iso = (column: string) => `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%sZ')`;
    const rows = await this.query<{
      TABLE_NAME: string;
      created: string | null;
      updated: string | null;
      definition: string | null;
      asOf: string;
    }>(
      `SELECT t.TABLE_NAME, ${iso('t.CREATE_TIME')} AS created, ${iso('t.UPDATE_TIME')} AS updated,
          MD5(v.VIEW_DEFINITION) AS definition, ${iso('UTC_TIMESTAMP()')} AS asOf
        FROM information_schema.TABLES t LEFT JOIN information_schema.VIEWS v
          ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
        WHERE t.TABLE_SCHEMA = ${escape(database)} AND t.TABLE_TYPE <> 'SEQUENCE'`,
    );
    const asOf =
      rows[0]?.asOf ?? (await this.query<{ now: string }>(`SELECT ${iso('UTC_TIMESTAMP()')} AS now`))[0].now;
    const tables = new Map<string, TableMarker>();
    for (const row of rows) {
      tables.set(row.TABLE_NAME, {
        signature: row.created ?? `view ${row.definition ?? ''}`,
        ...(row.created !== null ? { changedAt: row.created } : {}),
        ...(row.updated !== null ? { updatedAt: row.updated } : {}),
      });
    }
    return { asOf, tables };
  }

  isTransient(error: unknown): boolean {
    return isTransientMysqlError(error);
  }

  /**
   * Columns, keys and indexes of the tables found (all of one schema's when `wholeSchema`), four
   * queries for all of them, plus one `LIMIT 0` each for the logical types. `strict`: a view that
   * cannot be read fails (else its columns keep the fallback type, so one broken view does not fail
   * a whole database's scan).
   */
  private async describeRows(
    tables: TableRow[],
    { strict, wholeSchema }: { strict: boolean; wholeSchema: boolean },
  ): Promise<TableSchema[]> {
    if (tables.length === 0) return [];
    const { mariadb } = await this.session();
    const schemas = [...new Set(tables.map((t) => t.TABLE_SCHEMA))];
    const inSchemas = `IN (${schemas.map((s) => escape(s)).join(', ')})`;
    const inNames = wholeSchema ? undefined : `IN (${tables.map((t) => escape(t.TABLE_NAME)).join(', ')})`;
    const where = (alias: string) =>
      `${alias}TABLE_SCHEMA ${inSchemas}${inNames ? ` AND ${alias}TABLE_NAME ${inNames}` : ''}`;
    const key = (schema: string, table: string) => `${schema}\u0000${table}`;
    const [columns, fields, indexes, foreignKeys] = await Promise.all([
      this.query<ColumnRow & { TABLE_SCHEMA: string }>(
        `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
            DATETIME_PRECISION, COLUMN_COMMENT
          FROM information_schema.COLUMNS WHERE ${where('')} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      ),
      Promise.all(
        tables.map((t) =>
          this.fields(
            `SELECT * FROM ${quoteIdent(t.TABLE_SCHEMA)}.${quoteIdent(t.TABLE_NAME)} LIMIT 0`,
          ).catch((error: unknown) => {
            if (strict || isTransientMysqlError(error)) throw error;
            return [];
          }),
        ),
      ),
      this.query<IndexRow & { TABLE_SCHEMA: string }>(
        `SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
          WHERE ${where('')} ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
      ),
      this.query<ForeignKeyRow & { TABLE_SCHEMA: string }>(
        `SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA,
            k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
          FROM information_schema.KEY_COLUMN_USAGE k
            JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
              AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
          WHERE ${where('k.')} AND k.REFERENCED_TABLE_NAME IS NOT NULL
          ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      ),
    ]);
    const group = <R extends OfTable & { TABLE_SCHEMA: string }>(rows: R[]) =>
      groupBy(rows, (r) => key(r.TABLE_SCHEMA, r.TABLE_NAME));
    const columnsOf = group(columns);
    const indexesOf = group(indexes);
    const foreignKeysOf = group(foreignKeys);
    return tables.map((found, i) => {
      const at = key(found.TABLE_SCHEMA, found.TABLE_NAME);
      const metas = new Map(fields[i].map((f) => [f.name, metaFromField(f)]));
      return this.tableSchema(
        found,
        (columnsOf.get(at) ?? []).map((row) => this.columnInfo(row, metas.get(row.COLUMN_NAME), mariadb)),
        indexesOf.get(at) ?? [],
        foreignKeysOf.get(at) ?? [],
      );
    });
  }

  private tableSchema(
    found: TableRow,
    columns: ColumnInfo[],
    indexes: IndexRow[],
    foreignKeys: ForeignKeyRow[],
  ): TableSchema {
    const indexGroups = [...groupBy(indexes, (r) => r.INDEX_NAME).values()];
    const primary = indexGroups.find((g) => g[0].INDEX_NAME === 'PRIMARY');
    return {
      table: tableInfo(found),
      columns,
      primaryKey: primary?.map((r) => r.COLUMN_NAME ?? '') ?? [],
      // A functional index (MySQL 8) has no column name: no column list to give.
      indexes: indexGroups
        .filter((g) => g !== primary && g.every((r) => r.COLUMN_NAME !== null))
        .map((g): IndexInfo => ({
          name: g[0].INDEX_NAME,
          columns: g.map((r) => r.COLUMN_NAME ?? ''),
          unique: Number(g[0].NON_UNIQUE) === 0,
        })),
      foreignKeys: [...groupBy(foreignKeys, (r) => r.CONSTRAINT_NAME).values()].map((g): ForeignKeyInfo => {
        const onDelete = ruleOf(g[0].DELETE_RULE);
        const onUpdate = ruleOf(g[0].UPDATE_RULE);
        return {
          name: g[0].CONSTRAINT_NAME,
          columns: g.map((r) => r.COLUMN_NAME),
          refSchema: g[0].REFERENCED_TABLE_SCHEMA,
          refTable: g[0].REFERENCED_TABLE_NAME,
          refColumns: g.map((r) => r.REFERENCED_COLUMN_NAME),
          ...(onDelete ? { onDelete } : {}),
          ...(onUpdate ? { onUpdate } : {}),
        };
      }),
    };
  }

  async serverVersion(): Promise<string> {
    const [row] = await this.query<{ version: string }>('SELECT VERSION() AS version');
    return `${(await this.session()).mariadb ? 'MariaDB' : 'MySQL'} ${row.version}`;
  }

  async close(): Promise<void> {
    const session = this.connection;
    this.connection = undefined;
    await session?.then(({ connection }) => endConnection(connection)).catch(() => undefined);
  }

  private columnInfo(row: ColumnRow, meta: MysqlColumnMeta | undefined, mariadb: boolean): ColumnInfo {
    const type = meta ? logicalFromMeta(meta) : 'string';
    const columnType = withoutDisplayWidth(row.COLUMN_TYPE);
    // MariaDB's JSON is a LONGTEXT with a json_valid check; the metadata says what it is.
    const nativeType = type === 'json' && /^longtext$/i.test(columnType) ? 'json' : columnType;
    const generated = /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(row.EXTRA);
    const defaultValue = generated ? undefined : defaultExpression(row, mariadb);
    const size = sizeOf(type, nativeType);
    if (
      row.DATETIME_PRECISION !== null &&
      (type === 'time' || type === 'timestamp' || type === 'timestamptz')
    )
      size.precision = Number(row.DATETIME_PRECISION);
    return {
      name: row.COLUMN_NAME,
      nativeType,
      type,
      nullable: row.IS_NULLABLE === 'YES',
      ...(defaultValue !== undefined ? { default: defaultValue } : {}),
      ...(row.COLUMN_COMMENT ? { comment: row.COLUMN_COMMENT } : {}),
      generated,
      autoIncrement: /\bauto_increment\b/i.test(row.EXTRA),
      ...size,
    };
  }

  private session(): Promise<{ connection: Connection; mariadb: boolean }> {
    this.connection ??= (async () => {
      const connection = await connectMysql(this.config);
      try {
        const [row] = await this.run<{ version: string }[]>(connection, 'SELECT VERSION() AS version');
        return { connection, mariadb: /mariadb/i.test(row.version) };
      } catch (error) {
        connection.destroy();
        throw error;
      }
    })().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async query<R>(sql: string): Promise<R[]> {
    const { connection } = await this.session();
    return this.run<R[]>(connection, sql);
  }

  /** The result columns of a query (for `LIMIT 0`: the table's, without reading a row). */
  private async fields(sql: string): Promise<FieldPacket[]> {
    const { connection } = await this.session();
    return new Promise((resolve, reject) =>
      connection.query({ sql }, (err, _rows, fields) => (err ? reject(this.failure(err)) : resolve(fields))),
    );
  }

  private run<T>(connection: Connection, sql: string): Promise<T> {
    return new Promise((resolve, reject) =>
      connection.query({ sql }, (err, rows) => (err ? reject(this.failure(err)) : resolve(rows as T))),
    );
  }

  private failure(error: unknown): Error {
    return new Error(
      `cannot read the catalog of MySQL at ${describeTarget(this.config)}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
}
