import { daysInMonth, epochMicros, fromEpochMicros, microsOf } from './values';
import * as decimal from './decimal';

/**
 * Date and time arithmetic for expressions. Instants are `Date`s (a `PreciseDate` when they
 * carry microseconds). A `timestamp` without zone is a wall-clock time stored as if in UTC, so
 * its UTC fields are its fields; functions that take a time zone convert through the zone's
 * offset at that instant, found with `Intl` (the IANA database Node ships), so no zone data
 * is bundled here.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const FIXED_OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?$/;
const UTC_NAMES = new Set(['UTC', 'Z', 'GMT', 'ETC/UTC', 'UNIVERSAL', 'ZULU']);

/** A time zone: its offset from UTC, in minutes, at an instant. */
export type Zone = (epochMs: number) => number;

const zones = new Map<string, Zone>();

function intlZone(name: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  // Offsets change only at transitions, which fall on quarter hours: cache per quarter hour.
  const cache = new Map<number, number>();
  return (epochMs) => {
    const bucket = Math.floor(epochMs / 900_000);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      const at = bucket * 900_000;
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(at)) parts[part.type] = part.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const wall = Date.UTC(
        year,
        Number(parts.month) - 1,
        Number(parts.day),
        Number(parts.hour),
        Number(parts.minute),
        Number(parts.second),
      );
      offset = Math.round((wall - at) / MS_PER_MINUTE);
      if (cache.size > 50_000) cache.clear();
      cache.set(bucket, offset);
    }
    return offset;
  };
}

/**
 * The zone a name stands for: an IANA name (`Asia/Shanghai`, `America/New_York`), `UTC`, or a
 * fixed offset (`+08:00`, `-0530`). Undefined when the name is unknown.
 */
export function timeZone(name: string): Zone | undefined {
  const key = name.trim();
  let zone = zones.get(key);
  if (zone) return zone;
  const fixed = FIXED_OFFSET.exec(key);
  if (UTC_NAMES.has(key.toUpperCase())) zone = () => 0;
  else if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    if (Number(fixed[2]) > 15 || Number(fixed[3] ?? 0) > 59) return undefined;
    const offset = fixed[1] === '-' ? -minutes : minutes;
    zone = () => offset;
  } else {
    try {
      zone = intlZone(key);
    } catch {
      return undefined;
    }
  }
  zones.set(key, zone);
  return zone;
}

/** The wall clock in `zone` of an instant, as a Date whose UTC fields are that wall clock. */
export function toWallClock(instant: Date, zone: Zone): Date {
  const offset = zone(instant.getTime());
  return offset === 0 ? instant : fromEpochMicros(epochMicros(instant) + offset * MS_PER_MINUTE * 1000);
}

/**
 * The instant at which `zone` shows the wall clock `wall` (its UTC fields). Where clocks jump
 * forward (the time does not exist) it is read with the offset before the jump; where they go
 * back (the time occurs twice) with the offset after it: PostgreSQL's rule in both cases.
 */
export function fromWallClock(wall: Date, zone: Zone): Date {
  const wallMs = wall.getTime();
  // Offsets half a day either side: zones change offset at most once in that span.
  const before = zone(wallMs - 12 * MS_PER_HOUR);
  const after = zone(wallMs + 12 * MS_PER_HOUR);
  // The later offset when it fits (the only fit, or the second of two in an overlap), else the earlier.
  const offset = before !== after && zone(wallMs - after * MS_PER_MINUTE) === after ? after : before;
  if (offset === 0) return wall;
  return fromEpochMicros(epochMicros(wall) - offset * MS_PER_MINUTE * 1000);
}

/** Units DATE_TRUNC accepts (PostgreSQL's), plural forms included. */
export const TRUNC_UNITS = [
  'microseconds',
  'milliseconds',
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'decade',
  'century',
  'millennium',
] as const;
export type TruncUnit = (typeof TRUNC_UNITS)[number];

/** The DATE_TRUNC unit a name stands for (`'Month'`, `'months'`, `'microsecond'`), or undefined. */
export function truncUnit(name: string): TruncUnit | undefined {
  const lower = name.trim().toLowerCase();
  return TRUNC_UNITS.find(
    (unit) => unit === lower || `${unit}s` === lower || (unit.endsWith('s') && unit.slice(0, -1) === lower),
  );
}

/** The start of the `unit` containing `date`, on its UTC fields (ISO weeks start on Monday). */
export function truncate(date: Date, unit: TruncUnit): Date {
  const ms = date.getTime();
  const year = date.getUTCFullYear();
  switch (unit) {
    case 'microseconds':
      return date;
    case 'milliseconds':
      return microsOf(date) === 0 ? date : new Date(ms);
    case 'second':
      return new Date(Math.floor(ms / 1000) * 1000);
    case 'minute':
      return new Date(Math.floor(ms / MS_PER_MINUTE) * MS_PER_MINUTE);
    case 'hour':
      return new Date(Math.floor(ms / MS_PER_HOUR) * MS_PER_HOUR);
    case 'day':
      return new Date(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY);
    case 'week': {
      const day = Math.floor(ms / MS_PER_DAY);
      // 1970-01-01 was a Thursday: (day + 3) mod 7 counts days since Monday.
      return new Date((day - ((((day + 3) % 7) + 7) % 7)) * MS_PER_DAY);
    }
    case 'month':
      return utcDate(year, date.getUTCMonth(), 1);
    case 'quarter':
      return utcDate(year, date.getUTCMonth() - (date.getUTCMonth() % 3), 1);
    case 'year':
      return utcDate(year, 0, 1);
    case 'decade':
      return utcDate(Math.floor(year / 10) * 10, 0, 1);
    case 'century':
      return utcDate(Math.floor((year - 1) / 100) * 100 + 1, 0, 1);
    case 'millennium':
      return utcDate(Math.floor((year - 1) / 1000) * 1000 + 1, 0, 1);
  }
}

function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(Date.UTC(2000, month, day));
  date.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  return date;
}

/** Units of `INTERVAL n unit` (MySQL's names). */
export const INTERVAL_UNITS = [
  'MICROSECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

const FIXED_MICROS: Partial<Record<IntervalUnit, number>> = {
  MICROSECOND: 1,
  SECOND: 1e6,
  MINUTE: 6e7,
  HOUR: 3.6e9,
  DAY: 8.64e10,
  WEEK: 6.048e11,
};
const MONTHS: Partial<Record<IntervalUnit, number>> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

/** True for units of a day or longer: adding them to a date gives a date. */
export function isDateUnit(unit: IntervalUnit): boolean {
  return unit !== 'MICROSECOND' && unit !== 'SECOND' && unit !== 'MINUTE' && unit !== 'HOUR';
}

/**
 * `date + INTERVAL amount unit`. Months, quarters and years move the calendar and keep the
 * day, clamped to the month's last day (Jan 31 + 1 month = Feb 29 in 2024); the rest add a
 * fixed length. Fractions count only for seconds (to the microsecond); other amounts are
 * rounded half away from zero.
 */
export function addInterval(date: Date, amount: number, unit: IntervalUnit): Date {
  const months = MONTHS[unit];
  if (months !== undefined) {
    const n = roundHalfAway(amount) * months;
    const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + n;
    const year = Math.floor(total / 12);
    const month = total - year * 12;
    const day = Math.min(date.getUTCDate(), daysInMonth(year, month + 1));
    const shifted = utcDate(year, month, day);
    const timeOfDay = epochMicros(date) - Math.floor(date.getTime() / MS_PER_DAY) * MS_PER_DAY * 1000;
    return fromEpochMicros(epochMicros(shifted) + timeOfDay);
  }
  const step = FIXED_MICROS[unit] as number;
  const micros = unit === 'SECOND' ? Math.round(amount * 1e6) : roundHalfAway(amount) * step;
  return fromEpochMicros(epochMicros(date) + micros);
}

function roundHalfAway(n: number): number {
  return n < 0 ? -Math.round(-n) : Math.round(n);
}

/** Fields EXTRACT reads (PostgreSQL's names; MySQL's singular forms are the same fields). */
export const EXTRACT_FIELDS = [
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECONDS',
  'MICROSECONDS',
  'DOW',
  'ISODOW',
  'DOY',
  'EPOCH',
  'ISOYEAR',
  'DECADE',
  'CENTURY',
  'MILLENNIUM',
] as const;
export type ExtractField = (typeof EXTRACT_FIELDS)[number];

/** The EXTRACT field a name stands for (`'year'`, `'MILLISECOND'`, `'DAYOFWEEK'`), or undefined. */
export function extractField(name: string): ExtractField | undefined {
  const upper = name.trim().toUpperCase();
  const aliases: Record<string, ExtractField> = {
    MILLISECOND: 'MILLISECONDS',
    MICROSECOND: 'MICROSECONDS',
    DAYOFWEEK: 'DOW',
    DAYOFYEAR: 'DOY',
    YEARS: 'YEAR',
    MONTHS: 'MONTH',
    DAYS: 'DAY',
    HOURS: 'HOUR',
    MINUTES: 'MINUTE',
    SECONDS: 'SECOND',
  };
  return (EXTRACT_FIELDS as readonly string[]).includes(upper) ? (upper as ExtractField) : aliases[upper];
}

/** Fields whose value has a fraction: EXTRACT gives a decimal for these, an integer for the rest. */
export const FRACTIONAL_FIELDS = new Set<ExtractField>(['SECOND', 'MILLISECONDS', 'EPOCH']);

/** The ISO week-numbering year and week of a date (weeks start on Monday; week 1 holds January 4th). */
export function isoWeek(date: Date): { year: number; week: number } {
  const day = Math.floor(date.getTime() / MS_PER_DAY);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday
  const thursday = new Date((day - weekday + 3) * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const firstThursdayDay = Math.floor(utcDate(year, 0, 1).getTime() / MS_PER_DAY);
  return { year, week: Math.floor((day - weekday + 3 - firstThursdayDay) / 7) + 1 };
}

/**
 * A field of a date's UTC fields, as PostgreSQL's EXTRACT gives it: SECOND with its fraction
 * (`9.500000`), MILLISECONDS and MICROSECONDS counting the whole seconds field, EPOCH in
 * seconds since 1970; DOW 0–6 from Sunday, ISODOW 1–7 from Monday, WEEK the ISO week.
 */
export function extract(date: Date, field: ExtractField): number | string {
  const year = date.getUTCFullYear();
  const secondsMicros = date.getUTCSeconds() * 1e6 + date.getUTCMilliseconds() * 1000 + microsOf(date);
  switch (field) {
    case 'YEAR':
      return year;
    case 'QUARTER':
      return Math.floor(date.getUTCMonth() / 3) + 1;
    case 'MONTH':
      return date.getUTCMonth() + 1;
    case 'WEEK':
      return isoWeek(date).week;
    case 'ISOYEAR':
      return isoWeek(date).year;
    case 'DAY':
      return date.getUTCDate();
    case 'HOUR':
      return date.getUTCHours();
    case 'MINUTE':
      return date.getUTCMinutes();
    case 'SECOND':
      return decimal.format(secondsMicros, 6);
    case 'MILLISECONDS':
      return decimal.format(secondsMicros, 3);
    case 'MICROSECONDS':
      return secondsMicros;
    case 'DOW':
      return date.getUTCDay();
    case 'ISODOW':
      return date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    case 'DOY':
      return Math.floor((date.getTime() - utcDate(year, 0, 1).getTime()) / MS_PER_DAY) + 1;
    case 'EPOCH':
      return decimal.format(epochMicros(date), 6);
    case 'DECADE':
      return Math.floor(year / 10);
    case 'CENTURY':
      return year > 0 ? Math.floor((year - 1) / 100) + 1 : Math.floor(year / 100) - 1;
    case 'MILLENNIUM':
      return year > 0 ? Math.floor((year - 1) / 1000) + 1 : Math.floor(year / 1000) - 1;
  }
}

/** Whole days from `b` to `a`, by their dates (UTC fields), ignoring the time of day: DATEDIFF. */
export function daysBetween(a: Date, b: Date): number {
  return Math.floor(a.getTime() / MS_PER_DAY) - Math.floor(b.getTime() / MS_PER_DAY);
}
