import { Type as T, type Static, type TSchema } from '@sinclair/typebox';

/*
 * The metadata catalog as the API shows it: what scans of saved connections found (databases or
 * schemas, tables and views, columns, keys, indexes), each scan's log with what it changed, and
 * where tables are used by jobs.
 */

const Nullable = <S extends TSchema>(schema: S) => T.Union([schema, T.Null()]);

/** `full` reads every table again; `incremental` only those the database says changed since the last scan. */
export const ScanMode = T.Union([T.Literal('full'), T.Literal('incremental')]);
export type ScanMode = Static<typeof ScanMode>;

/** 1: databases / schemas; 2: and their tables and views; 3: and columns, keys, indexes, comments. */
export const ScanLevel = T.Union([T.Literal(1), T.Literal(2), T.Literal(3)]);
export type ScanLevel = Static<typeof ScanLevel>;

export const ScanStatus = T.Union([T.Literal('running'), T.Literal('completed'), T.Literal('failed')]);
export type ScanStatus = Static<typeof ScanStatus>;

/** Who started a scan: a user, saving the connection, or its schedule. */
export const ScanTrigger = T.Union([T.Literal('manual'), T.Literal('saved'), T.Literal('schedule')]);
export type ScanTrigger = Static<typeof ScanTrigger>;

/** One property of a column that a scan found changed (`type`, `nullable`, `default`, `comment`…). */
export const FieldChange = T.Object({
  field: T.String(),
  before: Nullable(T.String()),
  after: Nullable(T.String()),
});
export type FieldChange = Static<typeof FieldChange>;

export const ColumnChange = T.Object({ name: T.String(), changes: T.Array(FieldChange) });
export type ColumnChange = Static<typeof ColumnChange>;

/** A table a scan found altered: columns added, removed, altered, and what else changed on it. */
export const TableChange = T.Object({
  /** The qualified name (`schema.table`). */
  table: T.String(),
  columns_added: T.Array(T.String()),
  columns_removed: T.Array(T.String()),
  columns_altered: T.Array(ColumnChange),
  /** Table-level changes: `comment`, `kind`, `primary key`, `indexes`, `foreign keys`, `column order`. */
  changed: T.Array(T.String()),
});
export type TableChange = Static<typeof TableChange>;

/** What a scan changed in the catalog. Name lists are cut at `LIST_LIMIT` entries; the counts are whole. */
export const ScanChanges = T.Object({
  databases_added: T.Array(T.String()),
  databases_removed: T.Array(T.String()),
  tables_added: T.Array(T.String()),
  tables_removed: T.Array(T.String()),
  tables_altered: T.Array(TableChange),
  counts: T.Object({
    tables_added: T.Integer(),
    tables_removed: T.Integer(),
    tables_altered: T.Integer(),
    /** Tables found as they were: skipped by an incremental scan, or read and found equal. */
    tables_unchanged: T.Integer(),
  }),
});
export type ScanChanges = Static<typeof ScanChanges>;

/** Entries kept per name list of `ScanChanges`. */
export const LIST_LIMIT = 200;

/** One scan of a connection, running or finished. */
export const ScanLog = T.Object({
  id: T.String(),
  connection_id: T.String(),
  triggered_by: ScanTrigger,
  mode: ScanMode,
  level: ScanLevel,
  status: ScanStatus,
  started_at: T.String(),
  finished_at: Nullable(T.String()),
  /** Tables found (null until listed); `tables_done` of them handled, `tables_read` of those read in detail. */
  tables_total: Nullable(T.Integer()),
  tables_done: T.Integer(),
  tables_read: T.Integer(),
  /** 1, plus one per retry after a transient error (connection refused or lost, too many connections). */
  attempts: T.Integer(),
  /** Why it failed, in the driver's words (never a secret). */
  error: Nullable(T.String()),
  changes: Nullable(ScanChanges),
});
export type ScanLog = Static<typeof ScanLog>;

/** A saved connection as the catalog sees it: what it holds and how it was last scanned. */
export const CatalogConnection = T.Object({
  connection_id: T.String(),
  name: T.String(),
  type: T.String(),
  database_count: T.Integer(),
  table_count: T.Integer(),
  last_scan: Nullable(ScanLog),
  scan_interval_minutes: Nullable(T.Integer()),
});
export type CatalogConnection = Static<typeof CatalogConnection>;

/** A database (MySQL, SQLite's `main`) or schema (PostgreSQL) of a connection. */
export const CatalogDatabase = T.Object({
  id: T.String(),
  connection_id: T.String(),
  name: T.String(),
  table_count: T.Integer(),
  view_count: T.Integer(),
  last_scanned_at: T.String(),
  removed_at: Nullable(T.String()),
});
export type CatalogDatabase = Static<typeof CatalogDatabase>;

export const CatalogTable = T.Object({
  id: T.String(),
  database_id: T.String(),
  database: T.String(),
  name: T.String(),
  /** As a pipeline's `query.table` names it: `schema.table`, or `table` where there are no schemas. */
  qualified_name: T.String(),
  kind: T.Union([T.Literal('table'), T.Literal('view')]),
  /** The database's estimate from its statistics, not a count. */
  row_estimate: Nullable(T.Integer()),
  comment: Nullable(T.String()),
  column_count: T.Integer(),
  last_scanned_at: T.String(),
  /** When its columns and keys were last read (null after only level 1–2 scans). */
  described_at: Nullable(T.String()),
  removed_at: Nullable(T.String()),
});
export type CatalogTable = Static<typeof CatalogTable>;

export const CatalogColumn = T.Object({
  ordinal: T.Integer(),
  name: T.String(),
  /** The type as the database spells it (`varchar(200)`). */
  native_type: T.String(),
  /** The logical type a read gives its values (`string`, `decimal`…). */
  type: T.String(),
  nullable: T.Boolean(),
  default: Nullable(T.String()),
  comment: Nullable(T.String()),
  /** 1-based place in the primary key, null when not in it. */
  primary_key_position: Nullable(T.Integer()),
  generated: T.Boolean(),
  auto_increment: T.Boolean(),
});
export type CatalogColumn = Static<typeof CatalogColumn>;

export const CatalogIndex = T.Object({ name: T.String(), columns: T.Array(T.String()), unique: T.Boolean() });
export type CatalogIndex = Static<typeof CatalogIndex>;

export const CatalogForeignKey = T.Object({
  name: T.String(),
  columns: T.Array(T.String()),
  ref_schema: Nullable(T.String()),
  ref_table: T.String(),
  ref_columns: T.Array(T.String()),
  on_delete: Nullable(T.String()),
  on_update: Nullable(T.String()),
});
export type CatalogForeignKey = Static<typeof CatalogForeignKey>;

/** A job that reads the table (its input) or writes it (an output). */
export const TableJob = T.Object({
  id: T.String(),
  name: T.String(),
  access: T.Union([T.Literal('read'), T.Literal('write')]),
});
export type TableJob = Static<typeof TableJob>;

export const CatalogTableDetail = T.Composite([
  CatalogTable,
  T.Object({
    connection: T.Object({ id: T.String(), name: T.String(), type: T.String() }),
    columns: T.Array(CatalogColumn),
    primary_key: T.Array(T.String()),
    indexes: T.Array(CatalogIndex),
    foreign_keys: T.Array(CatalogForeignKey),
    first_seen_at: T.String(),
    /** When the database says the structure / the data last changed (MySQL's CREATE_TIME / UPDATE_TIME). */
    source_changed_at: Nullable(T.String()),
    source_updated_at: Nullable(T.String()),
    jobs: T.Array(TableJob),
  }),
]);
export type CatalogTableDetail = Static<typeof CatalogTableDetail>;

/** A table or column whose name or comment matches a search. */
export const CatalogSearchHit = T.Object({
  kind: T.Union([T.Literal('table'), T.Literal('column')]),
  connection_id: T.String(),
  connection_name: T.String(),
  database: T.String(),
  table_id: T.String(),
  /** The table's qualified name. */
  table: T.String(),
  table_kind: T.Union([T.Literal('table'), T.Literal('view')]),
  /** The column's name for a column hit. */
  column: Nullable(T.String()),
  native_type: Nullable(T.String()),
  /** Where the text matched. */
  matched: T.Union([T.Literal('name'), T.Literal('comment')]),
  comment: Nullable(T.String()),
});
export type CatalogSearchHit = Static<typeof CatalogSearchHit>;

export const CatalogSettings = T.Object({
  connection_id: T.String(),
  /** Minutes between scheduled incremental scans; null: scanned only on demand and after saving. */
  scan_interval_minutes: Nullable(T.Integer()),
});
export type CatalogSettings = Static<typeof CatalogSettings>;
