import { Type as T, type Static } from '@sinclair/typebox';
import { route } from './route';

/*
 * Asking a component's own database what it holds, as its config in the editor points at it
 * (connection fields written in the node, `${VAR}`s, a saved connection): the designer's table
 * and column pickers for a node whose connection is not a saved one, so not in the catalog.
 */

/** A table or view the component's database holds. */
export const InspectedTable = T.Object({
  /** As `query.table` names it: `schema.table`, or `table` where there are no schemas. */
  qualified_name: T.String(),
  kind: T.Union([T.Literal('table'), T.Literal('view')]),
  /** The database's estimate from its statistics, not a count; null where it has none. */
  row_estimate: T.Union([T.Integer(), T.Null()]),
  comment: T.Union([T.String(), T.Null()]),
});
export type InspectedTable = Static<typeof InspectedTable>;

/** A column of one table, in the table's order. */
export const InspectedColumn = T.Object({
  name: T.String(),
  /** The logical type a read gives its values (`string`, `decimal`…). */
  type: T.String(),
  /** The type as the database spells it (`varchar(200)`). */
  native_type: T.String(),
  nullable: T.Boolean(),
  /** 1-based place in the primary key, null when not in it. */
  primary_key_position: T.Union([T.Integer(), T.Null()]),
  comment: T.Union([T.String(), T.Null()]),
});
export type InspectedColumn = Static<typeof InspectedColumn>;

export const InspectComponentInput = T.Object({
  kind: T.Union([T.Literal('input'), T.Literal('output')]),
  /** The component type (`postgresql`, `sqlite`). */
  type: T.String({ minLength: 1 }),
  /**
   * The node's config section as parsed from the YAML (`type` may be in it): `${VAR}`s are
   * substituted and `connection: { ref }` resolved as a run would; only the fields that say where
   * the database is must be valid.
   */
  section: T.Record(T.String(), T.Unknown()),
  /** The job the node belongs to: relative paths (a SQLite file) resolve in its folder. */
  job_id: T.Optional(T.String({ minLength: 1 })),
  /** Describe this table (`name` or `schema.name`) instead of listing the tables. */
  table: T.Optional(T.String({ minLength: 1 })),
});
export type InspectComponentInput = Static<typeof InspectComponentInput>;

export const InspectComponentResult = T.Union([
  T.Object({ tables: T.Array(InspectedTable) }),
  T.Object({ columns: T.Array(InspectedColumn) }),
]);
export type InspectComponentResult = Static<typeof InspectComponentResult>;

/** What a component's database holds, read from it directly (never from the catalog). */
export const inspectRoutes = {
  inspectComponent: route({
    method: 'POST',
    path: '/inspect/component',
    input: InspectComponentInput,
    output: InspectComponentResult,
    summary:
      'List the tables of the database a component’s config points at, or describe one table’s columns, asking the database itself (a few seconds at most)',
  }),
} as const;
