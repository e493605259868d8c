import { quoteQualifiedName } from '../../connectors/postgresql/identifiers';
import { quoteTableName } from '../../connectors/mysql/identifiers';
import { quoteIdent as quoteSqlite } from '../../connectors/sqlite/reader';
import { parseAggregate } from '../../connectors/aggregate/functions';
import { FieldError } from '../engine/component';
import { ExpressionError } from '../engine/expression/expression-error';
import { joinPath } from '../config/config-path';
import { NotRenderable, quoteColumn, renderExpression, type EltDialect } from './render-expression';

/*
 * The SQL an ELT run executes in the target: the processors folded into one
 * `INSERT INTO target (…) SELECT … FROM staging WHERE …`. Each step rewrites the projection (the
 * expression every output column has over the staging table) and adds conditions; a later step
 * reading a column reads the expression an earlier step gave it.
 */

/** A processor of the chain as ELT mode reads it: its path and its section (`type` and fields). */
export interface EltStep {
  path: string;
  component: Record<string, unknown>;
}

/** Why a processor cannot run in the database, and where (`pipeline.processors[1].fields.total`). */
export class EltRefusal extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    /** 1-based character inside the field's text, when the problem is inside an expression. */
    readonly offset?: number,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'EltRefusal';
  }
}

/** The SELECT over the staging table that the processors amount to. */
export interface EltSelect {
  /** Output columns with the expression each has over the FROM, in order. */
  columns: { name: string; sql: string }[];
  /** Conditions a row must meet (joined with AND). */
  where: string[];
  /** Set by an `aggregate`: the expressions rows are grouped by (empty: one row for all). */
  groupBy?: string[];
  /** What the SELECT reads: the staging table (absent), or a SELECT nested in it. */
  from?: NestedSelect;
}

/**
 * A SELECT read by the one around it: `(SELECT … , extra) AS alias`. A step that must see the rows
 * an earlier step produced (after a GROUP BY, a row numbering) reads them through one.
 */
export interface NestedSelect {
  select: EltSelect;
  alias: string;
  /** Columns the nested SELECT adds for the outer one only (the row order, a row number). */
  extra: { name: string; sql: string }[];
}

/** The processors ELT mode renders. */
export const ELT_PROCESSORS = ['filter', 'mapping', 'transform', 'aggregate', 'deduplicate'];

/**
 * The staging column numbering the rows as the engine saw them, when a step needs their order
 * (deduplicate keeps a key's first or last row; a keyed write keeps its last).
 */
export const ROW_ORDER_COLUMN = '__fustgo_row';
const ROW_NUMBER_COLUMN = '__fustgo_rank';

/** `aggregate` functions as SQL; first and last have no order to follow in SQL, so they are refused. */
const SQL_AGGREGATES: Record<string, (argument: string) => string> = {
  count: (argument) => `COUNT(${argument})`,
  count_distinct: (argument) => `COUNT(DISTINCT ${argument})`,
  sum: (argument) => `SUM(${argument})`,
  avg: (argument) => `AVG(${argument})`,
  min: (argument) => `MIN(${argument})`,
  max: (argument) => `MAX(${argument})`,
};

/**
 * Output column → its expression over the layer's FROM. With `open`, the staging columns are not
 * known yet (validation without a schema): a name not listed is a staging column of that name.
 */
type Projection = Map<string, Projected> & { open?: EltDialect };

/** A column's SQL as written to the target, and as expressions read it. */
interface Projected {
  sql: string;
  /** Differs for SQLite decimals, kept as text: expressions read them as numbers. */
  inExpressions: string;
}

const same = (sql: string): Projected => ({ sql, inExpressions: sql });

/** SQLite reads a decimal kept as text as a number (REAL), as its own numeric columns compare. */
const sqliteNumber = (sql: string) => `CAST(${sql} AS REAL)`;

/** One SELECT being built: the steps since the last nesting add to it. */
interface Layer {
  projection: Projection;
  where: string[];
  groupBy?: string[];
  from?: NestedSelect;
  /** The rows' order as SQL of this layer, when the staging table numbers them. */
  order?: string;
}

/** Builds the SELECTs of one chain; `dialect` and the nesting depth are per build. */
class SelectBuilder {
  private depth = 0;
  constructor(readonly dialect: EltDialect) {}

  lookup(projection: Projection, name: string): Projected | undefined {
    const exact =
      projection.get(name) ?? (projection.open ? same(quoteColumn(projection.open, name)) : undefined);
    if (exact !== undefined) return exact;
    const matches = [...projection.keys()].filter((key) => key.toLowerCase() === name.toLowerCase());
    return matches.length === 1 ? projection.get(matches[0]) : undefined;
  }

  /** A column the step names at `path`, or the refusal saying it is unknown. */
  column(projection: Projection, name: string, path: string): Projected {
    const column = this.lookup(projection, name);
    if (column === undefined) throw new EltRefusal(path, `unknown column "${name}"`);
    return column;
  }

  /** Renders `source` (at `path`) against the projection, a column becoming its expression. */
  render(source: string, path: string, projection: Projection): string {
    try {
      return renderExpression(source, this.dialect, (name, offset) => {
        const column = this.lookup(projection, name);
        if (column === undefined) throw new NotRenderable(`unknown column "${name}"`, offset);
        return column.inExpressions;
      });
    } catch (error) {
      if (error instanceof NotRenderable) throw new EltRefusal(path, error.message, error.offset);
      if (error instanceof ExpressionError) throw new EltRefusal(path, error.message, error.position);
      throw error;
    }
  }

  /** The layer as a SELECT. */
  selectOf(layer: Layer): EltSelect {
    return {
      columns: [...layer.projection].map(([name, { sql }]) => ({ name, sql })),
      where: layer.where,
      ...(layer.groupBy !== undefined ? { groupBy: layer.groupBy } : {}),
      ...(layer.from ? { from: layer.from } : {}),
    };
  }

  /** A new layer reading `layer` as a nested SELECT (with `extra` columns), its columns by name. */
  nest(layer: Layer, extra: { name: string; sql: string }[] = []): Layer {
    const alias = `fustgo_${++this.depth}`;
    const quote = (name: string) => quoteColumn(this.dialect, name);
    const projection: Projection = new Map();
    // Columns not known yet (validation) stay readable by name through the nesting.
    projection.open = layer.projection.open;
    for (const [name, column] of layer.projection) {
      const sql = quote(name);
      projection.set(name, {
        sql,
        inExpressions: column.inExpressions === column.sql ? sql : sqliteNumber(sql),
      });
    }
    const order = layer.order !== undefined ? [{ name: ROW_ORDER_COLUMN, sql: layer.order }] : [];
    return {
      projection,
      where: [],
      from: { select: this.selectOf(layer), alias, extra: [...order, ...extra] },
      ...(layer.order !== undefined ? { order: quote(ROW_ORDER_COLUMN) } : {}),
    };
  }

  step(current: Layer, item: EltStep): Layer {
    // A step after a GROUP BY reads the groups, not the staging rows.
    const layer = current.groupBy !== undefined ? this.nest(current) : current;
    const { type } = item.component;
    const at = (field: string) => joinPath(item.path, field);
    if (type === 'filter' || type === BRANCH_CONDITION) {
      const path = type === BRANCH_CONDITION ? item.path : at('condition');
      const condition = this.render(String(item.component.condition), path, layer.projection);
      // exclude keeps the rows where the condition is FALSE or NULL.
      layer.where.push(item.component.mode === 'exclude' ? `(${condition} IS NOT TRUE)` : condition);
      return layer;
    }
    if (type === 'mapping') return { ...layer, projection: this.mapping(layer.projection, item) };
    if (type === 'transform') return { ...layer, projection: this.transform(layer.projection, item) };
    if (type === 'aggregate') return this.aggregate(layer, item);
    if (type === 'deduplicate') return this.deduplicate(layer, item);
    throw new EltRefusal(
      at('type'),
      `${String(type)} cannot run in the database in ELT mode (ELT renders ${ELT_PROCESSORS.join(', ')}); run the job as ETL`,
    );
  }

  private mapping(projection: Projection, item: EltStep): Projection {
    const fields = item.component.fields as Record<string, string> | undefined;
    const drop = item.component.drop as string[] | undefined;
    if (fields) {
      const next: Projection = new Map();
      for (const [name, source] of Object.entries(fields))
        next.set(name, this.column(projection, source, joinPath(item.path, `fields.${name}`)));
      return next;
    }
    const dropped = new Set((drop ?? []).map((name) => name.toLowerCase()));
    const kept: Projection = new Map([...projection].filter(([name]) => !dropped.has(name.toLowerCase())));
    kept.open = projection.open;
    return kept;
  }

  private transform(projection: Projection, item: EltStep): Projection {
    const at = (field: string) => joinPath(item.path, field);
    if (item.component.cast !== undefined)
      throw new EltRefusal(
        at('cast'),
        'cast is not rendered in ELT mode (formats and types are the engine’s)',
      );
    const key = item.component.fields !== undefined ? 'fields' : 'set';
    const fields = (item.component[key] ?? {}) as Record<string, string>;
    const next: Projection = new Map(projection);
    next.open = projection.open;
    // Every expression reads the row as it came in, not the other computed fields.
    for (const [name, source] of Object.entries(fields))
      next.set(name, same(this.render(source, at(`${key}.${name}`), projection)));
    return next;
  }

  /** `aggregate` as GROUP BY: the group fields, then one aggregate expression per output field. */
  private aggregate(layer: Layer, item: EltStep): Layer {
    const at = (field: string) => joinPath(item.path, field);
    if (item.component.window !== undefined)
      throw new EltRefusal(at('window'), 'windows by event time are the engine’s; run the job as ETL');
    const projection: Projection = new Map();
    const groupBy: string[] = [];
    ((item.component.group_by ?? []) as string[]).forEach((field, i) => {
      const column = this.column(layer.projection, field, at(`group_by[${i}]`));
      groupBy.push(column.inExpressions);
      projection.set(field, column);
    });
    const aggregates = (item.component.aggregates ?? {}) as Record<string, string>;
    for (const [name, text] of Object.entries(aggregates)) {
      const path = at(`aggregates.${name}`);
      let call;
      try {
        call = parseAggregate(name, path, text);
      } catch (error) {
        if (error instanceof FieldError) throw new EltRefusal(path, error.message, error.offset);
        throw error;
      }
      const sql = SQL_AGGREGATES[call.fn];
      if (!sql)
        throw new EltRefusal(
          path,
          `${call.fn} follows the order rows arrive in, which SQL has not; run the job as ETL`,
        );
      const argument = call.argument === '*' ? '*' : this.render(call.argument, path, layer.projection);
      projection.set(name, same(sql(argument)));
    }
    // A group comes where its first row came, as the engine emits the groups.
    return {
      ...layer,
      projection,
      groupBy,
      ...(layer.order !== undefined ? { order: `MIN(${layer.order})` } : {}),
    };
  }

  /**
   * `deduplicate` as ROW_NUMBER() over the key, in the rows' order (descending for keep: last),
   * keeping rank 1. NULL keys share a partition and decimals partition by value, as the engine's keys.
   */
  private deduplicate(layer: Layer, item: EltStep): Layer {
    const at = (field: string) => joinPath(item.path, field);
    if (item.component.window !== undefined)
      throw new EltRefusal(at('window'), 'windows in time are the engine’s; run the job as ETL');
    if (layer.order === undefined)
      throw new EltRefusal(at('type'), 'deduplicate needs the rows numbered in the staging table');
    const keys = ((item.component.key ?? []) as string[]).map(
      (field, i) => this.column(layer.projection, field, at(`key[${i}]`)).inExpressions,
    );
    const order = item.component.keep === 'last' ? `${layer.order} DESC` : layer.order;
    const rank = `ROW_NUMBER() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${order})`;
    const next = this.nest(layer, [{ name: ROW_NUMBER_COLUMN, sql: rank }]);
    next.where.push(`${quoteColumn(this.dialect, ROW_NUMBER_COLUMN)} = 1`);
    return next;
  }
}

/**
 * The `type` of the step a branch's `when` becomes: a filter whose path is the `when` itself
 * (`mode: exclude` for the `when` of an earlier branch, which the row did not take).
 */
export const BRANCH_CONDITION = 'when';

/** A staging column: its name, and its logical type when known. */
export interface StagingColumn {
  name: string;
  type?: string;
}

function stagingColumn(column: StagingColumn, dialect: EltDialect): Projected {
  const sql = quoteColumn(dialect, column.name);
  // SQLite keeps our decimals as text (exact), which compares greater than any number: expressions
  // read them as REAL, as SQLite's own numeric columns are.
  return dialect === 'sqlite' && column.type === 'decimal'
    ? { sql, inExpressions: sqliteNumber(sql) }
    : same(sql);
}

/** What a SELECT must also do before its rows are written. */
export interface EltSelectOptions {
  /**
   * A keyed write (upsert, replace, merge): the last row of each key only, as the engine's writers
   * keep it; `path` locates the key's section in the config (`output.conflict`).
   */
  lastPerKey?: { key: string[]; path: string };
}

/**
 * Folds the processors into one SELECT over the staging table with columns `stagingColumns`
 * (undefined when not known yet: validation then checks only what can be rendered). A staging
 * column `ROW_ORDER_COLUMN` numbers the rows for the steps that need their order.
 * Throws `EltRefusal` (path and reason) at the first processor or expression it cannot render.
 */
export function buildEltSelect(
  steps: EltStep[],
  stagingColumns: StagingColumn[] | undefined,
  dialect: EltDialect,
  options: EltSelectOptions = {},
): EltSelect {
  const builder = new SelectBuilder(dialect);
  const numbered = stagingColumns === undefined || stagingColumns.some((c) => c.name === ROW_ORDER_COLUMN);
  const projection: Projection = new Map(
    (stagingColumns ?? [])
      .filter((column) => column.name !== ROW_ORDER_COLUMN)
      .map((column) => [column.name, stagingColumn(column, dialect)]),
  );
  if (!stagingColumns) projection.open = dialect;
  let layer: Layer = {
    projection,
    where: [],
    ...(numbered ? { order: quoteColumn(dialect, ROW_ORDER_COLUMN) } : {}),
  };
  for (const item of steps) layer = builder.step(layer, item);
  const { lastPerKey } = options;
  if (lastPerKey)
    layer = builder.step(layer, {
      path: lastPerKey.path,
      component: { type: 'deduplicate', key: lastPerKey.key, keep: 'last' },
    });
  return builder.selectOf(layer);
}

/** A table name (optionally `schema.table` / `database.table`) quoted the dialect's way. */
export function quoteTable(dialect: EltDialect, name: string): string {
  return dialect === 'postgresql'
    ? quoteQualifiedName(name)
    : dialect === 'mysql'
      ? quoteTableName(name)
      : quoteSqlite(name);
}

/** The SELECT as SQL over the staging table, with `extra` columns after its own. */
export function selectSql(
  select: EltSelect,
  staging: string,
  dialect: EltDialect,
  extra: { name: string; sql: string }[] = [],
): string {
  const exprs = [...select.columns, ...extra].map(
    ({ name, sql }) => `${sql} AS ${quoteColumn(dialect, name)}`,
  );
  const nested = select.from;
  const from = nested
    ? `(${selectSql(nested.select, staging, dialect, nested.extra)}) AS ${quoteColumn(dialect, nested.alias)}`
    : quoteTable(dialect, staging);
  const where = select.where.length > 0 ? ` WHERE ${select.where.join(' AND ')}` : '';
  const groupBy = select.groupBy?.length ? ` GROUP BY ${select.groupBy.join(', ')}` : '';
  return `SELECT ${exprs.join(', ')} FROM ${from}${where}${groupBy}`;
}

/** The quoted output columns of a SELECT, as an INSERT lists them. */
export function columnListSql(select: EltSelect, dialect: EltDialect): string {
  return select.columns.map(({ name }) => quoteColumn(dialect, name)).join(', ');
}

/** `INSERT INTO target (cols) SELECT exprs FROM staging WHERE conditions`. */
export function insertSelectSql(
  select: EltSelect,
  target: string,
  staging: string,
  dialect: EltDialect,
): string {
  return `INSERT INTO ${quoteTable(dialect, target)} (${columnListSql(select, dialect)}) ${selectSql(select, staging, dialect)}`;
}

/** `DROP TABLE IF EXISTS staging`. */
export function dropStagingSql(staging: string, dialect: EltDialect): string {
  return `DROP TABLE IF EXISTS ${quoteTable(dialect, staging)}`;
}
