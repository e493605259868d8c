import type { Row } from '../batch';
import * as decimalModule from './decimal';
import { and, not } from './logic';
import { ExpressionError } from './expression-error';
import {
  constant,
  failure,
  isNullConstant,
  folded,
  isInteger,
  isNumeric,
  isTemporal,
  TEXT_TYPES,
  type Evaluate,
  type Node,
  type ValueType,
} from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const {
  compareText,
  compareValues,
  describeValue,
  epochMicros,
  isNull,
  isNumericText,
  parseBool,
  toDate,
  toNumber,
  toText,
} = valuesModule;
const decimal = { ...decimalModule };

/**
 * Comparisons (`=`, `<>`, `<`, …, IN, BETWEEN, CASE's and NULLIF's equality), specialised
 * when compiling by the types on both sides:
 * - integers compare as numbers (`row[i] > k` when one side is an int column and the other
 *   a literal), floats as floats, decimals exactly, also against numeric text (CSV values
 *   arrive as strings); text that is not a number is an error, not a silent 0;
 * - timestamps compare as instants (to the microsecond), also against date/time text;
 * - text compares by code unit, case-sensitive (a binary collation, PostgreSQL's "C");
 * - booleans as booleans; values of unknown type (JSON, NULL literals) by their runtime type.
 */

/** How two values compare, chosen from the static types. */
export type Domain = 'integer' | 'float' | 'decimal' | 'text' | 'instant' | 'bool' | 'generic';

/** A comparison of two non-NULL values: negative, zero or positive. */
export type Compare = (a: unknown, b: unknown) => number;

const NUMBERISH: ReadonlySet<ValueType> = new Set(['int', 'bigint', 'float', 'decimal', 'string', 'bool']);

/** The domain two static types compare in. */
export function domainOf(a: ValueType, b: ValueType): Domain {
  if (a === 'unknown' || b === 'unknown' || a === 'json' || b === 'json') return 'generic';
  if (isNumeric(a) || isNumeric(b)) {
    if (!NUMBERISH.has(a) || !NUMBERISH.has(b)) return 'generic';
    if (a === 'float' || b === 'float') return 'float';
    if (isInteger(a) && (isInteger(b) || b === 'bool')) return 'integer';
    if (isInteger(b) && a === 'bool') return 'integer';
    return 'decimal';
  }
  if (a === 'timestamp' || a === 'timestamptz' || b === 'timestamp' || b === 'timestamptz') {
    return isTemporal(a) || isTemporal(b) ? 'instant' : 'generic';
  }
  if (a === 'bool' || b === 'bool') return 'bool';
  // Dates are `YYYY-MM-DD` text, which orders as the dates do.
  if ((TEXT_TYPES.has(a) || a === 'date') && (TEXT_TYPES.has(b) || b === 'date')) return 'text';
  return 'generic';
}

/**
 * Checks a literal against the domain it is compared in (`qty > 'abc'` is an error at the
 * literal) and returns it converted once (`'2024-03-01'` → an instant), so rows only convert their own side.
 */
export function prepareConstant(node: Node, domain: Domain, other: Node): Node {
  if (!node.constant || isNull(node.constant.value)) return node;
  const value = node.constant.value;
  const problem = (what: string) =>
    new ExpressionError(
      `${node.label} is not ${what} (compared with ${other.label}, ${other.type})`,
      node.position,
    );
  switch (domain) {
    case 'integer':
    case 'float':
    case 'decimal': {
      if (typeof value === 'string' && !isNumericText(value)) throw problem('a number');
      if (domain === 'float' && typeof value !== 'number')
        return constant(toNumber(value), 'float', node.label, node.position);
      if (domain === 'integer' && typeof value === 'boolean')
        return constant(value ? 1 : 0, 'int', node.label, node.position);
      if (domain === 'decimal' && typeof value === 'string')
        return constant(value, 'decimal', node.label, node.position);
      return node;
    }
    case 'instant': {
      const date = toDate(value);
      if (!date) throw problem('a date or timestamp');
      return constant(date, 'timestamp', node.label, node.position);
    }
    case 'bool': {
      const b = parseBool(value);
      if (b === undefined) throw problem('a boolean');
      return constant(b, 'bool', node.label, node.position);
    }
    default:
      return node;
  }
}

function bigOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return undefined;
}

/** The comparison for a domain; `left`/`right` name the sides in errors about their values. */
export function comparator(domain: Domain, left: Node, right: Node): Compare {
  const notA = (node: Node, what: string, v: unknown) =>
    failure(node, `${node.label}: ${describeValue(v)} is not ${what}`);
  switch (domain) {
    case 'integer':
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number') return a - b;
        const x = bigOf(a);
        const y = bigOf(b);
        if (x !== undefined && y !== undefined) return x === y ? 0 : x < y ? -1 : 1;
        return decimalCompare(a, b);
      };
    case 'float':
      return (a, b) => {
        const x = typeof a === 'number' ? a : toNumber(a);
        if (x === undefined) throw notA(left, 'a number', a);
        const y = typeof b === 'number' ? b : toNumber(b);
        if (y === undefined) throw notA(right, 'a number', b);
        return x - y;
      };
    case 'decimal':
      return decimalCompare;
    case 'instant':
      return (a, b) => {
        const x = a instanceof Date ? a : toDate(a);
        if (!x) throw notA(left, 'a date or timestamp', a);
        const y = b instanceof Date ? b : toDate(b);
        if (!y) throw notA(right, 'a date or timestamp', b);
        return epochMicros(x) - epochMicros(y);
      };
    case 'text':
      return (a, b) =>
        typeof a === 'string' && typeof b === 'string'
          ? compareText(a, b)
          : compareText(toText(a), toText(b));
    case 'bool':
      return (a, b) => {
        const x = parseBool(a);
        if (x === undefined) throw notA(left, 'a boolean', a);
        const y = parseBool(b);
        if (y === undefined) throw notA(right, 'a boolean', b);
        return Number(x) - Number(y);
      };
    case 'generic':
      return compareValues;
  }

  function decimalCompare(a: unknown, b: unknown): number {
    if (!decimal.readValue(a)) throw notA(left, 'a number', a);
    const ua = decimal.result.unscaled;
    const sa = decimal.result.scale;
    if (!decimal.readValue(b)) throw notA(right, 'a number', b);
    return decimal.compare(ua, sa, decimal.result.unscaled, decimal.result.scale);
  }
}

/** Comparison operators, with the test each applies to a comparison's sign. */
export const COMPARISONS = ['=', '<>', '!=', '<', '<=', '>', '>='] as const;
export type ComparisonOperator = (typeof COMPARISONS)[number];

const MIRRORED: Record<ComparisonOperator, ComparisonOperator> = {
  '=': '=',
  '<>': '<>',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

type Test = (sign: number) => boolean;
const TESTS: Record<ComparisonOperator, Test> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/**
 * `column OP constant` where the column holds values of JavaScript type `kind` (numbers or
 * strings) and the constant is one too: the row is tested with one `typeof` and one operator.
 * Values of another type (a mistyped source) take the general path.
 */
function columnVsConstant(
  op: ComparisonOperator,
  index: number,
  k: number | string,
  kind: 'number' | 'string',
  general: Evaluate,
): { evaluate: Evaluate; isTrue: (row: Row) => boolean; isFalse: (row: Row) => boolean } {
  // Typed as numbers for the operators; strings compare with the same operators.
  const key = k as number;
  const generalTrue = (row: Row) => general(row) === true;
  const generalFalse = (row: Row) => general(row) === false;
  // One closure per operator and kind, so the row loop does not dispatch on either.
  switch (op) {
    case '=':
      return {
        evaluate: (row) => {
          const v = row[index];
          return typeof v === kind ? v === key : general(row);
        },
        isTrue: (row) => {
          const v = row[index];
          return typeof v === kind ? v === key : generalTrue(row);
        },
        isFalse: (row) => {
          const v = row[index];
          return typeof v === kind ? v !== key : generalFalse(row);
        },
      };
    case '<>':
    case '!=':
      return {
        evaluate: (row) => {
          const v = row[index];
          return typeof v === kind ? v !== key : general(row);
        },
        isTrue: (row) => {
          const v = row[index];
          return typeof v === kind ? v !== key : generalTrue(row);
        },
        isFalse: (row) => {
          const v = row[index];
          return typeof v === kind ? v === key : generalFalse(row);
        },
      };
    case '<':
      return {
        evaluate: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) < key : general(row);
        },
        isTrue: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) < key : generalTrue(row);
        },
        isFalse: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) >= key : generalFalse(row);
        },
      };
    case '<=':
      return {
        evaluate: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) <= key : general(row);
        },
        isTrue: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) <= key : generalTrue(row);
        },
        isFalse: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) > key : generalFalse(row);
        },
      };
    case '>':
      return {
        evaluate: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) > key : general(row);
        },
        isTrue: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) > key : generalTrue(row);
        },
        isFalse: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) <= key : generalFalse(row);
        },
      };
    case '>=':
      return {
        evaluate: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) >= key : general(row);
        },
        isTrue: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) >= key : generalTrue(row);
        },
        isFalse: (row) => {
          const v = row[index];
          return typeof v === kind ? (v as number) < key : generalFalse(row);
        },
      };
  }
}

/** Compiles `left OP right`. */
export function comparison(op: ComparisonOperator, leftNode: Node, rightNode: Node, label: string): Node {
  if (isNullConstant(leftNode) || isNullConstant(rightNode))
    return constant(null, 'bool', label, leftNode.position);
  const domain = domainOf(leftNode.type, rightNode.type);
  const left = prepareConstant(leftNode, domain, rightNode);
  const right = prepareConstant(rightNode, domain, leftNode);
  const compare = comparator(domain, left, right);
  const test = TESTS[op];
  const readLeft = left.evaluate;
  const readRight = right.evaluate;
  const general: Evaluate = (row) => {
    const a = readLeft(row);
    const b = readRight(row);
    if (a === null || a === undefined || b === null || b === undefined) return null;
    return test(compare(a, b));
  };
  const node: Node = {
    evaluate: general,
    type: 'bool',
    pure: left.pure && right.pure,
    label,
    position: left.position ?? right.position,
  };
  // Column against literal (either order): the closure the benchmarks measure.
  const [column, literal, orientedOp] =
    left.column !== undefined && right.constant
      ? [left, right.constant.value, op]
      : right.column !== undefined && left.constant
        ? [right, left.constant.value, MIRRORED[op]]
        : [undefined, undefined, op];
  if (column?.column !== undefined) {
    const numeric = (domain === 'integer' || domain === 'float') && typeof literal === 'number';
    const text = domain === 'text' && typeof literal === 'string' && column.type === 'string';
    if (numeric || text) {
      Object.assign(
        node,
        columnVsConstant(
          orientedOp,
          column.column,
          literal as number | string,
          numeric ? 'number' : 'string',
          general,
        ),
      );
    }
  }
  if (!node.isTrue) {
    node.isTrue = (row) => general(row) === true;
    node.isFalse = (row) => general(row) === false;
  }
  return folded(node, [left, right]);
}

/** Compiles `value [NOT] IN (items…)`: NULL when no item matches and an item or the value is NULL. */
export function inList(value: Node, items: Node[], negate: boolean, label: string): Node {
  if (isNullConstant(value)) return constant(null, 'bool', label, value.position);
  const domain = items.reduce<Domain>(
    (d, item) => (d === 'generic' ? d : mergeDomains(d, domainOf(value.type, item.type))),
    items.length > 0 ? domainOf(value.type, items[0].type) : 'generic',
  );
  const prepared = items.map((item) => prepareConstant(item, domain, value));
  const read = value.evaluate;
  const constants = prepared.every((i) => i.constant && !isNull(i.constant.value));
  let test: (v: unknown, row: Row) => boolean | null;
  const values = prepared.map((i) => i.constant?.value);
  if (constants && domain === 'text' && values.every((v) => typeof v === 'string')) {
    // The common `status IN ('a', 'b')`: one hash lookup per row.
    const set = new Set(values);
    test = (v) => set.has(typeof v === 'string' ? v : toText(v));
  } else if (constants && domain === 'integer' && values.every((v) => typeof v === 'number')) {
    const set = new Set(values);
    const compare = comparator(domain, value, prepared[0]);
    test = (v) => (typeof v === 'number' ? set.has(v) : values.some((k) => compare(v, k) === 0));
  } else {
    const compares = prepared.map((item) => comparator(domain, value, item));
    const evaluators = prepared.map((i) => i.evaluate);
    const items = new Array<unknown>(evaluators.length);
    test = (v, row) => {
      // Every item is evaluated before comparing, as PostgreSQL builds the list first.
      for (let k = 0; k < evaluators.length; k++) items[k] = evaluators[k](row);
      if (isNull(v)) return null;
      let sawNull = false;
      for (let k = 0; k < items.length; k++) {
        if (isNull(items[k])) sawNull = true;
        else if (compares[k](v, items[k]) === 0) return true;
      }
      return sawNull ? null : false;
    };
  }
  const evaluate: Evaluate = (row) => {
    const v = read(row);
    if (isNull(v) && constants) return null;
    const found = test(v, row);
    return found === null ? null : found !== negate;
  };
  const node: Node = {
    evaluate,
    type: 'bool',
    pure: value.pure && prepared.every((i) => i.pure),
    label,
    position: value.position,
    isTrue: (row) => evaluate(row) === true,
    isFalse: (row) => evaluate(row) === false,
  };
  return folded(node, [value, ...prepared]);
}

function mergeDomains(a: Domain, b: Domain): Domain {
  if (a === b) return a;
  const numeric = new Set<Domain>(['integer', 'float', 'decimal']);
  if (numeric.has(a) && numeric.has(b)) return a === 'float' || b === 'float' ? 'float' : 'decimal';
  return 'generic';
}

/** Compiles `value [NOT] BETWEEN low AND high`, that is `value >= low AND value <= high`. */
export function between(value: Node, low: Node, high: Node, negate: boolean, label: string): Node {
  const inRange = and(comparison('>=', value, low, label), comparison('<=', value, high, label), label);
  return negate ? not(inRange, label) : inRange;
}

/** The equality test CASE value WHEN … and NULLIF use: true when both are non-NULL and equal. */
export function equality(left: Node, right: Node): (a: unknown, b: unknown) => boolean {
  const domain = domainOf(left.type, right.type);
  const compare = comparator(domain, left, prepareConstant(right, domain, left));
  return (a, b) => !isNull(a) && !isNull(b) && compare(a, b) === 0;
}
