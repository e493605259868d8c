import { Type } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import { FieldError } from '../../src-main/engine/component';
import {
  compileExpression,
  ExpressionError,
  type CompiledExpression,
} from '../../src-main/engine/expression/compile';
import { LOGICAL_TYPES, type LogicalType } from '../../src-shared/types/logical';

/*
 * What the row-wise processors share: finding a named column (with the expression engine's
 * "did you mean"), compiling SQL they generate from their config, SQL casts to logical types,
 * and placing the columns they set (replacing a column of that name, else appended).
 */

/** JSON Schema of a logical type name, for processor configs. */
export function logicalTypeSchema(description: string, defaultType?: LogicalType) {
  return Type.Union(
    LOGICAL_TYPES.map((t) => Type.Literal(t)),
    defaultType === undefined ? { description } : { description, default: defaultType },
  );
}

/**
 * A column name as an SQL identifier: backquoted; a name with a backquote in it double-quoted
 * (a double quote doubled), which the engine reads as that column.
 */
export function sqlIdentifier(name: string): string {
  return name.includes('`') ? `"${name.replaceAll('"', '""')}"` : `\`${name}\``;
}

/** Text as an SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Compiles an expression against the columns; an `ExpressionError` becomes a `FieldError` at
 * `path`. `written`: the user wrote `source`, so the error keeps its position inside it (a
 * generated expression's positions would point at text the user never saw).
 */
export function compileAt(
  path: string,
  source: string,
  columns: Column[],
  written = false,
): CompiledExpression {
  try {
    return compileExpression(source, columns);
  } catch (error) {
    if (error instanceof ExpressionError)
      throw new FieldError(path, error.message, written ? error.position : undefined);
    throw error;
  }
}

/**
 * Index of the column a config names at `path`: exact, else ignoring case when unambiguous, as
 * expressions find columns; an unknown one is a `FieldError` with the closest names.
 */
export function columnAt(path: string, columns: Column[], name: string): number {
  const exact = columns.findIndex((c) => c.name === name);
  if (exact >= 0) return exact;
  const resolved = compileAt(path, sqlIdentifier(name), columns).columns[0];
  return columns.findIndex((c) => c.name === resolved);
}

/** The SQL type CAST converts to for each logical type (json is parsed by CAST AS JSON). */
const CAST_TYPES: Record<LogicalType, string> = {
  string: 'TEXT',
  int: 'INT',
  bigint: 'BIGINT',
  float: 'DOUBLE',
  decimal: 'DECIMAL',
  bool: 'BOOLEAN',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  json: 'JSON',
  bytes: 'BLOB',
  uuid: 'UUID',
};

/**
 * `value` converted to a logical type, as SQL. A decimal gets `scale` digits after the point
 * (rounded half away from zero) and, with `precision`, at most that many digits in all.
 */
export function castSql(
  value: string,
  type: LogicalType,
  decimal: { precision?: number; scale?: number } = {},
): string {
  if (type === 'decimal' && decimal.precision !== undefined)
    return `CAST(${value} AS DECIMAL(${decimal.precision}, ${decimal.scale ?? 0}))`;
  if (type === 'decimal' && decimal.scale !== undefined)
    return `ROUND(CAST(${value} AS DECIMAL), ${decimal.scale})`;
  return `CAST(${value} AS ${CAST_TYPES[type]})`;
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

/**
 * Text that is not a whole number is refused for int/bigint instead of rounded (SQL rounds
 * `CAST('12.5' AS INT)` to 13: right for a number, data lost for text read from a file).
 */
export function integerTextError(type: LogicalType, value: unknown): string | undefined {
  if ((type === 'int' || type === 'bigint') && typeof value === 'string' && !INTEGER_TEXT.test(value))
    return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)} is not a whole number`;
  return undefined;
}

/** Where the columns a processor sets go: over a column of that name, else appended in order. */
export interface PlacedColumns {
  /** The columns of the rows the processor returns. */
  columns: Column[];
  /** For each column set, its index in the returned rows. */
  slots: number[];
}

/**
 * Places `set` columns over the incoming ones: a column of the same name (exact, else ignoring
 * case when unambiguous) is replaced where it stands, under the new spelling and type; others
 * are appended in the order given.
 */
export function placeColumns(columns: Column[], set: Column[]): PlacedColumns {
  const out = [...columns];
  const slots = set.map((column) => {
    let index = out.findIndex((c) => c.name === column.name);
    if (index < 0) {
      const lower = column.name.toLowerCase();
      const matches = out.filter((c) => c.name.toLowerCase() === lower);
      if (matches.length === 1) index = out.indexOf(matches[0]);
    }
    if (index < 0) index = out.push(column) - 1;
    else out[index] = column;
    return index;
  });
  return { columns: out, slots };
}

/** A copy of the row, `width` values long (the columns appended start as undefined). */
export function widened(row: Row, width: number): Row {
  const next = new Array<unknown>(width);
  for (let i = 0; i < row.length; i++) next[i] = row[i];
  return next;
}

/** The message of a value's error, for `ctx.reject`, prefixed with the config field it concerns. */
export function fieldMessage(path: string, error: unknown): Error {
  return new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
