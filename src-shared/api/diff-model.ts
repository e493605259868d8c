import { Type as T, type Static } from '@sinclair/typebox';

/*
 * The schema diff as the API, `fustgo diff --json` and the studio show it: the columns a
 * pipeline writes (the source after its processors) beside the target table's, one row per
 * column with a status, the reasons in words, a suggested target type, and the DDL that would
 * create the table or fit it to the incoming columns.
 */

/** How a column of the pipeline's output and the target table's column of that name get along. */
export const DiffStatus = T.Union([
  T.Literal('compatible'),
  T.Literal('warning'),
  T.Literal('incompatible'),
  T.Literal('missing_in_source'),
  T.Literal('missing_in_target'),
]);
export type DiffStatus = Static<typeof DiffStatus>;

/** The statuses in the order the diff lists and counts them. */
export const DIFF_STATUSES: DiffStatus[] = [
  'compatible',
  'warning',
  'incompatible',
  'missing_in_source',
  'missing_in_target',
];

/**
 * Why a row has its status, or a note about a table: a code the studio translates
 * (`diff.reason.<code>` in the message tables, with `params` filled in), and the English text.
 */
export const DiffReason = T.Object({
  code: T.String(),
  params: T.Record(T.String(), T.Union([T.String(), T.Number()])),
  text: T.String(),
});
export type DiffReason = Static<typeof DiffReason>;

/** One side's column: its name, logical type and the type as its database spells it. */
export const DiffColumn = T.Object({
  name: T.String(),
  type: T.String({ description: 'logical type' }),
  native_type: T.String({ description: 'the database’s spelling; the logical type where none is known' }),
  /** Null where the side does not say (a query's columns). */
  nullable: T.Union([T.Boolean(), T.Null()]),
});
export type DiffColumn = Static<typeof DiffColumn>;

export const DiffRow = T.Object({
  /** The column the pipeline writes; null for a target column it does not fill. */
  source: T.Union([DiffColumn, T.Null()]),
  /** The target table's column; null when the table lacks it (or is missing). */
  target: T.Union([DiffColumn, T.Null()]),
  status: DiffStatus,
  /**
   * True when this row makes the run fail as the target is: an incompatible type, a column the
   * table lacks, a NOT NULL column the pipeline does not fill, a missing table the run will not create.
   */
  blocking: T.Boolean(),
  reasons: T.Array(DiffReason),
  /**
   * The target type that fits the source column, from the target database's type map: the
   * current type when it already fits; null for a target column the pipeline does not fill.
   */
  suggested_type: T.Union([T.String(), T.Null()]),
});
export type DiffRow = Static<typeof DiffRow>;

/** One generated DDL statement and what it is for. */
export const DiffStatement = T.Object({
  sql: T.String(),
  kind: T.Union([
    T.Literal('create_table'),
    T.Literal('add_column'),
    T.Literal('alter_column'),
    T.Literal('other'),
  ]),
  /** The column it adds or changes; null for statements about the whole table. */
  column: T.Union([T.String(), T.Null()]),
});
export type DiffStatement = Static<typeof DiffStatement>;

/** One target table compared with the stream of rows the pipeline writes into it. */
export const TableDiff = T.Object({
  /** Where the rows come from: `shop.orders`, or `query` for a SQL query, file or generator. */
  source_table: T.String(),
  /** The target table as the output writes it (`public.orders`). */
  target_table: T.String(),
  target_exists: T.Boolean(),
  rows: T.Array(DiffRow),
  /** The DDL that creates the table or fits it to the incoming columns, in the order to run it. */
  statements: T.Array(DiffStatement),
  /** What the DDL cannot do, and other things to know about this table. */
  notes: T.Array(DiffReason),
  /** True when the run can write into the table as it is (warnings allowed). */
  ok: T.Boolean(),
});
export type TableDiff = Static<typeof TableDiff>;

export const SchemaDiff = T.Object({
  /** The pipeline's input, as people name it: `mysql 127.0.0.1/shop`, `sqlite data/shop.db`. */
  source: T.String(),
  /** The pipeline's output database. */
  target: T.String(),
  /** The target database's name for messages: `PostgreSQL`, `MySQL`, `SQLite`. */
  database: T.String(),
  /** True where the DDL runs in one transaction (PostgreSQL, SQLite); MySQL commits each statement itself. */
  transactional_ddl: T.Boolean(),
  /** `write.create_table`: whether a run creates a missing table itself. */
  create_table: T.Boolean(),
  tables: T.Array(TableDiff),
  /** Rows per status over every table. */
  counts: T.Record(T.String(), T.Integer()),
  /** True when every table is ok: nothing incompatible, no column or table the run would miss. */
  ok: T.Boolean(),
});
export type SchemaDiff = Static<typeof SchemaDiff>;

/** What applying the DDL did. */
export const DdlApplyResult = T.Object({
  /** The statements that ran, in order (all of them, or the transaction was rolled back). */
  applied: T.Array(T.String()),
  transactional: T.Boolean(),
  database: T.String(),
  /** How it was applied, in words: one transaction, or each statement committed on its own. */
  note: DiffReason,
});
export type DdlApplyResult = Static<typeof DdlApplyResult>;
