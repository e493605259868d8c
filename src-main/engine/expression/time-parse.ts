import { PreciseDate } from '../../../connectors/shared/values';
import { MONTHS, WEEKDAYS } from './date-format';
import { daysInMonth } from './values';

/**
 * Reading dates and times from text by a format: PostgreSQL's template patterns for
 * TO_TIMESTAMP and TO_DATE (`YYYY-MM-DD HH24:MI:SS`), MySQL's `%` specifiers for STR_TO_DATE
 * (`%Y-%m-%d %H:%i:%s`). A format compiles once into steps; reading a value walks them.
 */

type Field =
  | 'year'
  | 'year2'
  | 'month'
  | 'monthName'
  | 'day'
  | 'dayOfYear'
  | 'hour24'
  | 'hour12'
  | 'minute'
  | 'second'
  | 'fraction'
  | 'milliseconds'
  | 'microseconds'
  | 'meridiem'
  | 'weekdayName'
  | 'zoneHours'
  | 'zoneMinutes';

/** One step of a compiled format: read a field, or match a literal character. */
export type Step = { field: Field; digits: number } | { literal: string };

/** PostgreSQL template patterns, longest first so `HH24` wins over `HH`. Matched ignoring case. */
const PG_PATTERNS: [string, Step][] = [
  ['YYYY', { field: 'year', digits: 4 }],
  ['HH24', { field: 'hour24', digits: 2 }],
  ['HH12', { field: 'hour12', digits: 2 }],
  ['MONTH', { field: 'monthName', digits: 0 }],
  ['A.M.', { field: 'meridiem', digits: 0 }],
  ['P.M.', { field: 'meridiem', digits: 0 }],
  ['DDD', { field: 'dayOfYear', digits: 3 }],
  ['MON', { field: 'monthName', digits: 0 }],
  ['DAY', { field: 'weekdayName', digits: 0 }],
  ['TZH', { field: 'zoneHours', digits: 2 }],
  ['TZM', { field: 'zoneMinutes', digits: 2 }],
  ['FF1', { field: 'fraction', digits: 1 }],
  ['FF2', { field: 'fraction', digits: 2 }],
  ['FF3', { field: 'fraction', digits: 3 }],
  ['FF4', { field: 'fraction', digits: 4 }],
  ['FF5', { field: 'fraction', digits: 5 }],
  ['FF6', { field: 'fraction', digits: 6 }],
  ['YY', { field: 'year2', digits: 2 }],
  ['MM', { field: 'month', digits: 2 }],
  ['DD', { field: 'day', digits: 2 }],
  ['DY', { field: 'weekdayName', digits: 0 }],
  ['HH', { field: 'hour12', digits: 2 }],
  ['MI', { field: 'minute', digits: 2 }],
  ['SS', { field: 'second', digits: 2 }],
  ['MS', { field: 'milliseconds', digits: 3 }],
  ['US', { field: 'microseconds', digits: 6 }],
  ['AM', { field: 'meridiem', digits: 0 }],
  ['PM', { field: 'meridiem', digits: 0 }],
];

/** MySQL's STR_TO_DATE specifiers. */
const MYSQL_SPECIFIERS: Record<string, Step[]> = {
  Y: [{ field: 'year', digits: 4 }],
  y: [{ field: 'year2', digits: 2 }],
  m: [{ field: 'month', digits: 2 }],
  c: [{ field: 'month', digits: 2 }],
  M: [{ field: 'monthName', digits: 0 }],
  b: [{ field: 'monthName', digits: 0 }],
  d: [{ field: 'day', digits: 2 }],
  e: [{ field: 'day', digits: 2 }],
  j: [{ field: 'dayOfYear', digits: 3 }],
  H: [{ field: 'hour24', digits: 2 }],
  k: [{ field: 'hour24', digits: 2 }],
  h: [{ field: 'hour12', digits: 2 }],
  I: [{ field: 'hour12', digits: 2 }],
  l: [{ field: 'hour12', digits: 2 }],
  i: [{ field: 'minute', digits: 2 }],
  s: [{ field: 'second', digits: 2 }],
  S: [{ field: 'second', digits: 2 }],
  f: [{ field: 'fraction', digits: 6 }],
  p: [{ field: 'meridiem', digits: 0 }],
  W: [{ field: 'weekdayName', digits: 0 }],
  a: [{ field: 'weekdayName', digits: 0 }],
  T: [
    { field: 'hour24', digits: 2 },
    { literal: ':' },
    { field: 'minute', digits: 2 },
    { literal: ':' },
    { field: 'second', digits: 2 },
  ],
  r: [
    { field: 'hour12', digits: 2 },
    { literal: ':' },
    { field: 'minute', digits: 2 },
    { literal: ':' },
    { field: 'second', digits: 2 },
    { literal: ' ' },
    { field: 'meridiem', digits: 0 },
  ],
};

/** Compiles a PostgreSQL template (`YYYY-MM-DD HH24:MI:SS.US`; `"text"` is literal). */
export function compilePgFormat(format: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < format.length) {
    if (format[i] === '"') {
      const close = format.indexOf('"', i + 1);
      const end = close < 0 ? format.length : close;
      for (const ch of format.slice(i + 1, end)) steps.push({ literal: ch });
      i = end + 1;
      continue;
    }
    const upper = format.slice(i, i + 5).toUpperCase();
    const match = PG_PATTERNS.find(([pattern]) => upper.startsWith(pattern));
    if (match) {
      steps.push(match[1]);
      i += match[0].length;
    } else steps.push({ literal: format[i++] });
  }
  return steps;
}

/** Compiles a MySQL STR_TO_DATE format (`%Y-%m-%d %H:%i:%s`). */
export function compileMysqlFormat(format: string): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '%' && i + 1 < format.length) {
      const spec = format[++i];
      const parts = MYSQL_SPECIFIERS[spec];
      if (parts) steps.push(...parts);
      else steps.push({ literal: spec });
    } else steps.push({ literal: ch });
  }
  return steps;
}

/** True when the steps read a time of day (hours, minutes, seconds or a fraction). */
export function readsTime(steps: Step[]): boolean {
  return steps.some(
    (s) =>
      'field' in s &&
      ['hour24', 'hour12', 'minute', 'second', 'fraction', 'milliseconds', 'microseconds'].includes(s.field),
  );
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

function matchName(text: string, at: number, names: string[]): { index: number; length: number } | undefined {
  const rest = text.slice(at).toLowerCase();
  for (const [index, name] of names.entries()) {
    const lower = name.toLowerCase();
    if (rest.startsWith(lower)) return { index, length: lower.length };
  }
  for (const [index, name] of names.entries()) {
    const short = name.slice(0, 3).toLowerCase();
    if (rest.startsWith(short)) return { index, length: 3 };
  }
  return undefined;
}

/**
 * Reads `text` by compiled steps into an instant (fields read as UTC, unless the text gives an
 * offset with TZH/TZM). Missing fields default to 1970-01-01 00:00:00. Undefined when the text
 * does not match the format or names an impossible date (2024-02-30, hour 25).
 */
export function readByFormat(text: string, steps: Step[]): Date | undefined {
  let year = 1970;
  let month = 1;
  let day = 1;
  let dayOfYear = 0;
  let hour = 0;
  let hour12 = -1;
  let pm: boolean | undefined;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let zoneMinutes = 0;
  let zoneSign = 1;
  let i = 0;
  for (const [index, step] of steps.entries()) {
    if ('literal' in step) {
      const ch = step.literal;
      if (/\s/.test(ch)) {
        while (/\s/.test(text[i] ?? '')) i++;
      } else if (text[i] === ch) i++;
      else if (!isAlnum(ch) && text[i] !== undefined && !isAlnum(text[i])) i++;
      else return undefined;
      continue;
    }
    while (text[i] === ' ' && step.field !== 'fraction') i++;
    if (step.field === 'monthName' || step.field === 'weekdayName') {
      const found = matchName(text, i, step.field === 'monthName' ? MONTHS : WEEKDAYS);
      if (!found) return undefined;
      if (step.field === 'monthName') month = found.index + 1;
      i += found.length;
      continue;
    }
    if (step.field === 'meridiem') {
      const word = text.slice(i, i + 4).toUpperCase();
      const dotted = word.startsWith('A.M.') || word.startsWith('P.M.');
      if (!/^[AP]\.?M/.test(word)) return undefined;
      pm = word[0] === 'P';
      i += dotted ? 4 : 2;
      continue;
    }
    let sign = 1;
    if (step.field === 'zoneHours' && (text[i] === '+' || text[i] === '-')) {
      sign = text[i] === '-' ? -1 : 1;
      i++;
    }
    const start = i;
    // A year followed by a separator takes every digit it is given (year 10000); otherwise
    // fields take at most their width, so `YYYYMMDD` reads 20240305.
    const next = steps[index + 1];
    const width = step.field === 'year' && (!next || 'literal' in next) ? Infinity : step.digits;
    while (i - start < width && isDigit(text[i])) i++;
    if (i === start) return undefined;
    const digits = text.slice(start, i);
    const n = Number(digits);
    switch (step.field) {
      case 'year':
        year = n;
        break;
      case 'year2':
        year = n < 70 ? 2000 + n : 1900 + n;
        break;
      case 'month':
        month = n;
        break;
      case 'day':
        day = n;
        break;
      case 'dayOfYear':
        dayOfYear = n;
        break;
      case 'hour24':
        hour = n;
        break;
      case 'hour12':
        hour12 = n;
        break;
      case 'minute':
        minute = n;
        break;
      case 'second':
        second = n;
        break;
      case 'fraction':
        micros = Number(digits.padEnd(6, '0').slice(0, 6));
        break;
      // MS and US read as fractions of a second, as PostgreSQL does: `SS.MS` of '09.5' is 9.5 s.
      case 'milliseconds':
        micros = Number(digits.padEnd(3, '0')) * 1000;
        break;
      case 'microseconds':
        micros = Number(digits.padEnd(6, '0'));
        break;
      case 'zoneHours':
        zoneSign = sign;
        zoneMinutes += n * 60;
        break;
      case 'zoneMinutes':
        zoneMinutes += n;
        break;
    }
  }
  if (text.slice(i).trim() !== '') return undefined;
  if (hour12 >= 0) {
    if (hour12 < 1 || hour12 > 12) return undefined;
    hour = (hour12 % 12) + (pm ? 12 : 0);
  } else if (pm !== undefined && hour < 12 && pm) hour += 12;
  if (dayOfYear > 0) {
    const start = new Date(Date.UTC(2000, 0, dayOfYear));
    start.setUTCFullYear(year);
    if (start.getUTCFullYear() !== year) return undefined;
    month = start.getUTCMonth() + 1;
    day = start.getUTCDate();
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  const ms = date.getTime() + Math.floor(micros / 1000) - zoneSign * zoneMinutes * 60_000;
  const rest = micros % 1000;
  return rest === 0 ? new Date(ms) : new PreciseDate(ms, rest);
}
