import type { Row } from '../batch';
import * as decimalModule from './decimal';
import { ExpressionError } from './expression-error';
import { isNumeric, isTemporal, type Evaluate, type Node, type ValueType } from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { isNull, toDate, toNumber, toText } = valuesModule;
const decimal = { ...decimalModule };

/**
 * What a SQL function is made of: argument kinds the compiler checks against the schema,
 * a result type, and a `compile` that turns compiled arguments into one evaluator (so
 * constant arguments, such as a format or a pattern, are prepared once rather than per row).
 */

/**
 * What an argument must be, checked when compiling where types are known:
 * - `any`: anything; `text`: anything (converted to text);
 * - `number`: a number, or text read as one per row (CSV columns arrive as text); a literal must be numeric;
 * - `temporal`: a date or timestamp; text columns are refused (convert them with CAST or
 *   TO_TIMESTAMP), text literals must read as a date or timestamp;
 * - `json`: JSON, or text parsed as JSON;
 * - `zone`: a time zone name (`Asia/Shanghai`, `+08:00`); a literal must be a known zone.
 */
export type ArgKind = 'any' | 'text' | 'number' | 'temporal' | 'json' | 'zone';

/** The call being compiled, for messages: `DATE_TRUNC(…)` at a position. */
export interface Call {
  name: string;
  position?: number;
  label: string;
}

/** A function's evaluator, optionally with an unformatted decimal form (see `Node.decimal`). */
export type Compiled = Evaluate | { evaluate: Evaluate; decimal?: (row: Row) => boolean };

/** One SQL function. */
export interface SqlFunction {
  /** Kinds of the arguments in order; with `variadic`, the last one repeats. */
  args: ArgKind[];
  /** Fewest arguments accepted (default: all of `args`). */
  minArgs?: number;
  variadic?: boolean;
  /** One line for completion and docs. */
  summary: string;
  /** An expression using the function and its result as SQL shows it; docs show it, a test checks it. */
  example: [expression: string, result: string];
  /** False for functions whose result changes between calls (NOW, UUID): never folded into a constant. */
  pure?: boolean;
  /**
   * True for functions that do something with NULL arguments (COALESCE, CONCAT_WS). Every other
   * function is NULL when an argument is, so a NULL literal argument makes the call NULL when
   * compiling, without evaluating the rest (as PostgreSQL folds it).
   */
  takesNulls?: boolean;
  type(args: Node[]): ValueType;
  compile(args: Node[], call: Call): Compiled;
}

export const fixed =
  (type: ValueType): SqlFunction['type'] =>
  () =>
    type;

/** The type of an argument as a numeric function returns it: integers and floats keep theirs, text reads as decimal. */
export const numericTypeOf = (type: ValueType): ValueType =>
  isNumeric(type) ? type : type === 'string' || type === 'bool' ? 'decimal' : 'unknown';

/** A compile-time error about argument `index` (0-based) of a call. */
export function argumentError(call: Call, args: Node[], index: number, message: string): ExpressionError {
  const arg = args[index];
  return new ExpressionError(
    `${call.name} argument ${index + 1} (${arg?.label ?? '?'}) ${message}`,
    arg?.position ?? call.position,
  );
}

/**
 * Evaluates every reader, then gives NULL if one gave NULL (or undefined), else `fn` of the
 * values. All arguments are evaluated first, as PostgreSQL does, so an error in any of them is
 * reported even when another is NULL.
 */
export function strict<T extends unknown[]>(
  readers: { [K in keyof T]: (row: Row) => T[K] | null },
  fn: (...values: T) => unknown,
): Evaluate {
  const [a, b, c, d] = readers as ((row: Row) => unknown)[];
  const apply = fn as unknown as (...values: unknown[]) => unknown;
  const absent = (v: unknown) => v === null || v === undefined;
  switch (readers.length) {
    case 1:
      return (row) => {
        const x = a(row);
        return absent(x) ? null : apply(x);
      };
    case 2:
      return (row) => {
        const x = a(row);
        const y = b(row);
        return absent(x) || absent(y) ? null : apply(x, y);
      };
    case 3:
      return (row) => {
        const x = a(row);
        const y = b(row);
        const z = c(row);
        return absent(x) || absent(y) || absent(z) ? null : apply(x, y, z);
      };
    default:
      return (row) => {
        const x = a(row);
        const y = b(row);
        const z = c(row);
        const w = d(row);
        return absent(x) || absent(y) || absent(z) || absent(w) ? null : apply(x, y, z, w);
      };
  }
}

/**
 * A value prepared once when its argument is constant (a pattern, a format, a zone), or once
 * per distinct value otherwise (the last one is remembered, so a column of few formats is cheap).
 */
export function prepared<T>(
  arg: Node,
  prepare: (value: string) => T,
  onConstantError?: (err: Error) => ExpressionError,
): (row: Row) => T | null {
  if (arg.constant) {
    const value = arg.constant.value;
    if (isNull(value)) return () => null;
    let result: T;
    try {
      result = prepare(toText(value));
    } catch (err) {
      if (onConstantError) throw onConstantError(err as Error);
      throw err;
    }
    return () => result;
  }
  const evaluate = arg.evaluate;
  let last: string | undefined;
  let lastResult: T;
  return (row) => {
    const v = evaluate(row);
    if (isNull(v)) return null;
    const text = toText(v);
    if (text !== last) {
      lastResult = prepare(text);
      last = text;
    }
    return lastResult;
  };
}

/** The common type of CASE results or COALESCE arguments (NULLs ignored): numbers widen, mixed kinds give text. */
export function unifyTypes(types: ValueType[]): ValueType {
  const known = types.filter((t) => t !== 'unknown');
  if (known.length === 0) return 'unknown';
  if (known.every((t) => t === known[0])) return known[0];
  if (known.some((t) => t === 'json')) return 'unknown';
  if (known.every(isNumeric)) {
    if (known.includes('float')) return 'float';
    if (known.includes('decimal')) return 'decimal';
    return 'bigint';
  }
  if (known.every(isTemporal)) {
    if (known.includes('timestamptz')) return 'timestamptz';
    return 'timestamp';
  }
  return 'string';
}

/** Converts a non-NULL value of type `from` to the unified type `to` (see `unifyTypes`). */
export function converterTo(to: ValueType, from: ValueType): ((value: unknown) => unknown) | undefined {
  if (to === from || to === 'unknown' || from === 'unknown') return undefined;
  switch (to) {
    case 'decimal':
      return (v) =>
        decimal.readValue(v) ? decimal.format(decimal.result.unscaled, decimal.result.scale) : v;
    case 'float':
      return (v) => toNumber(v) ?? v;
    case 'string':
      return toText;
    case 'timestamp':
    case 'timestamptz':
      return (v) => toDate(v) ?? v;
    default:
      return undefined;
  }
}

/** Evaluators of `nodes` that give values converted to the unified type. */
export function unifiedEvaluators(nodes: Node[], type: ValueType): Evaluate[] {
  return nodes.map((node) => {
    const convert = converterTo(type, node.type);
    const evaluate = node.evaluate;
    if (!convert) return evaluate;
    return (row) => {
      const v = evaluate(row);
      return isNull(v) ? null : convert(v);
    };
  });
}
