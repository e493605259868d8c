import { isoWeek } from './time';
import { microsOf } from './values';

/**
 * MySQL's DATE_FORMAT specifiers, compiled once per format string. Instants are formatted
 * in UTC (see `toDate`: zone-less text is read as UTC too), so a round trip keeps the date;
 * DATE_FORMAT's zone argument shifts the instant to the zone's wall clock first.
 */

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const hour12 = (d: Date): number => d.getUTCHours() % 12 || 12;
const dayOfYear = (d: Date): number =>
  Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;

type Part = (d: Date) => string;

const SPECIFIERS: Record<string, Part> = {
  Y: (d) => pad(d.getUTCFullYear(), 4),
  y: (d) => pad(d.getUTCFullYear() % 100),
  m: (d) => pad(d.getUTCMonth() + 1),
  c: (d) => String(d.getUTCMonth() + 1),
  M: (d) => MONTHS[d.getUTCMonth()],
  b: (d) => MONTHS[d.getUTCMonth()].slice(0, 3),
  d: (d) => pad(d.getUTCDate()),
  e: (d) => String(d.getUTCDate()),
  j: (d) => pad(dayOfYear(d), 3),
  W: (d) => WEEKDAYS[d.getUTCDay()],
  a: (d) => WEEKDAYS[d.getUTCDay()].slice(0, 3),
  w: (d) => String(d.getUTCDay()),
  H: (d) => pad(d.getUTCHours()),
  k: (d) => String(d.getUTCHours()),
  h: (d) => pad(hour12(d)),
  I: (d) => pad(hour12(d)),
  l: (d) => String(hour12(d)),
  i: (d) => pad(d.getUTCMinutes()),
  s: (d) => pad(d.getUTCSeconds()),
  S: (d) => pad(d.getUTCSeconds()),
  v: (d) => pad(isoWeek(d).week),
  x: (d) => pad(isoWeek(d).year, 4),
  f: (d) => pad(d.getUTCMilliseconds() * 1000 + microsOf(d), 6),
  p: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
  T: (d) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  r: (d) =>
    `${pad(hour12(d))}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`,
};

/** Compiles a DATE_FORMAT pattern (`%Y-%m-%d`) into a formatter; unknown specifiers print their letter, as MySQL does. */
export function compileDateFormat(format: string): (date: Date) => string {
  const parts: (string | Part)[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%' || i === format.length - 1) {
      literal += ch;
      continue;
    }
    const spec = format[++i];
    const part = SPECIFIERS[spec];
    if (part) {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(part);
    } else {
      literal += spec;
    }
  }
  if (literal) parts.push(literal);
  return (date) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(date);
    return out;
  };
}
