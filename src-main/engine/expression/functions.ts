import type { LogicalType } from '../../../src-shared/types/logical';
import type { Row } from '../batch';
import { compileDateFormat } from './date-format';
import { compareValues, isNull, toDate, toNumber, toText } from './values';

/** A compiled expression: reads one row, returns one value. */
export type Evaluate = (row: Row) => unknown;

/** A static type, or `unknown` when it depends on the data (NULL literal, untyped values). */
export type ValueType = LogicalType | 'unknown';

/** A compiled argument as a function implementation sees it at compile time. */
export interface CompiledArg {
  evaluate: Evaluate;
  type: ValueType;
  /** Set when the argument does not depend on the row (a literal, or built only from literals). */
  constant?: { value: unknown };
}

/**
 * One SQL function. Adding a function means adding an entry to `FUNCTIONS`: arity, result
 * type and a `compile` that turns compiled arguments into one evaluator (so constant
 * arguments, such as a format string, are prepared once rather than per row).
 */
export interface SqlFunction {
  minArgs: number;
  maxArgs: number;
  /** One line for completion and docs. */
  summary: string;
  /** False for functions whose result changes between calls (NOW): never folded into a constant. */
  pure?: boolean;
  type(args: ValueType[]): ValueType;
  compile(args: CompiledArg[]): Evaluate;
}

type Scalar = (a: unknown, b?: unknown, c?: unknown) => unknown;

/** A function that returns NULL when any argument is NULL, otherwise `fn` of the argument values. */
function strict(
  minArgs: number,
  maxArgs: number,
  summary: string,
  type: SqlFunction['type'],
  fn: Scalar,
): SqlFunction {
  return {
    minArgs,
    maxArgs,
    summary,
    type,
    compile(args) {
      const [x, y, z] = args.map((a) => a.evaluate);
      if (args.length === 1)
        return (row) => {
          const a = x(row);
          return isNull(a) ? null : fn(a);
        };
      if (args.length === 2)
        return (row) => {
          const a = x(row);
          if (isNull(a)) return null;
          const b = y(row);
          return isNull(b) ? null : fn(a, b);
        };
      return (row) => {
        const a = x(row);
        if (isNull(a)) return null;
        const b = y(row);
        if (isNull(b)) return null;
        const c = z(row);
        return isNull(c) ? null : fn(a, b, c);
      };
    },
  };
}

const fixed =
  (type: ValueType): SqlFunction['type'] =>
  () =>
    type;
const firstKnown: SqlFunction['type'] = (types) => types.find((t) => t !== 'unknown') ?? 'unknown';
const numericOf: SqlFunction['type'] = ([t]) => (t === 'int' || t === 'bigint' ? t : 'float');

/** Rounds half away from zero to `digits` decimals, using exponent notation to avoid binary drift (1.005 → 1.01). */
function roundTo(n: number, digits: number): number {
  const sign = n < 0 ? -1 : 1;
  const shifted = Math.round(Number(`${Math.abs(n)}e${digits}`));
  return sign * Number(`${shifted}e${-digits}`);
}

function coalesce(args: CompiledArg[]): Evaluate {
  const evaluators = args.map((a) => a.evaluate);
  return (row) => {
    for (const evaluate of evaluators) {
      const value = evaluate(row);
      if (!isNull(value)) return value;
    }
    return null;
  };
}

/** MySQL SUBSTRING: 1-based start, negative counts from the end, 0 gives ''. */
function substring(text: unknown, start: unknown, length?: unknown): unknown {
  const s = toText(text);
  const pos = toNumber(start);
  if (pos === undefined) return null;
  const from = pos > 0 ? Math.trunc(pos) - 1 : pos < 0 ? s.length + Math.trunc(pos) : s.length;
  if (from < 0) return '';
  if (length === undefined) return s.slice(from);
  const len = toNumber(length);
  return len === undefined || len <= 0 ? '' : s.slice(from, from + Math.trunc(len));
}

function dateFormat(args: CompiledArg[]): Evaluate {
  const [dateArg, formatArg] = args;
  const readDate = dateArg.evaluate;
  const format = formatArg.constant;
  if (format !== undefined) {
    if (isNull(format.value)) return () => null;
    const formatter = compileDateFormat(toText(format.value));
    return (row) => {
      const date = toDate(readDate(row));
      return date ? formatter(date) : null;
    };
  }
  const readFormat = formatArg.evaluate;
  let lastFormat = '';
  let formatter = compileDateFormat('');
  return (row) => {
    const date = toDate(readDate(row));
    const pattern = readFormat(row);
    if (!date || isNull(pattern)) return null;
    const text = toText(pattern);
    if (text !== lastFormat) {
      lastFormat = text;
      formatter = compileDateFormat(text);
    }
    return formatter(date);
  };
}

/** Every function expressions may call, by upper-case name. */
const now: SqlFunction = {
  minArgs: 0,
  maxArgs: 0,
  summary: 'The current instant.',
  pure: false,
  type: fixed('timestamp'),
  compile: () => () => new Date(),
};

export const FUNCTIONS: Record<string, SqlFunction> = {
  COALESCE: {
    minArgs: 1,
    maxArgs: Infinity,
    summary: 'The first argument that is not NULL.',
    type: firstKnown,
    compile: coalesce,
  },
  IFNULL: {
    minArgs: 2,
    maxArgs: 2,
    summary: 'The first argument, or the second when the first is NULL.',
    type: firstKnown,
    compile: coalesce,
  },
  NULLIF: {
    minArgs: 2,
    maxArgs: 2,
    summary: 'NULL when both arguments are equal, otherwise the first.',
    type: ([t]) => t,
    compile([a, b]) {
      return (row) => {
        const x = a.evaluate(row);
        const y = b.evaluate(row);
        return !isNull(x) && !isNull(y) && compareValues(x, y) === 0 ? null : x;
      };
    },
  },
  CONCAT: {
    minArgs: 1,
    maxArgs: Infinity,
    summary: 'The arguments joined as text; NULL when any is NULL.',
    type: fixed('string'),
    compile(args) {
      const evaluators = args.map((a) => a.evaluate);
      return (row) => {
        let out = '';
        for (const evaluate of evaluators) {
          const value = evaluate(row);
          if (isNull(value)) return null;
          out += toText(value);
        }
        return out;
      };
    },
  },
  UPPER: strict(1, 1, 'Text in upper case.', fixed('string'), (s) => toText(s).toUpperCase()),
  LOWER: strict(1, 1, 'Text in lower case.', fixed('string'), (s) => toText(s).toLowerCase()),
  LENGTH: strict(1, 1, 'Number of characters.', fixed('int'), (s) => [...toText(s)].length),
  CHAR_LENGTH: strict(1, 1, 'Number of characters.', fixed('int'), (s) => [...toText(s)].length),
  TRIM: strict(1, 1, 'Text without leading and trailing spaces.', fixed('string'), (s) => toText(s).trim()),
  LTRIM: strict(1, 1, 'Text without leading spaces.', fixed('string'), (s) => toText(s).trimStart()),
  RTRIM: strict(1, 1, 'Text without trailing spaces.', fixed('string'), (s) => toText(s).trimEnd()),
  SUBSTRING: strict(
    2,
    3,
    'Part of a text: SUBSTRING(text, start[, length]), 1-based.',
    fixed('string'),
    substring,
  ),
  SUBSTR: strict(2, 3, 'Same as SUBSTRING.', fixed('string'), substring),
  ROUND: strict(
    1,
    2,
    'A number rounded half away from zero: ROUND(x[, digits]).',
    (types) =>
      types.length === 1 && (types[0] === 'int' || types[0] === 'bigint') ? types[0] : numericOf(types),
    (x, digits) => {
      const n = toNumber(x);
      const d = digits === undefined ? 0 : toNumber(digits);
      return n === undefined || d === undefined ? null : roundTo(n, Math.trunc(d));
    },
  ),
  ABS: strict(1, 1, 'Absolute value.', numericOf, (x) => {
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    const n = toNumber(x);
    return n === undefined ? null : Math.abs(n);
  }),
  NOW: now,
  CURRENT_TIMESTAMP: now,
  CURRENT_DATE: {
    minArgs: 0,
    maxArgs: 0,
    summary: "Today's date (UTC) as YYYY-MM-DD.",
    pure: false,
    type: fixed('date'),
    compile: () => () => new Date().toISOString().slice(0, 10),
  },
  DATE_FORMAT: {
    minArgs: 2,
    maxArgs: 2,
    summary: "A date or timestamp as text, MySQL specifiers: DATE_FORMAT(created_at, '%Y-%m-%d').",
    type: fixed('string'),
    compile: dateFormat,
  },
};
