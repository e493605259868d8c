import type { LogicalType } from '../../../src-shared/types/logical';
import type { Row } from '../batch';
import * as decimalModule from './decimal';
import { ConstantError, EvaluationError } from './expression-error';
import type { IntervalUnit } from './time';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once: in some module loaders
// (vitest's, which runs the benchmarks) every use of an imported name is a getter call, and in
// these per-row paths that costs more than the work itself.
const { describeValue, isNull, toBool, toDate, toNumber, toText } = valuesModule;
const decimal = { ...decimalModule };

/** A compiled expression: reads one row, returns one value (`null` for NULL). */
export type Evaluate = (row: Row) => unknown;

/** A static type, or `unknown` when it depends on the data (NULL literal, JSON values). */
export type ValueType = LogicalType | 'unknown';

/**
 * A compiled part of an expression, as its parent sees it while compiling: how to evaluate
 * it, its static type, and what lets the parent choose a faster closure (a constant value,
 * a plain column read, a decimal that can stay unformatted).
 */
export interface Node {
  evaluate: Evaluate;
  type: ValueType;
  /** False when a part changes between evaluations (NOW, UUID), so the node must not be folded. */
  pure: boolean;
  /** Set when the value does not depend on the row (a literal, or built only from literals). */
  constant?: { value: unknown };
  /** 1-based position in the expression, when known. */
  position?: number;
  /** How errors name this part: the column name, the literal as written, `UPPER(…)`. */
  label: string;
  /** Index of the column, for a plain column read. */
  column?: number;
  /** For conditions: true exactly when the value is TRUE, without building the three-valued result. */
  isTrue?: (row: Row) => boolean;
  /** True exactly when the value is FALSE (for NOT and for OR's short-circuit). */
  isFalse?: (row: Row) => boolean;
  /** For decimal values: puts the value in `decimal.result` and returns true, or returns false for NULL. */
  decimal?: (row: Row) => boolean;
  /** Set for `INTERVAL n unit`, which only DATE_ADD, DATE_SUB and `±` with a date or timestamp take. */
  interval?: { amount: Node; unit: IntervalUnit };
}

export const NUMERIC_TYPES: ReadonlySet<ValueType> = new Set(['int', 'bigint', 'float', 'decimal']);
export const TEMPORAL_TYPES: ReadonlySet<ValueType> = new Set(['date', 'timestamp', 'timestamptz']);
/** Types whose values are text: compared and concatenated as strings. */
export const TEXT_TYPES: ReadonlySet<ValueType> = new Set(['string', 'uuid', 'time']);

export const isNumeric = (type: ValueType): boolean => NUMERIC_TYPES.has(type);
export const isTemporal = (type: ValueType): boolean => TEMPORAL_TYPES.has(type);
export const isInteger = (type: ValueType): boolean => type === 'int' || type === 'bigint';

/** A node for a value known when compiling. */
export function constant(value: unknown, type: ValueType, label: string, position?: number): Node {
  const fixed = isNull(value) ? null : value;
  const truth = toBool(fixed);
  const node: Node = {
    evaluate: () => fixed,
    type,
    constant: { value: fixed },
    pure: true,
    label,
    position,
    isTrue: truth === true ? () => true : () => false,
    isFalse: truth === false ? () => true : () => false,
  };
  if (type === 'decimal' && decimal.readValue(fixed)) {
    const { unscaled, scale } = decimal.result;
    node.decimal = () => {
      decimal.result.unscaled = unscaled;
      decimal.result.scale = scale;
      return true;
    };
  }
  return node;
}

/** True for a NULL literal (or a part that folded to NULL). */
export function isNullConstant(node: Node): boolean {
  return node.constant !== undefined && node.constant.value === null;
}

/** `isTrue` of a node, derived from its value when it has none of its own. */
export function isTrueOf(node: Node): (row: Row) => boolean {
  if (node.isTrue) return node.isTrue;
  const evaluate = node.evaluate;
  return (row) => toBool(evaluate(row)) === true;
}

/** `isFalse` of a node, derived from its value when it has none of its own. */
export function isFalseOf(node: Node): (row: Row) => boolean {
  if (node.isFalse) return node.isFalse;
  const evaluate = node.evaluate;
  return (row) => toBool(evaluate(row)) === false;
}

/**
 * Folds a node whose inputs are all constant into its value, computed once. An evaluation
 * error while folding (`1 / 0`, `CAST('x' AS INT)`) is a compile error at that place.
 */
export function folded(node: Node, inputs: Node[]): Node {
  if (!node.pure || !inputs.every((input) => input.constant)) return node;
  let value: unknown;
  try {
    value = node.evaluate([]);
  } catch (err) {
    if (err instanceof EvaluationError) throw new ConstantError(err.message, err.position ?? node.position);
    throw err;
  }
  return constant(value, node.type, node.label, node.position);
}

/** A runtime error about this node's value, pointing at it. */
export function failure(node: Pick<Node, 'label' | 'position'>, message: string): EvaluationError {
  return new EvaluationError(message, node.position);
}

/** An evaluator giving the node's value as text (or null), without a conversion when it is text already. */
export function textOf(node: Node): (row: Row) => string | null {
  const evaluate = node.evaluate;
  if (node.type === 'string')
    return (row) => {
      const v = evaluate(row);
      return typeof v === 'string' ? v : isNull(v) ? null : toText(v);
    };
  return (row) => {
    const v = evaluate(row);
    return isNull(v) ? null : toText(v);
  };
}

/** An evaluator giving the node's value as a float (or null); text that is not a number is an error. */
export function numberOf(node: Node): (row: Row) => number | null {
  const evaluate = node.evaluate;
  return (row) => {
    const v = evaluate(row);
    if (typeof v === 'number') return v;
    if (isNull(v)) return null;
    const n = toNumber(v);
    if (n === undefined) throw failure(node, `${node.label}: ${describeValue(v)} is not a number`);
    return n;
  };
}

/** An evaluator giving the node's value as an instant (or null); text that is no date is an error. */
export function instantOf(node: Node): (row: Row) => Date | null {
  const evaluate = node.evaluate;
  return (row) => {
    const v = evaluate(row);
    if (v instanceof Date) return v;
    if (isNull(v)) return null;
    const date = toDate(v);
    if (!date) throw failure(node, `${node.label}: ${describeValue(v)} is not a date or timestamp`);
    return date;
  };
}

/**
 * An evaluator that reads the node's value as a decimal into `decimal.result` (false for
 * NULL); a value that is not a number is an error naming the node.
 */
export function decimalOf(node: Node): (row: Row) => boolean {
  if (node.decimal) return node.decimal;
  const evaluate = node.evaluate;
  return (row) => {
    const v = evaluate(row);
    if (isNull(v)) return false;
    if (!decimal.readValue(v)) throw failure(node, `${node.label}: ${describeValue(v)} is not a number`);
    return true;
  };
}
