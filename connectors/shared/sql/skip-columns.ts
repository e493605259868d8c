import type { Batch, Column } from '../../../src-main/engine/batch';

/*
 * Leaving incoming columns out of a write: the target's generated (computed) columns, which the
 * database refuses values for (PostgreSQL "cannot insert a non-DEFAULT value", MySQL 3105, SQLite
 * "cannot INSERT into generated column") and computes itself.
 */

/** A shape's kept columns and where they are in its rows; null when the shape loses no column. */
type Projection = { columns: Column[]; indexes: number[] } | null;

/** Per list of names, per input `columns` array: a batch shape is projected once, and keeps one `columns` array. */
const projections = new WeakMap<readonly string[], WeakMap<Column[], Projection>>();

/**
 * The names of `columns` that are among `names`, in the columns' order. With `ignoreCase` (MySQL,
 * SQLite: column names are case-insensitive there), `names` must be in lower case.
 */
export function leftOutColumns(columns: Column[], names: readonly string[], ignoreCase = false): string[] {
  if (names.length === 0) return [];
  return columns.map((c) => c.name).filter((name) => names.includes(ignoreCase ? name.toLowerCase() : name));
}

function projection(columns: Column[], names: readonly string[], ignoreCase: boolean): Projection {
  let byShape = projections.get(names);
  if (!byShape) projections.set(names, (byShape = new WeakMap()));
  let found = byShape.get(columns);
  if (found !== undefined) return found;
  const skipped = new Set(leftOutColumns(columns, names, ignoreCase));
  const indexes = columns.flatMap((c, i) => (skipped.has(c.name) ? [] : [i]));
  found = skipped.size === 0 ? null : { columns: indexes.map((i) => columns[i]), indexes };
  byShape.set(columns, found);
  return found;
}

/**
 * `columns` without those among `names`: the same array when none is, and otherwise one array
 * per input array, so caches keyed by `columns` keep working. Pass one `names` array per target
 * (it keys the cache), always with the same `ignoreCase`.
 */
export function columnsWithout(columns: Column[], names: readonly string[], ignoreCase = false): Column[] {
  if (names.length === 0) return columns;
  return projection(columns, names, ignoreCase)?.columns ?? columns;
}

/**
 * The batch without the columns among `names` (see `columnsWithout`); the batch itself when it
 * has none of them. Rows keep their order, so a row's index is the same in both batches.
 */
export function withoutColumns(batch: Batch, names: readonly string[], ignoreCase = false): Batch {
  if (names.length === 0) return batch;
  const found = projection(batch.columns, names, ignoreCase);
  if (!found) return batch;
  const { columns, indexes } = found;
  return { ...batch, columns, rows: batch.rows.map((row) => indexes.map((i) => row[i])) };
}

/** The run log's line about generated columns left out of the rows written to `where`. */
export function leftOutNote(names: string[], where: string): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  const plural = names.length > 1;
  return (
    `leaving out incoming column${plural ? 's' : ''} ${list}: ${plural ? 'they are generated columns' : 'it is a generated column'} ` +
    `of table ${where}, which computes ${plural ? 'their values' : 'its value'}`
  );
}
