/**
 * Exact decimal arithmetic on scaled integers, as PostgreSQL's NUMERIC does it.
 *
 * A decimal is an unscaled integer and a scale: `19.99` is 1999 with scale 2. Values travel
 * through rows as text (`'19.99'`, as connectors deliver DECIMAL columns), and are read into
 * this form only for arithmetic and comparison. The unscaled integer is a plain number while
 * it fits in 2^53 (the common case, no allocation) and a BigInt beyond that, so nothing is
 * ever rounded by floating point.
 *
 * Result scales follow PostgreSQL:
 * - `a + b`, `a - b`, `MOD(a, b)`: the larger of the two scales (`1.5 + 2.25` = `3.75`);
 * - `a * b`: the sum of the scales (`19.99 * 2` = `39.98`, `1.10 * 1.1` = `1.210`);
 * - `a / b`: at least 16 significant digits and at least the scale of either input, computed
 *   from the inputs' magnitudes exactly as PostgreSQL's `select_div_scale` does
 *   (`1 / 3` = `0.33333333333333333333`, `10 / 4` = `2.5000000000000000`), rounded half away
 *   from zero in the last digit;
 * - `ROUND(a, n)`: scale `max(n, 0)`, half away from zero (`ROUND(2.345, 2)` = `2.35`,
 *   `ROUND(1250, -2)` = `1300`); `FLOOR`/`CEIL`: scale 0.
 *
 * Operations write their result into `result` (unscaled, scale) instead of returning an
 * object, so a chain such as `ROUND(price * 1.1, 2)` allocates nothing until its text is made.
 * Evaluation is synchronous, so one shared register is safe; callers read it right away.
 */

/** An unscaled integer: a number while it is a safe integer, a BigInt beyond. */
export type Unscaled = number | bigint;

/** The register every operation writes its result to. Read both fields before the next call. */
export const result = { unscaled: 0 as Unscaled, scale: 0 };

/** Largest scale kept, as PostgreSQL's NUMERIC_MAX_DISPLAY_SCALE. */
export const MAX_SCALE = 1000;

/** Thrown for a decimal operation that has no value (division by zero). */
export class DecimalError extends Error {}

const POW10: number[] = Array.from({ length: 16 }, (_, k) => 10 ** k);
const POW10_BIG: bigint[] = [];

/** 10^k as a BigInt, cached. */
function pow10n(k: number): bigint {
  let value = POW10_BIG[k];
  if (value === undefined) {
    value = 10n ** BigInt(k);
    if (k <= 2 * MAX_SCALE) POW10_BIG[k] = value;
  }
  return value;
}

function set(unscaled: Unscaled, scale: number): void {
  // Keep small BigInts as numbers so the next operation takes the fast path.
  if (typeof unscaled === 'bigint' && unscaled <= 9007199254740991n && unscaled >= -9007199254740991n)
    result.unscaled = Number(unscaled);
  else result.unscaled = unscaled;
  result.scale = scale;
}

const big = (u: Unscaled): bigint => (typeof u === 'bigint' ? u : BigInt(u));

/** `u × 10^k` exactly (k ≥ 0). */
function shift(u: Unscaled, k: number): Unscaled {
  if (k === 0) return u;
  if (typeof u === 'number' && k < 16) {
    const shifted = u * POW10[k];
    if (Number.isSafeInteger(shifted)) return shifted;
  }
  return big(u) * pow10n(k);
}

/**
 * Reads decimal text (`'19.99'`, `'-0.5'`, `' 42 '`, `'1.5e3'`) into `result`; false when the
 * text is not a number. The scale is the number of digits after the point, as written.
 */
export function readText(text: string): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  let i = start;
  let negative = false;
  const first = text.charCodeAt(i);
  if (first === 45) {
    negative = true;
    i++;
  } else if (first === 43) i++;
  const digitsStart = i;
  let unscaled = 0;
  let significant = 0;
  let scale = 0;
  let digits = 0;
  let point = false;
  let exponentAt = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (point) scale++;
      if (significant > 0 || c !== 48) significant++;
      unscaled = unscaled * 10 + (c - 48);
    } else if (c === 46 && !point) point = true;
    else if ((c === 101 || c === 69) && digits > 0) {
      exponentAt = i;
      break;
    } else return false;
  }
  if (digits === 0) return false;
  let value: Unscaled = unscaled;
  if (significant > 15) {
    // Too many digits for a float to hold exactly: read them again as a BigInt.
    const body = BigInt(text.slice(digitsStart, exponentAt < 0 ? end : exponentAt).replace('.', ''));
    value = negative ? -body : body;
  } else if (negative) value = -unscaled;
  if (exponentAt >= 0) {
    const exponentText = text.slice(exponentAt + 1, end);
    if (!/^[+-]?\d{1,4}$/.test(exponentText)) return false;
    scale -= Number(exponentText);
    if (scale < 0) {
      value = shift(value, -scale);
      scale = 0;
    }
    if (scale > MAX_SCALE) return false;
  }
  set(value, scale);
  return true;
}

/**
 * Reads a number into `result` by its shortest decimal text (0.1 → 1 with scale 1, not the
 * binary fraction), as PostgreSQL converts float8 to numeric. False for NaN and infinities.
 */
export function readNumber(n: number): boolean {
  if (Number.isSafeInteger(n)) {
    set(n, 0);
    return true;
  }
  return Number.isFinite(n) && readText(String(n));
}

/** Reads a decimal from text, a number, a bigint or a boolean into `result`; false when it is none. */
export function readValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return readText(value);
    case 'number':
      return readNumber(value);
    case 'bigint':
      set(value, 0);
      return true;
    case 'boolean':
      set(value ? 1 : 0, 0);
      return true;
    default:
      return false;
  }
}

/** The text of a decimal: exactly `scale` digits after the point (`format(1999, 2)` = `'19.99'`). */
export function format(unscaled: Unscaled, scale: number): string {
  const negative = unscaled < 0;
  let digits = String(negative ? -unscaled : unscaled);
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** The nearest float to a decimal. */
export function toFloat(unscaled: Unscaled, scale: number): number {
  if (typeof unscaled === 'number' && scale < 16) return unscaled / POW10[scale];
  return Number(format(unscaled, scale));
}

/** `a + b` into `result`, scale max(sa, sb). */
export function add(a: Unscaled, sa: number, b: Unscaled, sb: number): void {
  const scale = sa > sb ? sa : sb;
  const x = shift(a, scale - sa);
  const y = shift(b, scale - sb);
  if (typeof x === 'number' && typeof y === 'number') {
    const sum = x + y;
    if (Number.isSafeInteger(sum)) return set(sum, scale);
  }
  set(big(x) + big(y), scale);
}

/** `a - b` into `result`, scale max(sa, sb). */
export function subtract(a: Unscaled, sa: number, b: Unscaled, sb: number): void {
  add(a, sa, -b, sb);
}

/** `a × b` into `result`, scale sa + sb. */
export function multiply(a: Unscaled, sa: number, b: Unscaled, sb: number): void {
  if (typeof a === 'number' && typeof b === 'number') {
    const product = a * b;
    // A product beyond 2^53 cannot round down into the safe range, so this test is exact.
    if (Number.isSafeInteger(product)) return set(product, sa + sb);
  }
  set(big(a) * big(b), sa + sb);
}

/** `n / d` rounded half away from zero, BigInt. */
function divideRounded(n: bigint, d: bigint): bigint {
  const quotient = n / d;
  const remainder = n % d;
  if (remainder === 0n) return quotient;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice >= (d < 0n ? -d : d)) return n < 0n !== d < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

/**
 * PostgreSQL's NUMERIC digit group (base 10,000) facts about a value: the weight of its first
 * non-zero group and that group's value, which `select_div_scale` uses to size a quotient.
 */
function leadingGroup(unscaled: Unscaled, scale: number): { weight: number; first: number } {
  const digits = String(unscaled < 0 ? -unscaled : unscaled);
  if (digits === '0') return { weight: 0, first: 0 };
  const position = digits.length - scale - 1; // power of ten of the leading digit
  const weight = Math.floor(position / 4);
  // The leading group holds the digits at powers 4·weight … 4·weight+3.
  const cut = digits.length - (scale + 4 * weight);
  const below = scale + 4 * weight;
  return { weight, first: below >= 0 ? Number(digits.slice(0, cut)) : Number(digits) * 10 ** -below };
}

/** The scale PostgreSQL gives `a / b`: at least 16 significant digits, at least either input's scale. */
export function divisionScale(a: Unscaled, sa: number, b: Unscaled, sb: number): number {
  const x = leadingGroup(a, sa);
  const y = leadingGroup(b, sb);
  let quotientWeight = x.weight - y.weight;
  if (x.first <= y.first) quotientWeight--;
  const scale = Math.max(16 - quotientWeight * 4, sa, sb, 0);
  return Math.min(scale, MAX_SCALE);
}

/** `a / b` into `result` at PostgreSQL's division scale; throws `DecimalError` for b = 0. */
export function divide(a: Unscaled, sa: number, b: Unscaled, sb: number): void {
  if (b === 0 || b === 0n) throw new DecimalError('division by zero');
  const scale = divisionScale(a, sa, b, sb);
  // a·10^-sa / (b·10^-sb) = (a·10^(scale+sb-sa) / b)·10^-scale
  const exponent = scale + sb - sa;
  const numerator = exponent >= 0 ? big(a) * pow10n(exponent) : big(a);
  const denominator = exponent >= 0 ? big(b) : big(b) * pow10n(-exponent);
  set(divideRounded(numerator, denominator), scale);
}

/** `a MOD b` into `result` (sign of a, as PostgreSQL and MySQL), scale max(sa, sb); throws for b = 0. */
export function modulo(a: Unscaled, sa: number, b: Unscaled, sb: number): void {
  if (b === 0 || b === 0n) throw new DecimalError('division by zero');
  const scale = sa > sb ? sa : sb;
  const x = shift(a, scale - sa);
  const y = shift(b, scale - sb);
  if (typeof x === 'number' && typeof y === 'number') return set(x % y, scale);
  set(big(x) % big(y), scale);
}

/** Rounds to `digits` after the point (negative: before it), half away from zero; scale max(digits, 0). */
export function round(unscaled: Unscaled, scale: number, digits: number): void {
  const target = Math.min(Math.max(digits, -MAX_SCALE), MAX_SCALE);
  if (target >= scale) return set(shift(unscaled, target - scale), target);
  const drop = scale - target;
  let rounded: Unscaled;
  if (typeof unscaled === 'number' && drop < 16 && Math.abs(unscaled) < 2 ** 52) {
    const divisor = POW10[drop];
    const magnitude = unscaled < 0 ? -unscaled : unscaled;
    let q = Math.floor(magnitude / divisor);
    // Float division can land one off near the boundary; correct it with exact integer checks.
    if (q * divisor > magnitude) q--;
    else if ((q + 1) * divisor <= magnitude) q++;
    if ((magnitude - q * divisor) * 2 >= divisor) q++;
    rounded = unscaled < 0 ? -q : q;
  } else rounded = divideRounded(big(unscaled), pow10n(drop));
  if (target < 0) return set(shift(rounded, -target), 0);
  set(rounded, target);
}

/** Truncates toward zero to `digits` after the point; scale max(digits, 0). */
export function truncate(unscaled: Unscaled, scale: number, digits: number): void {
  const target = Math.max(digits, 0);
  if (target >= scale) return set(shift(unscaled, target - scale), target);
  const cut = big(unscaled) / pow10n(scale - target);
  set(cut, target);
}

/** The largest integer ≤ the value (`toward` -1) or the smallest ≥ it (`toward` 1), scale 0. */
export function floorOrCeil(unscaled: Unscaled, scale: number, toward: -1 | 1): void {
  if (scale === 0) return set(unscaled, 0);
  const divisor = pow10n(scale);
  const n = big(unscaled);
  let q = n / divisor;
  const remainder = n % divisor;
  if (remainder !== 0n && remainder > 0n === toward > 0) q += BigInt(toward);
  set(q, 0);
}

/** Orders two decimals: negative, zero or positive. */
export function compare(a: Unscaled, sa: number, b: Unscaled, sb: number): number {
  if (sa === sb && typeof a === 'number' && typeof b === 'number') return a - b;
  const scale = sa > sb ? sa : sb;
  const x = shift(a, scale - sa);
  const y = shift(b, scale - sb);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const bx = big(x);
  const by = big(y);
  return bx === by ? 0 : bx < by ? -1 : 1;
}

/** -1, 0 or 1. */
export function sign(unscaled: Unscaled): number {
  return unscaled > 0 ? 1 : unscaled < 0 ? -1 : 0;
}

/** Number of digits before the point (0 for |value| < 1), for DECIMAL(p, s) range checks. */
export function integerDigits(unscaled: Unscaled, scale: number): number {
  const digits = String(unscaled < 0 ? -unscaled : unscaled);
  return digits === '0' ? 0 : Math.max(digits.length - scale, 0);
}

/** The value as an integer if it has no fraction (`'12.00'` → 12), otherwise undefined. */
export function toInteger(unscaled: Unscaled, scale: number): Unscaled | undefined {
  if (scale === 0) return unscaled;
  const divisor = pow10n(scale);
  const n = big(unscaled);
  if (n % divisor !== 0n) return undefined;
  const q = n / divisor;
  return q <= 9007199254740991n && q >= -9007199254740991n ? Number(q) : q;
}

// Convenience forms over text, for the less hot paths and for tests.

/** Reads `text` or throws, for operands already known to be decimals. */
function operand(value: unknown): [Unscaled, number] {
  if (!readValue(value)) throw new DecimalError(`not a number: ${String(value)}`);
  return [result.unscaled, result.scale];
}

type Binary = (a: Unscaled, sa: number, b: Unscaled, sb: number) => void;

function onText(operation: Binary): (a: unknown, b: unknown) => string {
  return (a, b) => {
    const [x, sx] = operand(a);
    const [y, sy] = operand(b);
    operation(x, sx, y, sy);
    return format(result.unscaled, result.scale);
  };
}

/** `a + b` of two decimal values (text, numbers, bigints), as text. */
export const addText = onText(add);
/** `a - b` as text. */
export const subtractText = onText(subtract);
/** `a × b` as text. */
export const multiplyText = onText(multiply);
/** `a / b` as text, at PostgreSQL's division scale. */
export const divideText = onText(divide);
/** `a MOD b` as text. */
export const moduloText = onText(modulo);

/** `ROUND(value, digits)` as text. */
export function roundText(value: unknown, digits = 0): string {
  const [u, s] = operand(value);
  round(u, s, digits);
  return format(result.unscaled, result.scale);
}

/** Orders two decimal values given as text, numbers or bigints. */
export function compareText(a: unknown, b: unknown): number {
  const [x, sx] = operand(a);
  const [y, sy] = operand(b);
  return compare(x, sx, y, sy);
}
