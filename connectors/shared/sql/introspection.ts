import type { Column, LogicalType } from '../../../src-shared/types/logical';

/*
 * What the SQL connectors tell about a database's tables, in one shape whatever the database,
 * so that a table described in one database can be created in another (each connector's
 * ddl.ts). Plus the pure helpers a multi-table copy needs: which tables a list of patterns
 * selects, in which order to create and load them, and what a table's DDL is made of.
 */

export interface TableInfo {
  /** PostgreSQL schema or MySQL database; absent for SQLite, which has one. */
  schema?: string;
  name: string;
  kind: 'table' | 'view';
  /** The database's own estimate (statistics), not a count; absent when it has none. */
  rowEstimate?: number;
  comment?: string;
}

export interface ColumnInfo {
  name: string;
  /** The type as the database spells it: `varchar(200)`, `decimal(12,2)`, `bigint unsigned`. */
  nativeType: string;
  /** Through the connector's type map: the type its reader gives the column's values. */
  type: LogicalType;
  nullable: boolean;
  /** The default as the database shows it, in its own dialect (`'a'::text`, `current_timestamp()`). */
  default?: string;
  comment?: string;
  /** Computed from other columns (GENERATED ALWAYS AS …): never written, so a copy leaves it out. */
  generated: boolean;
  /** Filled by the database when not given: AUTO_INCREMENT, identity, serial, SQLite's rowid alias. */
  autoIncrement: boolean;
  /** Characters of char / varchar, bytes of binary / varbinary. */
  length?: number;
  /** Digits of a decimal, or fractional-second digits of a time or timestamp. */
  precision?: number;
  /** Digits after the point of a decimal. */
  scale?: number;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
}

/** `onDelete` / `onUpdate` are absent for the default (NO ACTION, which MySQL calls RESTRICT). */
export interface ForeignKeyInfo {
  name: string;
  columns: string[];
  refSchema?: string;
  refTable: string;
  refColumns: string[];
  onDelete?: string;
  onUpdate?: string;
}

export interface TableSchema {
  table: TableInfo;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Every index but the primary key's (expression and partial indexes are left out: they have no column list). */
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

/** What a database tells about one table's last changes, for incremental catalog scans. */
export interface TableMarker {
  /** Changes whenever the table's structure may have changed: a hash of its catalog rows, or MySQL's CREATE_TIME. */
  signature: string;
  /** When the database says the structure last changed (ISO 8601, server clock, whole seconds); absent where it does not say. */
  changedAt?: string;
  /** When the database says the data last changed (MySQL's UPDATE_TIME); absent where it does not say. */
  updatedAt?: string;
}

/** The markers of every table and view of one database / schema, by table name. */
export interface TableMarkers {
  /**
   * The server's clock when the markers were read, in `changedAt`'s format: a table whose
   * `changedAt` is not before the previous read's `asOf` may have changed within that second.
   */
  asOf?: string;
  tables: Map<string, TableMarker>;
}

/** Reads a database's catalog. Opens its connection on first use; `close()` releases it. */
export interface Introspector {
  /** What `listDatabases` lists, for messages: MySQL's databases, PostgreSQL's schemas. */
  readonly databaseTerm: 'databases' | 'schemas';
  /** Databases (MySQL), schemas (PostgreSQL), `['main']` (SQLite); system ones left out. */
  listDatabases(): Promise<string[]>;
  /** The server's name and version as it reports it (`PostgreSQL 16.4 …`, `10.11.6-MariaDB`, `SQLite 3.46.1`). */
  serverVersion(): Promise<string>;
  /** Tables and views of one database / schema; by default the connection's database (MySQL), every schema (PostgreSQL). */
  listTables(database?: string): Promise<TableInfo[]>;
  /** One table or view, `name` or `schema.name`; an error names the table when it does not exist. */
  describeTable(name: string): Promise<TableSchema>;
  /**
   * Every table and view of one database / schema (or only `names` of them; unknown names are
   * left out), described in a few catalog-wide queries rather than a few per table: for catalog scans.
   */
  describeTables?(database: string, names?: string[]): Promise<TableSchema[]>;
  /** Per-table change markers of one database / schema, cheaper than describing (incremental catalog scans). */
  tableMarkers?(database: string): Promise<TableMarkers>;
  /** True for a failure worth trying again later (connection refused or lost, too many connections). */
  isTransient?(error: unknown): boolean;
  close(): Promise<void>;
}

/** A table's name as a config writes it: `schema.name`, or `name` where there is no schema. */
export function qualifiedName(table: Pick<TableInfo, 'schema' | 'name'>): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}

function globRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.+()[\]{}|]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/**
 * True when `pattern` names `table`: matched against the bare name (`orders`, `sales_*`, `*`), or,
 * split at its first dot, against schema and name (`public.*`, `sales.order?`).
 */
function patternMatches(pattern: string, table: TableInfo): boolean {
  if (globRegExp(pattern).test(table.name)) return true;
  const dot = pattern.indexOf('.');
  if (dot < 0 || table.schema === undefined) return false;
  return (
    globRegExp(pattern.slice(0, dot)).test(table.schema) &&
    globRegExp(pattern.slice(dot + 1)).test(table.name)
  );
}

/**
 * The tables the patterns select (glob `*` and `?`, or exact names), each once: the first
 * pattern's matches in `tables` order, then the next pattern's new ones. A pattern that matches
 * nothing is an error naming it, as it is most likely a typo.
 */
export function matchTables(patterns: string[], tables: TableInfo[]): TableInfo[] {
  const selected = new Set<TableInfo>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const matched = tables.filter((table) => patternMatches(pattern, table));
    if (matched.length === 0) unmatched.push(pattern);
    for (const table of matched) selected.add(table);
  }
  if (unmatched.length > 0) {
    const names = unmatched.map((p) => `"${p}"`).join(', ');
    throw new Error(`no table matches ${names} (among ${tables.length} tables)`);
  }
  return [...selected];
}

/** A foreign key of one of the tables, with the table it belongs to. */
export interface TableForeignKey {
  table: TableSchema;
  foreignKey: ForeignKeyInfo;
}

export interface LoadOrder {
  /** Every table once, each after the tables it references, except where a cycle makes that impossible. */
  tables: TableSchema[];
  /**
   * The foreign keys that would not hold while the tables are loaded in that order (those that
   * close a cycle, and self-references, as a table's rows arrive in any order): add them after
   * loading. Every other foreign key may be created with its table, before its rows; or all of
   * them after loading. `tableDdl({ ...schema, foreignKeys }, target)` gives the DDL of a subset.
   */
  deferred: TableForeignKey[];
}

const tableKey = (schema: string | undefined, name: string) => `${schema ?? ''}\u0000${name}`;

/**
 * The order to create and load tables in: referenced tables before referencing ones, otherwise
 * the given order. A cycle does not throw: its tables come after what the cycle references, in
 * an order where few of its foreign keys point forward, and those are returned as `deferred`.
 * References to tables outside `schemas` play no part.
 */
export function dependencyOrder(schemas: TableSchema[]): LoadOrder {
  const index = new Map(schemas.map((s, i) => [tableKey(s.table.schema, s.table.name), i]));
  const byName = new Map<string, number[]>();
  schemas.forEach((s, i) => byName.set(s.table.name, [...(byName.get(s.table.name) ?? []), i]));
  const referenced = (from: TableSchema, fk: ForeignKeyInfo): number | undefined => {
    const exact = index.get(tableKey(fk.refSchema ?? from.table.schema, fk.refTable));
    if (exact !== undefined || fk.refSchema !== undefined) return exact;
    // A reference without a schema (SQLite) to a table that exists once under that name.
    const named = byName.get(fk.refTable);
    return named?.length === 1 ? named[0] : undefined;
  };
  const targets = schemas.map((s) => s.foreignKeys.map((fk) => referenced(s, fk)));
  const deps = targets.map((t, i) => [...new Set(t.filter((j): j is number => j !== undefined && j !== i))]);
  const component = stronglyConnected(deps);

  const placed = new Array<boolean>(schemas.length).fill(false);
  const order: number[] = [];
  const ready = (i: number) => deps[i].every((j) => placed[j]);
  while (order.length < schemas.length) {
    // The first table whose referenced tables are all placed; when none is (a cycle), the first
    // table of a cycle that depends on nothing outside it, so only foreign keys inside it wait.
    let next = schemas.findIndex((_, i) => !placed[i] && ready(i));
    if (next < 0)
      next = schemas.findIndex(
        (_, i) => !placed[i] && deps[i].every((j) => placed[j] || component[j] === component[i]),
      );
    placed[next] = true;
    order.push(next);
  }

  const position = new Array<number>(schemas.length);
  order.forEach((i, at) => (position[i] = at));
  const deferred: TableForeignKey[] = [];
  for (const i of order) {
    schemas[i].foreignKeys.forEach((foreignKey, f) => {
      const j = targets[i][f];
      if (j !== undefined && position[j] >= position[i]) deferred.push({ table: schemas[i], foreignKey });
    });
  }
  return { tables: order.map((i) => schemas[i]), deferred };
}

/** The strongly connected component of each node (Tarjan), as a number shared by its members. */
function stronglyConnected(edges: number[][]): number[] {
  const n = edges.length;
  const indexOf = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  const visit = (v: number) => {
    indexOf[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (const w of edges[v]) {
      if (indexOf[w] < 0) {
        visit(w);
        low[v] = Math.min(low[v], low[w]);
      } else if (onStack[w]) low[v] = Math.min(low[v], indexOf[w]);
    }
    if (low[v] === indexOf[v]) {
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = false;
        component[w] = components;
      } while (w !== v);
      components += 1;
    }
  };
  for (let v = 0; v < n; v++) if (indexOf[v] < 0) visit(v);
  return component;
}

/** The statements that create a table, in the order a loader runs them. */
export interface TableDdl {
  /** CREATE TABLE: columns, NOT NULL, defaults, primary key. Run before loading. */
  createTable: string;
  /** Comments that are not part of CREATE TABLE (PostgreSQL's COMMENT ON): any time after it. */
  comments: string[];
  /** CREATE INDEX for every other index: cheaper once the rows are in. */
  indexes: string[];
  /**
   * ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY, once the referenced tables exist (see
   * `dependencyOrder`). Empty for SQLite, which can only declare them in CREATE TABLE.
   */
  foreignKeys: string[];
  /** After loading: PostgreSQL's identity sequences moved past the loaded values. */
  afterLoad: string[];
}

/** Where `tableDdl` creates the table. */
export interface DdlTarget {
  /** `name`, or `schema.name` / `database.name`. */
  table: string;
  /** The target's name for a referenced table; by default the same name in the target table's schema. */
  referencedTable?: (foreignKey: ForeignKeyInfo) => string;
}

/** What every dialect's `tableDdl` starts from: what can be created, and the names to create it under. */
export interface DdlPlan {
  /** Columns to create: generated ones are left out (the database computes them; a copy would not). */
  columns: ColumnInfo[];
  /** The primary key, unless it needs a left-out column. */
  primaryKey: string[];
  /** Indexes and foreign keys on created columns only, under names fit for the target. */
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
  /** Columns of the primary key, an index or a foreign key (MySQL cannot index TEXT without a length). */
  keyColumns: Set<string>;
  /** The target split at its first dot. */
  targetSchema?: string;
  targetName: string;
  /** The target's name of the table a foreign key references (itself for a self-reference). */
  referencedTable(foreignKey: ForeignKeyInfo): string;
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * The name of an index or constraint on the target table. The source table's name in it (as in
 * PostgreSQL's `orders_email_key`) becomes the target's; where names must be unique per schema
 * (`perSchema`) and the name does not mention the table (MySQL's `email`, `idx_status`, unique
 * per table only), the target table's name is put in front so two tables' indexes cannot collide.
 */
export function targetObjectName(
  name: string,
  sourceTable: string,
  targetTable: string,
  perSchema: boolean,
): string {
  const mention = new RegExp(`(^|_)${escapeRegExp(sourceTable)}(_|$)`);
  if (mention.test(name))
    return name.replace(mention, (_m, before: string, after: string) => `${before}${targetTable}${after}`);
  return perSchema ? `${targetTable}_${name}` : name;
}

/**
 * The common part of every dialect's DDL for `schema` created as `target`. `perSchemaNames` says
 * which names the target database wants unique per schema rather than per table.
 */
export function planDdl(
  schema: TableSchema,
  target: DdlTarget,
  perSchemaNames: { indexes: boolean; foreignKeys: boolean },
): DdlPlan {
  const columns = schema.columns.filter((c) => !c.generated);
  const created = new Set(columns.map((c) => c.name));
  const allCreated = (names: string[]) => names.every((n) => created.has(n));
  const dot = target.table.indexOf('.');
  const targetSchema = dot < 0 ? undefined : target.table.slice(0, dot);
  const targetName = dot < 0 ? target.table : target.table.slice(dot + 1);
  const source = schema.table.name;
  const primaryKey = allCreated(schema.primaryKey) ? schema.primaryKey : [];
  const indexes = schema.indexes
    .filter((index) => allCreated(index.columns))
    .map((index) => ({
      ...index,
      name: targetObjectName(index.name, source, targetName, perSchemaNames.indexes),
    }));
  const foreignKeys = schema.foreignKeys
    .filter((fk) => allCreated(fk.columns))
    .map((fk) => ({
      ...fk,
      name: targetObjectName(fk.name, source, targetName, perSchemaNames.foreignKeys),
    }));
  const keyColumns = new Set([
    ...primaryKey,
    ...indexes.flatMap((i) => i.columns),
    ...foreignKeys.flatMap((f) => f.columns),
  ]);
  const isSelf = (fk: ForeignKeyInfo) =>
    fk.refTable === source && (fk.refSchema === undefined || fk.refSchema === schema.table.schema);
  return {
    columns,
    primaryKey,
    indexes,
    foreignKeys,
    keyColumns,
    targetSchema,
    targetName,
    referencedTable: (fk) =>
      isSelf(fk)
        ? target.table
        : (target.referencedTable?.(fk) ??
          (targetSchema === undefined ? fk.refTable : `${targetSchema}.${fk.refTable}`)),
  };
}

/** ON DELETE / ON UPDATE clauses, only for actions every SQL database knows (never raw text into DDL). */
export function referentialActions(fk: ForeignKeyInfo): string {
  const actions = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION']);
  const clause = (when: string, action: string | undefined) =>
    action !== undefined && actions.has(action.toUpperCase()) ? ` ON ${when} ${action.toUpperCase()}` : '';
  return `${clause('DELETE', fk.onDelete)}${clause('UPDATE', fk.onUpdate)}`;
}

/** The numbers in a native type's parentheses: `numeric(12,2)` → [12, 2]; none for `text`, `enum('a')`, arrays. */
export function typeArguments(nativeType: string): number[] {
  if (/\]\s*$/.test(nativeType)) return [];
  const match = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(nativeType);
  if (!match) return [];
  return match[2] === undefined ? [Number(match[1])] : [Number(match[1]), Number(match[2])];
}

/** char, varchar, binary and their spellings: the string types whose parentheses hold a length. */
const SIZED_STRING = /^\s*(n?(var)?char|character(\s+varying)?|bpchar|varchar2|(var)?binary)\b/i;

/** Fixed-length (`char(3)`, `character(3)`, `binary(16)`): padded, so kept fixed in a copy. */
export function isFixedLength(nativeType: string): boolean {
  return /^\s*(n?char|character|bpchar|binary)\b(?!\s+varying)/i.test(nativeType);
}

/** Length, precision and scale a native type states, as its logical type reads them. */
export function sizeOf(
  type: LogicalType,
  nativeType: string,
): Pick<ColumnInfo, 'length' | 'precision' | 'scale'> {
  const args = typeArguments(nativeType);
  if (args.length === 0) return {};
  switch (type) {
    case 'string':
    case 'bytes':
      return SIZED_STRING.test(nativeType) ? { length: args[0] } : {};
    case 'decimal':
      return { precision: args[0], scale: args[1] ?? 0 };
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return { precision: args[0] };
    default:
      return {};
  }
}

/** An UNSIGNED integer (MySQL): its upper half does not fit the signed type of the same size. */
export function isUnsigned(column: Pick<ColumnInfo, 'nativeType'>): boolean {
  return /\bunsigned\b/i.test(column.nativeType);
}

/**
 * A table schema for the columns of a batch, primary key `key`: what a writer that creates its
 * table knows. Sizes come from the columns' native types where the source gave them.
 */
export function schemaFromColumns(table: string, columns: Column[], key: string[]): TableSchema {
  return {
    table: { name: table, kind: 'table' },
    columns: columns.map((c) => ({
      name: c.name,
      nativeType: c.nativeType ?? '',
      type: c.type,
      nullable: c.nullable ?? !key.includes(c.name),
      generated: false,
      autoIncrement: false,
      ...sizeOf(c.type, c.nativeType ?? ''),
    })),
    primaryKey: key,
    indexes: [],
    foreignKeys: [],
  };
}

/** A default every SQL database can take, whatever dialect it was read in. */
export type PortableDefault =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'now' };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const NUMERIC_TYPES = new Set<LogicalType>(['int', 'bigint', 'float', 'decimal']);

/**
 * The column's default when it is a plain literal (a number, a string, a boolean) or the current
 * timestamp; undefined for anything else (functions, sequences, expressions), which cannot be
 * carried from one dialect to another. PostgreSQL's casts (`'a'::text`) are dropped; a string
 * with a backslash is left out, as dialects disagree on what a backslash means in a literal.
 */
export function portableDefault(column: ColumnInfo): PortableDefault | undefined {
  if (column.default === undefined || column.generated || column.autoIncrement) return undefined;
  let text = column.default.trim();
  text = text.replace(/^\((.*)\)$/s, '$1').replace(/(::[a-z_ ]+(\(\d+(,\d+)?\))?(\[\])?)+$/i, '');
  if (/^null$/i.test(text)) return undefined;
  if (/^(current_timestamp|now|localtimestamp)(\(\d*\))?$/i.test(text))
    return column.type === 'timestamp' || column.type === 'timestamptz' ? { kind: 'now' } : undefined;
  let literal: string | undefined;
  if (/^'([^']|'')*'$/s.test(text)) {
    literal = text.slice(1, -1).replaceAll("''", "'");
    if (literal.includes('\\')) return undefined;
  } else if (NUMBER.test(text) || /^(true|false)$/i.test(text)) literal = text;
  else return undefined;
  if (column.type === 'bool') {
    if (/^(1|t|true|y|yes|on)$/i.test(literal)) return { kind: 'bool', value: true };
    if (/^(0|f|false|n|no|off)$/i.test(literal)) return { kind: 'bool', value: false };
    return undefined;
  }
  if (NUMERIC_TYPES.has(column.type))
    return NUMBER.test(literal) ? { kind: 'number', text: literal } : undefined;
  return { kind: 'string', value: literal };
}
