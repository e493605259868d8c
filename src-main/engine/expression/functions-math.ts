import type { Row } from '../batch';
import { arithmetic } from './arithmetic';
import * as decimalModule from './decimal';
import type { Unscaled } from './decimal';
import { fixed, numericTypeOf, strict, type Call, type Compiled, type SqlFunction } from './function-kit';
import { decimalOf, failure, isInteger, numberOf, type Node } from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { describeValue, isNull } = valuesModule;
const decimal = { ...decimalModule };

/**
 * Math functions. Each keeps its argument's kind: integers stay integers, decimals stay exact
 * decimals (text), floats stay floats. Rounding is half away from zero for every kind
 * (`ROUND(2.5)` = 3, `ROUND(-2.5)` = -3); a float is rounded by its shortest decimal form, so
 * `ROUND(1.005, 2)` is 1.01 although the binary double is a little below 1.005.
 */

/** How a one-argument numeric function treats each kind; `digits` is ROUND's/TRUNC's second argument. */
interface NumericForms {
  integer(value: number | bigint, digits: number): number | bigint;
  /** Reads `decimal.result`, writes the result back to it. */
  decimal(digits: number): void;
  float(value: number, digits: number): number;
}

function asNumber(value: Unscaled): number | bigint {
  return typeof value === 'bigint' && value >= -9007199254740991n && value <= 9007199254740991n
    ? Number(value)
    : value;
}

/** Applies a decimal form to a float through its shortest decimal text. */
function floatThroughDecimal(form: NumericForms['decimal']): NumericForms['float'] {
  return (value, digits) => {
    if (!decimal.readNumber(value)) return value;
    form(digits);
    return decimal.toFloat(decimal.result.unscaled, decimal.result.scale) + 0;
  };
}

/** Compiles a numeric function of one value (and optional digits) by the value's static type. */
function numericFunction(args: Node[], forms: NumericForms): Compiled {
  const [valueArg, digitsArg] = args;
  const readDigits: (row: Row) => number | null = digitsArg ? numberOf(digitsArg) : () => 0;
  const type = numericTypeOf(valueArg.type);
  if (type === 'decimal') {
    const readDecimal = decimalOf(valueArg);
    const exact = (row: Row): boolean => {
      const present = readDecimal(row);
      const unscaled = decimal.result.unscaled;
      const scale = decimal.result.scale;
      const digits = readDigits(row);
      if (!present || digits === null) return false;
      decimal.result.unscaled = unscaled;
      decimal.result.scale = scale;
      forms.decimal(Math.trunc(digits));
      return true;
    };
    return {
      evaluate: (row) => (exact(row) ? decimal.format(decimal.result.unscaled, decimal.result.scale) : null),
      decimal: exact,
    };
  }
  const read = valueArg.evaluate;
  return (row) => {
    const value = read(row);
    const digits = readDigits(row);
    if (isNull(value) || digits === null) return null;
    const d = Math.trunc(digits);
    if (
      typeof value === 'bigint' ||
      (typeof value === 'number' && isInteger(type) && Number.isInteger(value))
    )
      return forms.integer(value, d);
    if (typeof value === 'number') return forms.float(value, d);
    if (!decimal.readValue(value))
      throw failure(valueArg, `${valueArg.label}: ${describeValue(value)} is not a number`);
    forms.decimal(d);
    return decimal.format(decimal.result.unscaled, decimal.result.scale);
  };
}

function roundDecimal(digits: number): void {
  decimal.round(decimal.result.unscaled, decimal.result.scale, digits);
}

function truncateDecimal(digits: number): void {
  const { unscaled, scale } = decimal.result;
  if (digits >= 0) return decimal.truncate(unscaled, scale, digits);
  decimal.truncate(unscaled, scale, 0);
  const unit = 10n ** BigInt(-digits);
  const whole = BigInt(decimal.result.unscaled);
  decimal.result.unscaled = asNumber((whole / unit) * unit);
}

/** An integer with its last `-digits` digits rounded or cut by `form` (digits ≥ 0 leaves it alone). */
function integerDigits(form: NumericForms['decimal']): NumericForms['integer'] {
  return (value, digits) => {
    if (digits >= 0) return value;
    decimal.result.unscaled = value;
    decimal.result.scale = 0;
    form(digits);
    return asNumber(decimal.result.unscaled);
  };
}

function floorOrCeil(toward: -1 | 1): NumericForms {
  return {
    integer: (value) => value,
    decimal: () => decimal.floorOrCeil(decimal.result.unscaled, decimal.result.scale, toward),
    float: (value) => (toward < 0 ? Math.floor(value) : Math.ceil(value)) + 0,
  };
}

const ROUND_FORMS: NumericForms = {
  integer: integerDigits(roundDecimal),
  decimal: roundDecimal,
  float: floatThroughDecimal(roundDecimal),
};

const TRUNC_FORMS: NumericForms = {
  integer: integerDigits(truncateDecimal),
  decimal: truncateDecimal,
  float: floatThroughDecimal(truncateDecimal),
};

const ABS_FORMS: NumericForms = {
  integer: (value) => (value < 0 ? -value : value),
  decimal: () => {
    const u = decimal.result.unscaled;
    decimal.result.unscaled = u < 0 ? -u : u;
  },
  float: (value) => Math.abs(value),
};

const numericType: SqlFunction['type'] = ([value]) => numericTypeOf(value.type);

function power(base: number, exponent: number, call: Call): number {
  if (base === 0 && exponent < 0) throw failure(call, 'POWER: zero raised to a negative power is undefined');
  if (base < 0 && !Number.isInteger(exponent))
    throw failure(call, 'POWER: a negative number raised to a non-integer power has no real value');
  return Math.pow(base, exponent);
}

export const MATH_FUNCTIONS: Record<string, SqlFunction> = {
  ABS: {
    args: ['number'],
    summary: 'Absolute value.',
    example: ['ABS(-4.50)', '4.50'],
    type: numericType,
    compile: (args) => numericFunction(args, ABS_FORMS),
  },
  ROUND: {
    args: ['number', 'number'],
    minArgs: 1,
    summary:
      'A number rounded half away from zero to `digits` decimals (negative: tens, hundreds…): ROUND(x[, digits]).',
    example: ['ROUND(2.345, 2)', '2.35'],
    type: numericType,
    compile: (args) => numericFunction(args, ROUND_FORMS),
  },
  TRUNC: {
    args: ['number', 'number'],
    minArgs: 1,
    summary: 'A number cut toward zero to `digits` decimals: TRUNC(x[, digits]).',
    example: ['TRUNC(-2.789, 1)', '-2.7'],
    type: numericType,
    compile: (args) => numericFunction(args, TRUNC_FORMS),
  },
  TRUNCATE: {
    args: ['number', 'number'],
    summary: "MySQL's name for TRUNC: TRUNCATE(x, digits).",
    example: ['TRUNCATE(1234.567, -2)', '1200'],
    type: numericType,
    compile: (args) => numericFunction(args, TRUNC_FORMS),
  },
  FLOOR: {
    args: ['number'],
    summary: 'The largest integer not above x (a decimal stays a decimal, with scale 0).',
    example: ['FLOOR(-2.5)', '-3'],
    type: numericType,
    compile: (args) => numericFunction(args, floorOrCeil(-1)),
  },
  CEIL: {
    args: ['number'],
    summary: 'The smallest integer not below x.',
    example: ['CEIL(2.1)', '3'],
    type: numericType,
    compile: (args) => numericFunction(args, floorOrCeil(1)),
  },
  CEILING: {
    args: ['number'],
    summary: 'Same as CEIL.',
    example: ['CEILING(-2.1)', '-2'],
    type: numericType,
    compile: (args) => numericFunction(args, floorOrCeil(1)),
  },
  MOD: {
    args: ['number', 'number'],
    summary: 'Remainder of a division, with the sign of the dividend; same as `a % b`: MOD(a, b).',
    example: ['MOD(-7, 3)', '-1'],
    type: ([a, b]) => arithmetic('%', a, b, 'MOD').type,
    compile: ([a, b], call) => {
      const node = arithmetic('%', a, b, call.label);
      return node.decimal ? { evaluate: node.evaluate, decimal: node.decimal } : node.evaluate;
    },
  },
  POWER: {
    args: ['number', 'number'],
    summary: 'x raised to the power y, as a float: POWER(x, y).',
    example: ['POWER(2, 10)', '1024'],
    type: fixed('float'),
    compile: (args, call) =>
      strict([numberOf(args[0]), numberOf(args[1])], (x: number, y: number) => power(x, y, call)),
  },
  POW: {
    args: ['number', 'number'],
    summary: 'Same as POWER.',
    example: ['POW(9, 0.5)', '3'],
    type: fixed('float'),
    compile: (args, call) => MATH_FUNCTIONS.POWER.compile(args, call),
  },
  SQRT: {
    args: ['number'],
    summary: 'Square root, as a float.',
    example: ['SQRT(16)', '4'],
    type: fixed('float'),
    compile: (args, call) =>
      strict([numberOf(args[0])], (x: number) => {
        if (x < 0) throw failure(call, 'SQRT: cannot take the square root of a negative number');
        return Math.sqrt(x);
      }),
  },
  SIGN: {
    args: ['number'],
    summary: '-1, 0 or 1 by the sign of x.',
    example: ['SIGN(-0.5)', '-1'],
    type: fixed('int'),
    compile: ([x]) => {
      const read = decimalOf(x);
      return (row) => (read(row) ? decimal.sign(decimal.result.unscaled) : null);
    },
  },
};
