import type { Column, Row } from '../../src-main/engine/batch';
import { FieldError } from '../../src-main/engine/component';
import { compileExpression, ExpressionError } from '../../src-main/engine/expression/compile';
import { closestNames } from '../../src-main/engine/similar';
import {
  accumulatorKind,
  UnsupportedInputError,
  type AccumulatorKind,
} from '../shared/stateful/accumulators';

/*
 * The `aggregates` of an aggregate: `out_name: "sum(qty)"`, one SQL aggregate call per output
 * field. The argument is any SQL expression over the row (`sum(qty * price)`), compiled once by
 * the expression engine; `count(*)` counts rows.
 */

/** The functions `aggregates` may call. */
export const AGGREGATE_FUNCTIONS = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'count_distinct',
] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** One `aggregates` entry, parsed (before the columns are known). */
export interface AggregateCall {
  /** The output field. */
  name: string;
  /** Path of the entry in the config, for errors. */
  path: string;
  fn: AggregateFunction;
  /** The argument's text, `*` for `count(*)`. */
  argument: string;
  /** 1-based place of the argument in the entry's text, so errors inside it point at it. */
  argumentAt: number;
}

/** An `aggregates` entry compiled against the input's columns. */
export interface CompiledAggregate {
  call: AggregateCall;
  kind: AccumulatorKind;
  /** The argument's value for a row (may throw `EvaluationError` for that row). */
  argument: (row: Row) => unknown;
}

const CALL = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*\()([\s\S]*)\)\s*$/;
const DISTINCT = /^distinct\s+/i;

/** Parses `"sum(qty)"`; throws a `FieldError` at `path` pointing at what is wrong. */
export function parseAggregate(name: string, path: string, text: string): AggregateCall {
  const match = CALL.exec(text);
  if (!match)
    throw new FieldError(
      path,
      `expected a call of an aggregate function such as "sum(qty)" or "count(*)", got "${text}"`,
      1,
    );
  const [, lead, written, open, inner] = match;
  let fn = written.toLowerCase();
  let argumentAt = lead.length + written.length + open.length + 1;
  let argument = inner;
  const distinct = DISTINCT.exec(argument);
  if (fn === 'count' && distinct) {
    fn = 'count_distinct';
    argument = argument.slice(distinct[0].length);
    argumentAt += distinct[0].length;
  }
  if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(fn)) {
    const close = closestNames(AGGREGATE_FUNCTIONS, fn, 1);
    const hint = close.length > 0 ? `did you mean "${close[0]}"? ` : '';
    throw new FieldError(
      path,
      `unknown aggregate function "${written}" (${hint}use ${AGGREGATE_FUNCTIONS.join(', ')})`,
      lead.length + 1,
    );
  }
  const trimmedStart = argument.length - argument.trimStart().length;
  argumentAt += trimmedStart;
  argument = argument.trim();
  if (argument === '')
    throw new FieldError(
      path,
      `${fn} needs an argument: a field or an expression${fn === 'count' ? ', or *' : ''}`,
      argumentAt,
    );
  if (argument === '*' && fn !== 'count')
    throw new FieldError(
      path,
      `${fn}(*) is not a thing: only count(*) counts rows; give ${fn} a field`,
      argumentAt,
    );
  return { name, path, fn: fn as AggregateFunction, argument, argumentAt };
}

/** Compiles a parsed entry against `columns`: its argument, and the accumulator its argument's type calls for. */
export function compileAggregate(call: AggregateCall, columns: Column[]): CompiledAggregate {
  if (call.argument === '*') return { call, kind: accumulatorKind('count', 'int'), argument: () => true };
  let compiled;
  try {
    compiled = compileExpression(call.argument, columns);
  } catch (error) {
    if (error instanceof ExpressionError)
      throw new FieldError(
        call.path,
        error.message,
        error.position !== undefined ? call.argumentAt + error.position - 1 : call.argumentAt,
      );
    throw error;
  }
  let kind: AccumulatorKind;
  try {
    kind = accumulatorKind(call.fn, compiled.type);
  } catch (error) {
    if (!(error instanceof UnsupportedInputError)) throw error;
    throw new FieldError(
      call.path,
      `${(error as Error).message} ("${call.argument}" is ${compiled.type})`,
      call.argumentAt,
    );
  }
  return { call, kind, argument: compiled.evaluate };
}
