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
  /** Output columns with the expression each has over the staging table, in order. */
  columns: { name: string; sql: string }[];
  /** Conditions a staging row must meet (joined with AND). */
  where: string[];
  /** Set by an `aggregate`: the expressions rows are grouped by (empty: one row for all). */
  groupBy?: string[];
}

/** The processors ELT mode renders. */
export const ELT_PROCESSORS = ['filter', 'mapping', 'transform', 'aggregate'];

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
 * Output column → its expression over the staging table. With `open`, the staging columns are not
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

function lookup(projection: Projection, name: string): Projected | undefined {
  const exact =
    projection.get(name) ?? (projection.open ? same(quoteColumn(projection.open, name)) : undefined);
  if (exact !== undefined) return exact;
  const matches = [...projection.keys()].filter((key) => key.toLowerCase() === name.toLowerCase());
  return matches.length === 1 ? projection.get(matches[0]) : undefined;
}

/** Renders `source` (at `path`) against the projection, a column becoming its expression. */
function render(source: string, path: string, projection: Projection, dialect: EltDialect): string {
  try {
    return renderExpression(source, dialect, (name, offset) => {
      const column = lookup(projection, name);
      if (column === undefined) throw new NotRenderable(`unknown column "${name}"`, offset);
      return column.inExpressions;
    });
  } catch (error) {
    if (error instanceof NotRenderable) throw new EltRefusal(path, error.message, error.offset);
    if (error instanceof ExpressionError) throw new EltRefusal(path, error.message, error.position);
    throw error;
  }
}

function step(select: EltSelect, projection: Projection, item: EltStep, dialect: EltDialect): Projection {
  const { type } = item.component;
  const at = (field: string) => joinPath(item.path, field);
  if (type === 'filter') {
    const condition = render(String(item.component.condition), at('condition'), projection, dialect);
    // exclude keeps the rows where the condition is FALSE or NULL.
    select.where.push(item.component.mode === 'exclude' ? `(${condition} IS NOT TRUE)` : condition);
    return projection;
  }
  if (type === 'mapping') {
    const fields = item.component.fields as Record<string, string> | undefined;
    const drop = item.component.drop as string[] | undefined;
    if (fields) {
      const next: Projection = new Map();
      for (const [name, source] of Object.entries(fields)) {
        const column = lookup(projection, source);
        if (column === undefined) throw new EltRefusal(at(`fields.${name}`), `unknown column "${source}"`);
        next.set(name, column);
      }
      return next;
    }
    const dropped = new Set((drop ?? []).map((name) => name.toLowerCase()));
    const kept: Projection = new Map([...projection].filter(([name]) => !dropped.has(name.toLowerCase())));
    kept.open = projection.open;
    return kept;
  }
  if (type === 'transform') {
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
    for (const [name, source] of Object.entries(fields)) {
      const sql = render(source, at(`${key}.${name}`), projection, dialect);
      const existing = [...next.keys()].find((k) => k === name);
      next.set(existing ?? name, same(sql));
    }
    return next;
  }
  if (type === 'aggregate') return aggregateStep(select, projection, item, dialect);
  throw new EltRefusal(
    at('type'),
    `${String(type)} cannot run in the database in ELT mode (ELT renders ${ELT_PROCESSORS.join(', ')}); run the job as ETL`,
  );
}

/** `aggregate` as GROUP BY: the group fields, then one aggregate expression per output field. */
function aggregateStep(
  select: EltSelect,
  projection: Projection,
  item: EltStep,
  dialect: EltDialect,
): Projection {
  const at = (field: string) => joinPath(item.path, field);
  if (item.component.window !== undefined)
    throw new EltRefusal(at('window'), 'windows by event time are the engine’s; run the job as ETL');
  const next: Projection = new Map();
  const groupBy: string[] = [];
  ((item.component.group_by ?? []) as string[]).forEach((field, i) => {
    const column = lookup(projection, field);
    if (column === undefined) throw new EltRefusal(at(`group_by[${i}]`), `unknown column "${field}"`);
    groupBy.push(column.inExpressions);
    next.set(field, column);
  });
  for (const [name, text] of Object.entries((item.component.aggregates ?? {}) as Record<string, string>)) {
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
    const argument = call.argument === '*' ? '*' : render(call.argument, path, projection, dialect);
    next.set(name, same(sql(argument)));
  }
  select.groupBy = groupBy;
  return next;
}

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
    ? { sql, inExpressions: `CAST(${sql} AS REAL)` }
    : same(sql);
}

/**
 * Folds the processors into one SELECT over the staging table with columns `stagingColumns`
 * (undefined when not known yet: validation then checks only what can be rendered).
 * Throws `EltRefusal` (path and reason) at the first processor or expression it cannot render.
 */
export function buildEltSelect(
  steps: EltStep[],
  stagingColumns: StagingColumn[] | undefined,
  dialect: EltDialect,
): EltSelect {
  const select: EltSelect = { columns: [], where: [] };
  let projection: Projection = new Map(
    (stagingColumns ?? []).map((column) => [column.name, stagingColumn(column, dialect)]),
  );
  if (!stagingColumns) projection.open = dialect;
  for (const item of steps) {
    if (select.groupBy !== undefined)
      throw new EltRefusal(
        joinPath(item.path, 'type'),
        'ELT renders no processor after an aggregate (move it before, or run the job as ETL)',
      );
    projection = step(select, projection, item, dialect);
  }
  select.columns = [...projection].map(([name, { sql }]) => ({ name, sql }));
  return select;
}

/** A table name (optionally `schema.table` / `database.table`) quoted the dialect's way. */
export function quoteTable(dialect: EltDialect, name: string): string {
  return dialect === 'postgresql'
    ? quoteQualifiedName(name)
    : dialect === 'mysql'
      ? quoteTableName(name)
      : quoteSqlite(name);
}

function selectSql(select: EltSelect, staging: string, dialect: EltDialect): string {
  const exprs = select.columns.map(({ name, sql }) => `${sql} AS ${quoteColumn(dialect, name)}`);
  const where = select.where.length > 0 ? ` WHERE ${select.where.join(' AND ')}` : '';
  const groupBy = select.groupBy?.length ? ` GROUP BY ${select.groupBy.join(', ')}` : '';
  return `SELECT ${exprs.join(', ')} FROM ${quoteTable(dialect, staging)}${where}${groupBy}`;
}

/** `INSERT INTO target (cols) SELECT exprs FROM staging WHERE conditions`. */
export function insertSelectSql(
  select: EltSelect,
  target: string,
  staging: string,
  dialect: EltDialect,
): string {
  const columns = select.columns.map(({ name }) => quoteColumn(dialect, name)).join(', ');
  return `INSERT INTO ${quoteTable(dialect, target)} (${columns}) ${selectSql(select, staging, dialect)}`;
}

/** Creates a missing target with the columns of the SELECT (types as the database derives them, no rows). */
export function createTargetSql(
  select: EltSelect,
  target: string,
  staging: string,
  dialect: EltDialect,
): string {
  // LIMIT 0, not WHERE 1 = 0: an aggregate without GROUP BY still returns its one row on no rows.
  return `CREATE TABLE ${quoteTable(dialect, target)} AS ${selectSql(select, staging, dialect)} LIMIT 0`;
}

/** `DROP TABLE IF EXISTS staging`. */
export function dropStagingSql(staging: string, dialect: EltDialect): string {
  return `DROP TABLE IF EXISTS ${quoteTable(dialect, staging)}`;
}
