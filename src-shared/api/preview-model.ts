import { Type as T, type Static } from '@sinclair/typebox';
import { LOGICAL_TYPES } from '../types/logical';

/*
 * Data preview as the API shows it: the first rows of a table or query, every value JSON-safe
 * (bigint and decimal as strings, timestamps as ISO 8601 text, bytes as marked hex), with the
 * columns' types and statistics over those rows, and how many rows there are where that is known.
 */

/** Rows a preview shows when the caller does not say. */
export const DEFAULT_PREVIEW_LIMIT = 100;
/** The most rows one preview returns. */
export const MAX_PREVIEW_LIMIT = 10_000;
/** How long an exact count may run by default before it is cancelled. */
export const DEFAULT_COUNT_TIMEOUT_MS = 60_000;
/** The longest an exact count may be allowed to run. */
export const MAX_COUNT_TIMEOUT_MS = 600_000;
/** Distinct sample values per column in the statistics. */
export const SAMPLE_VALUES = 5;

/**
 * How a masked column's values are hidden, on the server before they leave it: `hash` gives the
 * first 16 hex digits of the value's SHA-256 (equal values stay equal), `partial` keeps the first
 * and last character(s) and stars the middle (`alice@example.com` → `al*************om`).
 */
export const MaskMode = T.Union([T.Literal('hash'), T.Literal('partial')]);
export type MaskMode = Static<typeof MaskMode>;

/** Columns to mask, by result column name. */
export const MaskSpec = T.Record(T.String({ minLength: 1 }), MaskMode);
export type MaskSpec = Static<typeof MaskSpec>;

export const LogicalTypeName = T.Union(LOGICAL_TYPES.map((type) => T.Literal(type)));

/** A binary value: hex of its first bytes (at most 1 KiB) and its whole length in bytes. */
export const BytesValue = T.Object({ $bytes: T.String(), length: T.Integer() });
export type BytesValue = Static<typeof BytesValue>;

/** What the rows of the sample say about one column. */
export const ColumnStats = T.Object({
  nulls: T.Integer(),
  /** NULLs over the sample's rows, 0–1 (0 for an empty sample). */
  null_ratio: T.Number(),
  /** Distinct non-NULL values in the sample. */
  distinct: T.Integer(),
  /** Up to SAMPLE_VALUES distinct non-NULL values, in the order they first appear. */
  samples: T.Array(T.Unknown()),
});
export type ColumnStats = Static<typeof ColumnStats>;

export const PreviewColumn = T.Object({
  name: T.String(),
  /** The type as the database spells it (`numeric(12,2)`, `VARCHAR(200)`). */
  native_type: T.String(),
  /** The logical type of the values; `string` for a masked column. */
  type: LogicalTypeName,
  nullable: T.Optional(T.Boolean()),
  comment: T.Optional(T.String()),
  masked: T.Optional(MaskMode),
  stats: ColumnStats,
});
export type PreviewColumn = Static<typeof PreviewColumn>;

/**
 * How many rows the table or query has: `exact` when the preview saw them all (or on a count),
 * `estimate` from the database's statistics, `unknown` for queries and never-analysed tables.
 */
export const RowCount = T.Object({
  kind: T.Union([T.Literal('exact'), T.Literal('estimate'), T.Literal('unknown')]),
  value: T.Optional(T.Number()),
});
export type RowCount = Static<typeof RowCount>;

/** What was previewed: the saved connection (or job side), the table, and the statement that ran. */
export const PreviewSource = T.Object({
  /** The saved connection's name, or `job <name> input` / `job <name> output`. */
  label: T.String(),
  /** The connector: `postgresql`, `mysql`, `sqlite`, or a job input's type. */
  type: T.String(),
  table: T.Optional(T.String()),
  /** The statement the database ran (a table preview's SELECT with its LIMIT); absent for non-SQL inputs. */
  sql: T.Optional(T.String()),
});
export type PreviewSource = Static<typeof PreviewSource>;

export const PreviewResult = T.Object({
  source: PreviewSource,
  columns: T.Array(PreviewColumn),
  /** Rows as arrays in column order; see BytesValue for bytes, ISO 8601 text for timestamps. */
  rows: T.Array(T.Array(T.Unknown())),
  limit: T.Integer(),
  /** More rows follow the ones shown. */
  has_more: T.Boolean(),
  row_count: RowCount,
  duration_ms: T.Number(),
  /** What the user should know about these rows (values shortened, zero dates read as NULL…). */
  notes: T.Array(T.String()),
});
export type PreviewResult = Static<typeof PreviewResult>;

/** An exact `COUNT(*)`. */
export const CountResult = T.Object({
  table: T.String(),
  count: T.Number(),
  duration_ms: T.Number(),
});
export type CountResult = Static<typeof CountResult>;

/** A table or view a preview can read, for pickers. */
export const PreviewTable = T.Object({
  /** What `previewTable` takes: `schema.name` where the database has schemas. */
  name: T.String(),
  kind: T.Union([T.Literal('table'), T.Literal('view')]),
  row_estimate: T.Optional(T.Number()),
});
export type PreviewTable = Static<typeof PreviewTable>;
