import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
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
import { openReadOnly } from './reader';
import { logicalFromDeclared } from './types';

interface MasterRow {
  name: string;
  type: 'table' | 'view';
  sql: string | null;
}

interface ColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  /** 0 a column, 1 hidden (virtual tables), 2 a virtual generated column, 3 a stored one. */
  hidden: number;
}

interface IndexRow {
  name: string;
  unique: number;
  origin: 'c' | 'u' | 'pk';
  partial: number;
  column: string | null;
}

interface ForeignKeyRow {
  id: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

/** Names SQLite keeps for itself (sqlite_sequence, sqlite_stat1…). */
const USER_OBJECT = `name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

/** Rows in order, rows with the same `key` together. */
function groupBy<R>(rows: R[], key: (row: R) => string | number): R[][] {
  const groups = new Map<string | number, R[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return [...groups.values()];
}

/**
 * A SQLite file's catalog, from sqlite_master and the table-valued PRAGMA functions, opened
 * read-only. Row estimates come from sqlite_stat1 (written by ANALYZE) when the file has it:
 * counting would read whole tables. SQLite has no comments, and gives foreign keys no names,
 * so they are named as PostgreSQL would (`orders_customer_id_fkey`).
 */
export class SqliteIntrospector implements Introspector {
  readonly databaseTerm = 'databases';
  private db: Database.Database | undefined;

  constructor(private readonly file: string) {}

  async listDatabases(): Promise<string[]> {
    return ['main'];
  }

  async listTables(database?: string): Promise<TableInfo[]> {
    if (database !== undefined && database !== 'main')
      throw new Error(`SQLite database ${this.file} has no database "${database}" (only "main")`);
    const db = this.open();
    const rows = db
      .prepare(
        `SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND ${USER_OBJECT} ORDER BY name`,
      )
      .all() as MasterRow[];
    const estimates = this.rowEstimates();
    return rows.map((row) => this.tableInfo(row, estimates));
  }

  async describeTable(name: string): Promise<TableSchema> {
    const db = this.open();
    const bare = name.startsWith('main.') ? name.slice('main.'.length) : name;
    // Table names are case-insensitive in SQLite.
    const found = db
      .prepare(
        `SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`,
      )
      .get(bare) as MasterRow | undefined;
    if (!found) throw new Error(`table "${name}" not found in SQLite database ${this.file}`);
    const table = found.name;
    const columnRows = (
      db
        .prepare(
          'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid',
        )
        .all(table) as ColumnRow[]
    ).filter((c) => c.hidden !== 1);
    const indexRows = db
      .prepare(
        `SELECT il.name, il."unique", il.origin, il.partial, ii.name AS "column"
          FROM pragma_index_list(?) il JOIN pragma_index_info(il.name) ii
          ORDER BY il.name, ii.seqno`,
      )
      .all(table) as IndexRow[];
    const foreignKeyRows = db
      .prepare(
        'SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
      )
      .all(table) as ForeignKeyRow[];

    const primaryKey = columnRows
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    // An INTEGER PRIMARY KEY is the rowid: SQLite numbers the rows through it.
    const rowidAlias =
      primaryKey.length === 1 && !/\bWITHOUT\s+ROWID\b/i.test(found.sql ?? '')
        ? columnRows.find((c) => c.name === primaryKey[0] && c.type.toUpperCase() === 'INTEGER')
        : undefined;
    const indexes = groupBy(indexRows, (r) => r.name)
      // The primary key's own index, partial indexes and indexes on expressions have no plain column list.
      .filter((g) => g[0].origin !== 'pk' && !g[0].partial && g.every((r) => r.column !== null))
      .map((g): IndexInfo => {
        const columns = g.map((r) => r.column ?? '');
        // A UNIQUE constraint's index is named sqlite_autoindex_…, a name no CREATE INDEX may use:
        // named as PostgreSQL names a unique constraint instead.
        const name = g[0].origin === 'u' ? `${table}_${columns.join('_')}_key` : g[0].name;
        return { name, columns, unique: g[0].unique === 1 };
      });
    return {
      table: this.tableInfo(found, this.rowEstimates()),
      columns: columnRows.map((c) => this.columnInfo(c, c === rowidAlias)),
      primaryKey,
      indexes,
      foreignKeys: groupBy(foreignKeyRows, (r) => r.id).map((g) => this.foreignKeyInfo(table, g)),
    };
  }

  async describeTables(database: string, names?: string[]): Promise<TableSchema[]> {
    const wanted = names && new Set(names);
    const tables = (await this.listTables(database)).filter((t) => !wanted || wanted.has(t.name));
    // Local and in-process: describing one table at a time costs no round trips.
    return Promise.all(tables.map((t) => this.describeTable(t.name)));
  }

  /** A hash per table of its own and its indexes' CREATE statements, as sqlite_master keeps them. */
  async tableMarkers(database: string): Promise<TableMarkers> {
    if (database !== 'main')
      throw new Error(`SQLite database ${this.file} has no database "${database}" (only "main")`);
    const rows = this.open()
      .prepare(
        `SELECT m.name, m.type, m.sql, (SELECT group_concat(i.sql, ';') FROM
            (SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = m.name ORDER BY name) i) AS indexes
          FROM sqlite_master m WHERE m.type IN ('table', 'view') AND ${USER_OBJECT}`,
      )
      .all() as (MasterRow & { indexes: string | null })[];
    const hash = (text: string) => createHash('md5').update(text).digest('hex');
    return {
      tables: new Map(
        rows.map((r) => [
          r.name,
          { signature: hash(`${r.type}\u0000${r.sql ?? ''}\u0000${r.indexes ?? ''}`) },
        ]),
      ),
    };
  }

  async serverVersion(): Promise<string> {
    const row = this.open().prepare('SELECT sqlite_version() AS version').get() as { version: string };
    return `SQLite ${row.version}`;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }

  private open(): Database.Database {
    return (this.db ??= openReadOnly(this.file));
  }

  private tableInfo(row: MasterRow, estimates: Map<string, number>): TableInfo {
    const rowEstimate = row.type === 'table' ? estimates.get(row.name.toLowerCase()) : undefined;
    return { name: row.name, kind: row.type, ...(rowEstimate !== undefined ? { rowEstimate } : {}) };
  }

  private columnInfo(row: ColumnRow, rowid: boolean): ColumnInfo {
    // No declared type: any value goes; text is what every other database can take.
    const type = logicalFromDeclared(row.type) ?? 'string';
    const generated = row.hidden === 2 || row.hidden === 3;
    return {
      name: row.name,
      nativeType: row.type,
      type,
      nullable: row.notnull === 0 && !rowid,
      ...(row.dflt_value !== null && !generated ? { default: row.dflt_value } : {}),
      generated,
      autoIncrement: rowid,
      ...sizeOf(type, row.type),
    };
  }

  private foreignKeyInfo(table: string, rows: ForeignKeyRow[]): ForeignKeyInfo {
    const { table: refTable, on_delete, on_update } = rows[0];
    const columns = rows.map((r) => r.from);
    // `REFERENCES parent` without columns means the parent's primary key.
    const refColumns = rows.every((r) => r.to !== null)
      ? rows.map((r) => r.to ?? '')
      : (
          this.open()
            .prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk')
            .all(refTable) as { name: string }[]
        ).map((r) => r.name);
    const action = (rule: string) => (rule === 'NO ACTION' ? undefined : rule);
    const onDelete = action(on_delete);
    const onUpdate = action(on_update);
    return {
      name: `${table}_${columns.join('_')}_fkey`,
      columns,
      refTable,
      refColumns,
      ...(onDelete ? { onDelete } : {}),
      ...(onUpdate ? { onUpdate } : {}),
    };
  }

  /** Rows per table from sqlite_stat1 (first number of each entry), lower-cased names; empty without ANALYZE. */
  private rowEstimates(): Map<string, number> {
    const db = this.open();
    const estimates = new Map<string, number>();
    const hasStats = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
      .get();
    if (!hasStats) return estimates;
    for (const { tbl, stat } of db.prepare('SELECT tbl, stat FROM sqlite_stat1').all() as {
      tbl: string;
      stat: string;
    }[]) {
      const rows = Number.parseInt(stat, 10);
      if (Number.isFinite(rows))
        estimates.set(tbl.toLowerCase(), Math.max(rows, estimates.get(tbl.toLowerCase()) ?? 0));
    }
    return estimates;
  }
}
