import type Database from 'better-sqlite3';
import type { Connection, FieldPacket } from 'mysql2';
import type { Client } from 'pg';
import type { Row } from '../../src-main/engine/batch';
import { FieldError } from '../../src-main/engine/component';
import type { LogicalType } from '../../src-shared/types/logical';
import {
  connectMysql,
  describeTarget as mysqlTarget,
  endConnection,
  errorMessage,
} from '../mysql/connection';
import { quoteIdent as mysqlIdent, quoteTableName } from '../mysql/identifiers';
import { MysqlIntrospector } from '../mysql/introspect';
import { metaFromField, toSqlLiteral, valueDecoder } from '../mysql/types';
import { connectPostgres, describeTarget as pgTarget, pgErrorMessage } from '../postgresql/connection';
import { quoteIdent as pgIdent, quoteQualifiedName } from '../postgresql/identifiers';
import { PostgresIntrospector } from '../postgresql/introspect';
import type { SqlConnection } from '../shared/sql/config';
import type { ColumnInfo, Introspector } from '../shared/sql/introspection';
import { fieldIndex, unknownFieldMessage } from '../shared/stateful/fields';
import { matchKey } from '../shared/stateful/keys';
import { SqliteIntrospector } from '../sqlite/introspect';
import { openReadOnly, quoteIdent as sqliteIdent } from '../sqlite/reader';
import { fromSqliteValue, toSqliteValue } from '../sqlite/types';
import type { Answer, LookupField, LookupSource } from './lookup';

/** Keys per `WHERE key IN (…)` when the config does not say. */
export const DEFAULT_LOOKUP_BATCH = 1000;

/** What a lookup needs of a database: its catalog, one connection, and a keyed SELECT. */
export interface SqlDriver {
  /** `PostgreSQL at 127.0.0.1:5432 database "shop"`. */
  readonly where: string;
  introspector(): Introspector;
  connect(): Promise<void>;
  /**
   * `SELECT columns FROM table WHERE (keyColumns) IN (keys)`, values typed as the columns' logical
   * `types` say (as the database's input reads them).
   */
  select(table: string, columns: ColumnInfo[], keyColumns: string[], keys: unknown[][]): Promise<Row[]>;
  close(): Promise<void>;
}

/** `key IN (…)`, or `(a, b) IN ((…), (…))` for a key of several columns, with `literal` writing each value. */
function inList(
  quote: (name: string) => string,
  keyColumns: string[],
  keys: unknown[][],
  literal: (value: unknown) => string,
): string {
  if (keyColumns.length === 1)
    return `${quote(keyColumns[0])} IN (${keys.map((k) => literal(k[0])).join(', ')})`;
  const tuples = keys.map((k) => `(${k.map(literal).join(', ')})`);
  return `(${keyColumns.map(quote).join(', ')}) IN (${tuples.join(', ')})`;
}

/** A key value as a pg parameter: BigInts as text (the server converts to the column's type). */
const pgParameter = (value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

export function postgresDriver(connection: SqlConnection): SqlDriver {
  let client: Client | undefined;
  return {
    where: `PostgreSQL at ${pgTarget(connection)}`,
    introspector: () => new PostgresIntrospector(connection),
    async connect() {
      client = await connectPostgres(connection);
    },
    async select(table, columns, keyColumns, keys) {
      const values: unknown[] = [];
      const where = inList(pgIdent, keyColumns, keys, (value) => {
        values.push(pgParameter(value));
        return `$${values.length}`;
      });
      const sql = `SELECT ${columns.map((c) => pgIdent(c.name)).join(', ')} FROM ${quoteQualifiedName(table)} WHERE ${where}`;
      try {
        return (await (client as Client).query<unknown[]>({ text: sql, values, rowMode: 'array' })).rows;
      } catch (error) {
        throw new Error(pgErrorMessage(error), { cause: error });
      }
    },
    async close() {
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

export function mysqlDriver(connection: SqlConnection): SqlDriver {
  let session: Connection | undefined;
  return {
    where: `MySQL at ${mysqlTarget(connection)}`,
    introspector: () => new MysqlIntrospector(connection),
    async connect() {
      session = await connectMysql(connection);
    },
    async select(table, columns, keyColumns, keys) {
      const where = inList(mysqlIdent, keyColumns, keys, toSqlLiteral);
      const sql = `SELECT ${columns.map((c) => mysqlIdent(c.name)).join(', ')} FROM ${quoteTableName(table)} WHERE ${where}`;
      // Raw bytes, decoded as the mysql input decodes them, so values have the same types.
      const { rows, fields } = await new Promise<{ rows: (Buffer | null)[][]; fields: FieldPacket[] }>(
        (resolve, reject) =>
          (session as Connection).query(
            { sql, rowsAsArray: true, typeCast: false },
            (error, result, fieldPackets) =>
              error
                ? reject(new Error(errorMessage(error), { cause: error }))
                : resolve({ rows: result as (Buffer | null)[][], fields: fieldPackets }),
          ),
      );
      const decoders = fields.map((field, i) =>
        valueDecoder(metaFromField(field), columns[i].type, () => undefined),
      );
      return rows.map((raw) =>
        raw.map((value, i) => (value === null ? null : decoders[i](value, 0, value.length))),
      );
    },
    async close() {
      if (session) await endConnection(session).catch(() => undefined);
      session = undefined;
    },
  };
}

export function sqliteDriver(file: string): SqlDriver {
  let db: Database.Database | undefined;
  return {
    where: `SQLite database ${file}`,
    introspector: () => new SqliteIntrospector(file),
    async connect() {
      db = openReadOnly(file);
    },
    async select(table, columns, keyColumns, keys) {
      const values: unknown[] = [];
      const where = inList(sqliteIdent, keyColumns, keys, (value) => {
        values.push(toSqliteValue(value));
        return '?';
      });
      const sql = `SELECT ${columns.map((c) => sqliteIdent(c.name)).join(', ')} FROM ${sqliteIdent(table)} WHERE ${where}`;
      const rows = (db as Database.Database)
        .prepare(sql)
        .raw(true)
        .safeIntegers(true)
        .all(...values) as unknown[][];
      return rows.map((row) => row.map((value, i) => fromSqliteValue(value, columns[i].type)));
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}

/**
 * A lookup in a database table: the table's columns and types come from its catalog when the run
 * starts; keys are looked up in batches of distinct keys, one `WHERE key IN (…)` per batch of up
 * to `batchSize`, over one connection held for the run. The first row of a key wins.
 */
export class SqlLookup implements LookupSource {
  readonly description: string;
  private keyColumns: ColumnInfo[] | undefined;
  private fieldColumns: ColumnInfo[] | undefined;

  constructor(
    private readonly driver: SqlDriver,
    private readonly table: string,
    private readonly keys: { name: string; path: string }[],
    private readonly fields: LookupField[],
    private readonly batchSize = DEFAULT_LOOKUP_BATCH,
  ) {
    this.description = `table "${table}" in ${driver.where}`;
  }

  types(): LogicalType[] {
    return this.fields.map((field, i) => field.declared ?? this.fieldColumns?.[i].type ?? 'string');
  }

  async open(): Promise<void> {
    const introspector = this.driver.introspector();
    let columns: ColumnInfo[];
    try {
      columns = (await introspector.describeTable(this.table)).columns;
    } finally {
      await introspector.close().catch(() => undefined);
    }
    const find = (name: string, path: string): ColumnInfo => {
      const index = fieldIndex(
        columns.map((c) => ({ name: c.name, type: c.type })),
        name,
      );
      if (index < 0)
        throw new FieldError(
          path,
          unknownFieldMessage(
            columns.map((c) => c.name),
            name,
            `table "${this.table}"`,
          ),
        );
      return columns[index];
    };
    this.keyColumns = this.keys.map((key) => find(key.name, key.path));
    this.fieldColumns = this.fields.map((field) => {
      const column = find(field.from, field.path);
      if (field.declared && field.declared !== column.type)
        throw new FieldError(
          field.path,
          `declared ${field.declared}, but column "${column.name}" of table "${this.table}" is ${column.type} (${column.nativeType})`,
        );
      return column;
    });
    await this.driver.connect();
  }

  async fetch(keys: Map<string, unknown[]>, signal: AbortSignal): Promise<Map<string, Answer>> {
    const keyColumns = this.keyColumns;
    const fieldColumns = this.fieldColumns;
    if (!keyColumns || !fieldColumns) throw new Error(`${this.description}: the lookup was not opened`);
    const found = new Map<string, unknown[]>();
    const keyTypes = keyColumns.map((c) => c.type);
    const entries = [...keys.values()];
    for (let start = 0; start < entries.length; start += this.batchSize) {
      signal.throwIfAborted();
      let rows: Row[];
      try {
        rows = await this.driver.select(
          this.table,
          [...keyColumns, ...fieldColumns],
          keyColumns.map((c) => c.name),
          entries.slice(start, start + this.batchSize),
        );
      } catch (error) {
        throw new Error(`cannot look keys up in ${this.description}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      for (const row of rows) {
        const text = matchKey(row.slice(0, keyColumns.length), keyTypes);
        if (text !== null && !found.has(text)) found.set(text, row.slice(keyColumns.length));
      }
    }
    const answers = new Map<string, Answer>();
    for (const text of keys.keys()) answers.set(text, found.get(text) ?? null);
    return answers;
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
