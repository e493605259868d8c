import * as decimal from '../../../src-main/engine/expression/decimal';
import type { LogicalType } from '../../../src-shared/types/logical';
import { toText } from '../values';
import { canonicalizer, type Canonical } from './keys';

/*
 * Accumulators of the stateful processors: aggregate's functions and merge's field rules.
 * SQL semantics: NULLs are skipped (callers never hand one to `add`), sums and averages of
 * integers and decimals are exact (scaled integers, BigInt past 2^53, never a float), and an
 * empty group's sum, average, minimum or value is NULL while its count is 0.
 */

/** A column type, or `unknown` for an expression whose type depends on the data. */
export type InputType = LogicalType | 'unknown';

/** The state of one function over one group. */
export interface Accumulator {
  /** Takes a non-NULL value that `check` accepted. */
  add(value: unknown): void;
  result(): unknown;
}

/** One function over values of one input type. */
export interface AccumulatorKind {
  /** The type of the results. */
  type: LogicalType;
  /**
   * Throws for a non-NULL value the function cannot take (text that is not a number for `sum`),
   * before any accumulator of the row takes its value, so a bad row changes no group.
   */
  check(value: unknown): void;
  create(): Accumulator;
}

/** What the accumulators compute; `concat` and `collect` are merge's. */
export type AccumulatorFunction =
  'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last' | 'count_distinct' | 'concat' | 'collect';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** 10^k for the scale differences a fast decimal sum handles (beyond, `POW10[k]` is undefined → NaN, not safe). */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
const narrow = (n: bigint): number | bigint => (n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : n);
const NOT_NUMBER = (value: unknown) => new Error(`not a number: ${describe(value)}`);
const nothing = () => undefined;

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

class Count implements Accumulator {
  n = 0;
  add(): void {
    this.n++;
  }
  result(): unknown {
    return this.n;
  }
}

/** Integers: a number while the total is a safe integer, a BigInt beyond (as bigint columns carry them). */
class IntegerSum implements Accumulator {
  total: number | bigint = 0;
  seen = false;
  add(value: unknown): void {
    this.seen = true;
    if (typeof value === 'number' && typeof this.total === 'number') {
      const sum = this.total + value;
      if (Number.isSafeInteger(sum)) {
        this.total = sum;
        return;
      }
    }
    this.total = narrow(BigInt(this.total) + BigInt(value as number | bigint));
  }
  result(): unknown {
    return this.seen ? this.total : null;
  }
}

function checkInteger(value: unknown): void {
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return;
  throw new Error(`not an integer: ${describe(value)}`);
}

/**
 * Reads decimals, remembering the last value read: `check` reads a row's value and the
 * accumulator's `add` right after takes it without parsing the text again.
 */
class DecimalReader {
  private last: unknown = undefined;
  unscaled: decimal.Unscaled = 0;
  scale = 0;

  /** False when the value is not a number. */
  read(value: unknown): boolean {
    if (value === this.last) return true;
    if (!decimal.readValue(value)) return false;
    this.last = value;
    this.unscaled = decimal.result.unscaled;
    this.scale = decimal.result.scale;
    return true;
  }

  check(value: unknown): void {
    if (!this.read(value)) throw NOT_NUMBER(value);
  }
}

/** Exact decimal sum at the largest scale seen (`19.99 + 0.5` = `20.49`), as NUMERIC sums. */
class DecimalSum implements Accumulator {
  unscaled: decimal.Unscaled = 0;
  scale = 0;
  count = 0;
  constructor(private readonly reader: DecimalReader) {}
  add(value: unknown): void {
    const { reader } = this;
    reader.read(value);
    this.count++;
    // The common case in plain integer arithmetic: a value of no larger scale, all within 2^53.
    const { unscaled, scale } = reader;
    if (typeof unscaled === 'number' && typeof this.unscaled === 'number' && scale <= this.scale) {
      const shifted = unscaled * POW10[this.scale - scale];
      const sum = this.unscaled + shifted;
      if (Number.isSafeInteger(shifted) && Number.isSafeInteger(sum)) {
        this.unscaled = sum;
        return;
      }
    }
    decimal.add(this.unscaled, this.scale, unscaled, scale);
    this.unscaled = decimal.result.unscaled;
    this.scale = decimal.result.scale;
  }
  result(): unknown {
    return this.count > 0 ? decimal.format(this.unscaled, this.scale) : null;
  }
}

/** The exact average: the decimal sum divided by the count at PostgreSQL's division scale. */
class DecimalAvg extends DecimalSum {
  override result(): unknown {
    if (this.count === 0) return null;
    decimal.divide(this.unscaled, this.scale, this.count, 0);
    return decimal.format(decimal.result.unscaled, decimal.result.scale);
  }
}

class FloatSum implements Accumulator {
  total = 0;
  count = 0;
  add(value: unknown): void {
    this.total += value as number;
    this.count++;
  }
  result(): unknown {
    return this.count > 0 ? this.total : null;
  }
}

class FloatAvg extends FloatSum {
  override result(): unknown {
    return this.count > 0 ? this.total / this.count : null;
  }
}

function checkFloat(value: unknown): void {
  if (typeof value !== 'number') throw NOT_NUMBER(value);
}

type Order = (a: unknown, b: unknown) => number;

const natural: Order = (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
const instantMicros = (d: Date) => d.getTime() * 1000 + ((d as { micros?: number }).micros ?? 0);
const byInstant: Order = (a, b) => instantMicros(a as Date) - instantMicros(b as Date);

/** Values of an expression whose type is not known: numbers by value, instants by time, the rest as text. */
const generic: Order = (a, b) => {
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(a) && numeric(b)) return natural(a, b);
  if (a instanceof Date && b instanceof Date) return byInstant(a, b);
  return natural(toText(a), toText(b));
};

/** The order of values of a column type; undefined when it has none (json, bytes). */
function orderOf(type: InputType): Order | undefined {
  switch (type) {
    case 'timestamp':
    case 'timestamptz':
      return byInstant;
    case 'bool':
      return (a, b) => Number(a) - Number(b);
    case 'json':
    case 'bytes':
      return undefined;
    case 'unknown':
      return generic;
    default:
      // Numbers (and bigints mixed with numbers) by value; text, dates and times by code unit.
      return natural;
  }
}

/** The minimum (`direction` -1) or maximum (1). */
class Extreme implements Accumulator {
  best: unknown = null;
  seen = false;
  constructor(
    private readonly order: Order,
    private readonly direction: number,
  ) {}
  add(value: unknown): void {
    if (!this.seen || this.order(value, this.best) * this.direction > 0) {
      this.best = value;
      this.seen = true;
    }
  }
  result(): unknown {
    return this.best;
  }
}

/** Decimal minimum or maximum: compared exactly, the winning value kept as written (`19.90`). */
class DecimalExtreme implements Accumulator {
  best: unknown = null;
  unscaled: decimal.Unscaled = 0;
  scale = 0;
  constructor(
    private readonly reader: DecimalReader,
    private readonly direction: number,
  ) {}
  add(value: unknown): void {
    const { reader } = this;
    reader.read(value);
    if (
      this.best === null ||
      decimal.compare(reader.unscaled, reader.scale, this.unscaled, this.scale) * this.direction > 0
    ) {
      this.best = value;
      this.unscaled = reader.unscaled;
      this.scale = reader.scale;
    }
  }
  result(): unknown {
    return this.best;
  }
}

class First implements Accumulator {
  value: unknown = null;
  seen = false;
  add(value: unknown): void {
    if (!this.seen) {
      this.value = value;
      this.seen = true;
    }
  }
  result(): unknown {
    return this.value;
  }
}

class Last implements Accumulator {
  value: unknown = null;
  add(value: unknown): void {
    this.value = value;
  }
  result(): unknown {
    return this.value;
  }
}

class CountDistinct implements Accumulator {
  readonly seen = new Set<Canonical>();
  constructor(private readonly canonical: (value: unknown) => Canonical) {}
  add(value: unknown): void {
    this.seen.add(this.canonical(value));
  }
  result(): unknown {
    return this.seen.size;
  }
}

class Concat implements Accumulator {
  readonly parts: string[] = [];
  constructor(private readonly separator: string) {}
  add(value: unknown): void {
    this.parts.push(toText(value) ?? '');
  }
  result(): unknown {
    return this.parts.length > 0 ? this.parts.join(this.separator) : null;
  }
}

class Collect implements Accumulator {
  readonly values: unknown[] = [];
  add(value: unknown): void {
    this.values.push(value);
  }
  result(): unknown {
    return this.values.length > 0 ? this.values : null;
  }
}

/** Thrown by `accumulatorKind` for a function that cannot take values of the type: a config error. */
export class UnsupportedInputError extends Error {
  override name = 'UnsupportedInputError';
}

/** A kind whose results are the input's own values: the input's type, text for an unknown one. */
function sameType(input: InputType, create: () => Accumulator): AccumulatorKind {
  if (input !== 'unknown') return { type: input, check: nothing, create };
  return {
    type: 'string',
    check: nothing,
    create: () => {
      const inner = create();
      return { add: (value) => inner.add(value), result: () => toText(inner.result()) };
    },
  };
}

const NUMERIC_INPUTS = new Set<InputType>(['int', 'bigint', 'float', 'decimal', 'string', 'unknown']);

/**
 * The accumulator kind of `fn` over values of type `input`; throws `UnsupportedInputError` saying
 * what the function takes when the type does not fit (`sum` of a date).
 */
export function accumulatorKind(
  fn: AccumulatorFunction,
  input: InputType,
  options: { separator?: string } = {},
): AccumulatorKind {
  const integer = input === 'int' || input === 'bigint';
  switch (fn) {
    case 'count':
      return { type: 'bigint', check: nothing, create: () => new Count() };
    case 'count_distinct': {
      const canonical = canonicalizer(input);
      return { type: 'bigint', check: nothing, create: () => new CountDistinct(canonical) };
    }
    case 'sum':
    case 'avg': {
      if (!NUMERIC_INPUTS.has(input))
        throw new UnsupportedInputError(
          `${fn} takes numbers (int, bigint, float, decimal or numeric text), not ${input}`,
        );
      if (input === 'float')
        return {
          type: 'float',
          check: checkFloat,
          create: () => (fn === 'sum' ? new FloatSum() : new FloatAvg()),
        };
      if (fn === 'sum' && integer)
        return { type: 'bigint', check: checkInteger, create: () => new IntegerSum() };
      const reader = new DecimalReader();
      return {
        type: 'decimal',
        check: (value) => reader.check(value),
        create: () => (fn === 'sum' ? new DecimalSum(reader) : new DecimalAvg(reader)),
      };
    }
    case 'min':
    case 'max': {
      const direction = fn === 'min' ? -1 : 1;
      if (input === 'decimal') {
        const reader = new DecimalReader();
        return {
          type: 'decimal',
          check: (value) => reader.check(value),
          create: () => new DecimalExtreme(reader, direction),
        };
      }
      const order = orderOf(input);
      if (!order)
        throw new UnsupportedInputError(`${fn} needs values with an order, and ${input} values have none`);
      return sameType(input, () => new Extreme(order, direction));
    }
    case 'first':
      return sameType(input, () => new First());
    case 'last':
      return sameType(input, () => new Last());
    case 'concat': {
      const separator = options.separator ?? ',';
      return { type: 'string', check: nothing, create: () => new Concat(separator) };
    }
    case 'collect':
      return { type: 'json', check: nothing, create: () => new Collect() };
  }
}
