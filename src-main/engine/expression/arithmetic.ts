import * as decimalModule from './decimal';
import type { Unscaled } from './decimal';
import { ExpressionError } from './expression-error';
import type { Row } from '../batch';
import {
  constant,
  decimalOf,
  isNullConstant,
  failure,
  folded,
  isInteger,
  isNumeric,
  type Evaluate,
  type Node,
  type ValueType,
} from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { describeValue, isNull, isNumericText, toNumber } = valuesModule;
const decimal = { ...decimalModule };

/**
 * Arithmetic: `+ - * / % MOD DIV` and unary minus, specialised by operand types when compiling.
 *
 * - int with int gives an int, computed in 64 bits as MySQL does (a BigInt past 2^53, never a
 *   rounded float; beyond ±2^63 an error, as in both databases); `/` of two
 *   integers gives a float (`7 / 2` = 3.5, as in MySQL; PostgreSQL truncates) and `DIV`
 *   the integer quotient (truncated toward zero).
 * - Anything with a DECIMAL (a decimal column, a literal such as `1.1`, numeric text from a
 *   text column) is exact decimal arithmetic with PostgreSQL's result scales (see
 *   `decimal.ts`): `price * qty` with price `'19.99'` and qty 2 is `'39.98'`, and
 *   `0.1 + 0.2` is `'0.3'`. Decimal results are text, as decimal columns are.
 * - Anything with a FLOAT is float arithmetic.
 * - Division and modulo by zero are errors (as in PostgreSQL), reported for the row.
 */

export const ARITHMETIC = ['+', '-', '*', '/', '%', 'MOD', 'DIV'] as const;
export type ArithmeticOperator = (typeof ARITHMETIC)[number];

type Domain = 'integer' | 'float' | 'decimal' | 'dynamic';

/** Types that may take part in arithmetic: numbers, and text or JSON read as numbers at run time. */
const ARITHMETIC_TYPES: ReadonlySet<ValueType> = new Set([
  'int',
  'bigint',
  'float',
  'decimal',
  'string',
  'json',
  'unknown',
]);

function domainOf(a: ValueType, b: ValueType): Domain {
  if (a === 'float' || b === 'float') return 'float';
  if (a === 'unknown' || b === 'unknown' || a === 'json' || b === 'json') return 'dynamic';
  if (isInteger(a) && isInteger(b)) return 'integer';
  return 'decimal';
}

/** Refuses operands arithmetic cannot use, and literals that are not numbers, at the place they are written. */
function checkOperand(node: Node, op: string): void {
  if (!ARITHMETIC_TYPES.has(node.type)) {
    const hint =
      node.type === 'date' || node.type === 'timestamp' || node.type === 'timestamptz'
        ? ': add time with DATE_ADD(x, INTERVAL n unit) or x + INTERVAL n unit, subtract dates with DATEDIFF'
        : '';
    throw new ExpressionError(
      `cannot use ${node.label} (${node.type}) in ${op} arithmetic${hint}`,
      node.position,
    );
  }
  const value = node.constant?.value;
  if (typeof value === 'string' && !isNumericText(value))
    throw new ExpressionError(`${node.label} is not a number`, node.position);
}

/** The static type of `a OP b`. */
function resultType(op: ArithmeticOperator, domain: Domain, a: ValueType, b: ValueType): ValueType {
  switch (domain) {
    case 'integer':
      if (op === '/') return 'float';
      return a === 'bigint' || b === 'bigint' ? 'bigint' : 'int';
    case 'float':
      return op === 'DIV' ? 'bigint' : 'float';
    case 'decimal':
      return op === 'DIV' ? 'bigint' : 'decimal';
    case 'dynamic':
      return 'unknown';
  }
}

const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));

/** Integer `a OP b` on values that are not both safe numbers, or whose result is not. */
function bigIntegerResult(op: ArithmeticOperator, a: bigint, b: bigint): bigint | number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return Number(a) / Number(b);
    default: // % MOD DIV
      return op === 'DIV' ? a / b : a % b;
  }
}

/** Reads an integer operand (a number, bigint or integer text); undefined when it is not one. */
function integerValue(v: unknown): number | bigint | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : BigInt(v.trim());
  }
  return undefined;
}

type Apply = (a: unknown, b: unknown) => unknown;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isDivision(op: ArithmeticOperator): boolean {
  return op === '/' || op === '%' || op === 'MOD' || op === 'DIV';
}

/** Integer `a OP b` on two non-NULL values: plain numbers while results stay exact, BigInt beyond. */
function integerApply(op: ArithmeticOperator, left: Node, right: Node, node: Node): Apply {
  const divides = isDivision(op);
  const exact = (a: unknown, b: unknown): unknown => {
    const x = integerValue(a);
    if (x === undefined) throw failure(left, `${left.label}: ${describeValue(a)} is not an integer`);
    const y = integerValue(b);
    if (y === undefined) throw failure(right, `${right.label}: ${describeValue(b)} is not an integer`);
    if (divides && (y === 0 || y === 0n)) throw failure(node, 'division by zero');
    const result = bigIntegerResult(op, big(x), big(y));
    if (typeof result === 'number') return result;
    if (result < INT64_MIN || result > INT64_MAX) throw failure(node, 'bigint out of range (beyond ±2^63)');
    return result >= -9007199254740991n && result <= 9007199254740991n ? Number(result) : result;
  };
  // One closure per operator: the fast path is a typeof check and one JS operation.
  switch (op) {
    case '+':
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number') {
          const r = a + b;
          if (Number.isSafeInteger(r)) return r;
        }
        return exact(a, b);
      };
    case '-':
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number') {
          const r = a - b;
          if (Number.isSafeInteger(r)) return r;
        }
        return exact(a, b);
      };
    case '*':
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number') {
          const r = a * b + 0; // no -0
          if (Number.isSafeInteger(r)) return r;
        }
        return exact(a, b);
      };
    case '/':
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number' && b !== 0) return a / b;
        return exact(a, b);
      };
    default:
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number' && b !== 0 && Number.isSafeInteger(a)) {
          return op === 'DIV' ? Math.trunc(a / b) + 0 : (a % b) + 0;
        }
        return exact(a, b);
      };
  }
}

function floatApply(op: ArithmeticOperator, left: Node, right: Node, node: Node): Apply {
  const number = (v: unknown, side: Node): number => {
    if (typeof v === 'number') return v;
    const n = toNumber(v);
    if (n === undefined) throw failure(side, `${side.label}: ${describeValue(v)} is not a number`);
    return n;
  };
  return (x, y) => {
    const a = number(x, left);
    const b = number(y, right);
    if (isDivision(op) && b === 0) throw failure(node, 'division by zero');
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case 'DIV':
        return Math.trunc(a / b) + 0;
      default:
        return a % b;
    }
  };
}

type DecimalOperation = (a: Unscaled, sa: number, b: Unscaled, sb: number) => void;

const DECIMAL_OPERATIONS: Record<ArithmeticOperator, DecimalOperation> = {
  '+': decimal.add,
  '-': decimal.subtract,
  '*': decimal.multiply,
  '/': decimal.divide,
  '%': decimal.modulo,
  MOD: decimal.modulo,
  DIV: (a, sa, b, sb) => {
    decimal.divide(a, sa, b, sb);
    decimal.truncate(decimal.result.unscaled, decimal.result.scale, 0);
  },
};

/**
 * Decimal `a OP b` on the unscaled values already read: leaves the result in `decimal.result`.
 * Division by zero is reported for `node`.
 */
function decimalOperation(op: ArithmeticOperator, node: Node): DecimalOperation {
  const operation = DECIMAL_OPERATIONS[op];
  if (!isDivision(op)) return operation;
  return (a, sa, b, sb) => {
    if (b === 0 || b === 0n) throw failure(node, 'division by zero');
    operation(a, sa, b, sb);
  };
}

/**
 * Decimal arithmetic over rows that leaves its result in `decimal.result`, so a parent decimal
 * operation reads it unformatted. Both sides are read before a NULL gives NULL, so an error on
 * either side is reported.
 */
function decimalArithmetic(
  op: ArithmeticOperator,
  left: Node,
  right: Node,
  node: Node,
): (row: Row) => boolean {
  const readLeft = decimalOf(left);
  const readRight = decimalOf(right);
  const operation = decimalOperation(op, node);
  const register = decimal.result;
  return (row) => {
    const hasLeft = readLeft(row);
    const a = register.unscaled;
    const sa = register.scale;
    if (!readRight(row) || !hasLeft) return false;
    operation(a, sa, register.unscaled, register.scale);
    return true;
  };
}

/** `a OP b` for values whose types are known only at run time (JSON values, NULL literals). */
function dynamicApply(op: ArithmeticOperator, left: Node, right: Node, node: Node): Apply {
  const integer = integerApply(op, left, right, node);
  const float = floatApply(op, left, right, node);
  const operation = decimalOperation(op, node);
  const isInt = (v: unknown) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
  return (a, b) => {
    if (isInt(a) && isInt(b)) return integer(a, b);
    if (typeof a === 'number' || typeof b === 'number') return float(a, b);
    if (!decimal.readValue(a)) throw failure(left, `${left.label}: ${describeValue(a)} is not a number`);
    const x = decimal.result.unscaled;
    const sx = decimal.result.scale;
    if (!decimal.readValue(b)) throw failure(right, `${right.label}: ${describeValue(b)} is not a number`);
    operation(x, sx, decimal.result.unscaled, decimal.result.scale);
    return op === 'DIV'
      ? decimal.result.unscaled
      : decimal.format(decimal.result.unscaled, decimal.result.scale);
  };
}

/** Evaluates both sides (NULL if either is) and applies `apply`. */
function binary(left: Node, right: Node, apply: Apply): Evaluate {
  const readLeft = left.evaluate;
  const readRight = right.evaluate;
  return (row) => {
    const a = readLeft(row);
    const b = readRight(row);
    if (a === null || a === undefined || b === null || b === undefined) return null;
    return apply(a, b);
  };
}

/** Compiles `left OP right`. */
export function arithmetic(op: ArithmeticOperator, left: Node, right: Node, label: string): Node {
  checkOperand(left, op);
  checkOperand(right, op);
  const domain = domainOf(left.type, right.type);
  if (isNullConstant(left) || isNullConstant(right)) {
    return constant(null, resultType(op, domain, left.type, right.type), label, left.position);
  }
  const node: Node = {
    evaluate: () => null,
    type: resultType(op, domain, left.type, right.type),
    pure: left.pure && right.pure,
    label,
    position: left.position ?? right.position,
  };
  switch (domain) {
    case 'integer':
      node.evaluate = binary(left, right, integerApply(op, left, right, node));
      break;
    case 'float':
      node.evaluate = binary(left, right, floatApply(op, left, right, node));
      break;
    case 'decimal': {
      const exact = decimalArithmetic(op, left, right, node);
      if (op === 'DIV') {
        node.evaluate = (row) => (exact(row) ? decimal.result.unscaled : null);
      } else {
        node.decimal = exact;
        node.evaluate = (row) =>
          exact(row) ? decimal.format(decimal.result.unscaled, decimal.result.scale) : null;
      }
      break;
    }
    case 'dynamic':
      node.evaluate = binary(left, right, dynamicApply(op, left, right, node));
      break;
  }
  return folded(node, [left, right]);
}

/** Compiles `-operand`. */
export function negate(operand: Node, label: string): Node {
  checkOperand(operand, '-');
  const read = operand.evaluate;
  const node: Node = {
    evaluate: () => null,
    type: isNumeric(operand.type) ? operand.type : operand.type === 'string' ? 'decimal' : 'unknown',
    pure: operand.pure,
    label,
    position: operand.position,
  };
  if (node.type === 'decimal') {
    const readDecimal = decimalOf(operand);
    node.decimal = (row) => {
      if (!readDecimal(row)) return false;
      decimal.result.unscaled = -decimal.result.unscaled;
      return true;
    };
    const exact = node.decimal;
    node.evaluate = (row) =>
      exact(row) ? decimal.format(decimal.result.unscaled, decimal.result.scale) : null;
  } else {
    node.evaluate = (row) => {
      const v = read(row);
      if (typeof v === 'number') return 0 - v;
      if (typeof v === 'bigint') return -v;
      if (isNull(v)) return null;
      const n = toNumber(v);
      if (n === undefined) throw failure(operand, `${operand.label}: ${describeValue(v)} is not a number`);
      return 0 - n;
    };
  }
  return folded(node, [operand]);
}
