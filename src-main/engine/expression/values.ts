import { PreciseDate } from '../../../connectors/shared/values';
import * as decimal from './decimal';
import { EvaluationError } from './expression-error';

/**
 * How SQL expressions see the values rows carry. Rows hold what connectors produce:
 * strings (also decimals, dates `YYYY-MM-DD`, times, UUIDs), numbers, bigints, booleans,
 * `Date` instants (timestamps; a `PreciseDate` carries microseconds), byte arrays and parsed
 * JSON. `null` and `undefined` are NULL.
 */

/** NULL in SQL: a missing value. */
export function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number a value stands for, or `undefined` when it is not numeric (`'abc'`, a Date, JSON). */
export function toNumber(value: unknown): number | undefined {
  switch (typeof value) {
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'boolean':
      return value ? 1 : 0;
    case 'string':
      return NUMERIC_TEXT.test(value) ? Number(value) : undefined;
    default:
      return undefined;
  }
}

/** True for text that reads as a number (`' 12.5 '`, `'-3e2'`). */
export function isNumericText(text: string): boolean {
  return NUMERIC_TEXT.test(text);
}

/** The number a value stands for, or an `EvaluationError` naming the value. */
export function requireNumber(value: unknown): number {
  const n = toNumber(value);
  if (n === undefined) throw new EvaluationError(`${describeValue(value)} is not a number`);
  return n;
}

const PAD2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/** Microseconds past the millisecond a Date carries (a `PreciseDate`), else 0. */
export function microsOf(date: Date): number {
  return date instanceof PreciseDate ? date.micros : 0;
}

/** Microseconds since 1970 of an instant, exact for any date a database stores. */
export function epochMicros(date: Date): number {
  return date.getTime() * 1000 + microsOf(date);
}

/** The instant `micros` microseconds after 1970, a `PreciseDate` when it has sub-millisecond digits. */
export function fromEpochMicros(micros: number): Date {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  return rest === 0 ? new Date(ms) : new PreciseDate(ms, rest);
}

/**
 * A timestamp as SQL prints it, in UTC: `2024-03-05 14:07:09`, with the fraction when there
 * is one (`…09.5`, `…09.123456`), trailing zeros dropped, as PostgreSQL does.
 */
export function timestampText(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return 'Invalid Date';
  const year = date.getUTCFullYear();
  const yearText = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : String(year);
  let text = `${yearText}-${PAD2[date.getUTCMonth() + 1]}-${PAD2[date.getUTCDate()]} ${PAD2[date.getUTCHours()]}:${PAD2[date.getUTCMinutes()]}:${PAD2[date.getUTCSeconds()]}`;
  const fraction = date.getUTCMilliseconds() * 1000 + microsOf(date);
  if (fraction > 0) text += `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`;
  return text;
}

/**
 * The text of a value, as CONCAT, LIKE, CAST(… AS TEXT) and string functions see it:
 * timestamps as `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC), booleans as `true`/`false`, bytes as
 * UTF-8, JSON as JSON text.
 */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return timestampText(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, jsonSafe);
  return String(value);
}

/** JSON.stringify replacer: bigints as numbers' digits, as JSON has no bigint. */
export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A value quoted for an error message: `'abc'`, `42`, a timestamp's text. */
export function describeValue(value: unknown): string {
  if (isNull(value)) return 'NULL';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `'${shown.replaceAll("'", "''")}'`;
  }
  if (value instanceof Date) return `'${timestampText(value)}'`;
  return toText(value);
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

/**
 * The truth of a value in a condition (three-valued): NULL stays NULL, numbers are true
 * unless zero, numeric text by its number, `'true'`/`'false'` by name, other text is false (as in MySQL).
 */
export function toBool(value: unknown): boolean | null {
  if (isNull(value)) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  const n = toNumber(value);
  return n !== undefined && n !== 0 && !Number.isNaN(n);
}

/** A boolean from a value by PostgreSQL's rules for CAST(… AS BOOLEAN); undefined when it does not read as one. */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/;
const ZONED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)(\.\d+)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * The instant a value stands for: a `Date`, or ISO text. Text without a zone
 * (`2024-03-01`, `2024-03-01 12:30:00`) is read as UTC, so results do not depend on the
 * machine; digits past the millisecond are kept (a `PreciseDate`).
 */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let iso = text;
  let fraction = '';
  if (DATE_ONLY.test(text)) iso = `${text}T00:00:00Z`;
  else {
    const local = LOCAL_DATE_TIME.exec(text);
    const zoned = local ? null : ZONED.exec(text);
    if (local) {
      fraction = local[4] ?? '';
      iso = `${local[1]}T${local[2]}${local[3] ?? ''}Z`;
    } else if (zoned) {
      fraction = zoned[4] ?? '';
      const zone = zoned[5].length === 3 ? `${zoned[5]}:00` : zoned[5];
      iso = `${zoned[1]}T${zoned[2]}${fraction.slice(0, 4)}${zone}`;
    }
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !validCalendarDate(text)) return undefined;
  const micros = fraction.length > 4 ? Number(fraction.slice(4, 7).padEnd(3, '0')) : 0;
  return micros > 0 ? new PreciseDate(ms, micros) : new Date(ms);
}

/** Date.parse rolls 2024-02-30 over to March; SQL rejects it. */
function validCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return true;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant of a value or an `EvaluationError` naming it. */
export function requireDate(value: unknown): Date {
  const date = toDate(value);
  if (!date) throw new EvaluationError(`${describeValue(value)} is not a date or timestamp`);
  return date;
}

/** `YYYY-MM-DD` of an instant (UTC). */
export function dateText(date: Date): string {
  return timestampText(date).slice(0, 10);
}

/**
 * Orders two non-NULL values of types not known when compiling: negative, zero or positive.
 * Numbers compare numerically (exactly, also decimals as text and bigints), also against
 * numeric text; instants compare in time, also against date text; everything else compares
 * as text, code point by code point (case-sensitive, like a binary collation).
 */
export function compareValues(a: unknown, b: unknown): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' && tb === 'number') return (a as number) - (b as number);
  if (isNumberLike(ta) || isNumberLike(tb)) {
    const other = isNumberLike(ta) ? b : a;
    if (isNumberLike(typeof other) || (typeof other === 'string' && isNumericText(other))) {
      // Infinity and NaN have no decimal form: compare those as floats.
      if (!decimal.readValue(a) || !decimal.readValue(b)) return Number(toNumber(a)) - Number(toNumber(b));
      return decimal.compareText(a, b);
    }
  }
  if (a instanceof Date || b instanceof Date) {
    const da = toDate(a);
    const db = toDate(b);
    if (da && db) return epochMicros(da) - epochMicros(db);
  }
  if (ta === 'boolean' && tb === 'boolean') return Number(a) - Number(b);
  return compareText(toText(a), toText(b));
}

/** Orders two strings by code point (what a binary or "C" collation does). */
export function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function isNumberLike(type: string): boolean {
  return type === 'number' || type === 'bigint' || type === 'boolean';
}
