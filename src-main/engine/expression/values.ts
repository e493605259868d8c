/**
 * How SQL expressions see the values rows carry. Rows hold what connectors produce:
 * strings (also decimals, dates `YYYY-MM-DD`, times, UUIDs), numbers, bigints, booleans,
 * `Date` instants (timestamps), byte arrays and parsed JSON. `null` and `undefined` are NULL.
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

/** The text of a value, as CONCAT, LIKE and string functions see it. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

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

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * The instant a value stands for: a `Date`, or ISO text. Text without a zone
 * (`2024-03-01`, `2024-03-01 12:30:00`) is read as UTC, so results do not depend on the machine.
 */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let iso = text;
  if (DATE_ONLY.test(text)) iso = `${text}T00:00:00Z`;
  else if (LOCAL_DATE_TIME.test(text)) iso = `${text.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * Orders two non-NULL values: negative, zero or positive. Numbers compare numerically,
 * also against numeric text (CSV values and decimals arrive as strings); `numeric` asks for
 * the same between two strings, used when either side is declared numeric. Instants compare
 * in time, also against date text. Everything else compares as text, code point by code
 * point (case-sensitive, like a binary collation).
 */
export function compareValues(a: unknown, b: unknown, numeric = false): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' && tb === 'number') return (a as number) - (b as number);
  if (ta === 'bigint' && tb === 'bigint') return a === b ? 0 : (a as bigint) < (b as bigint) ? -1 : 1;
  if (numeric || isNumberLike(ta) || isNumberLike(tb)) {
    const na = toNumber(a);
    const nb = toNumber(b);
    if (na !== undefined && nb !== undefined) return na - nb;
  }
  if (a instanceof Date || b instanceof Date) {
    const da = toDate(a);
    const db = toDate(b);
    if (da && db) return da.getTime() - db.getTime();
  }
  const sa = toText(a);
  const sb = toText(b);
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

function isNumberLike(type: string): boolean {
  return type === 'number' || type === 'bigint' || type === 'boolean';
}
