import type { Column, Row } from '../../src-main/engine/batch';
import { FieldError } from '../../src-main/engine/component';
import { compileExpression } from '../../src-main/engine/expression/compile';
import type { LogicalType } from '../../src-shared/types/logical';
import { compileAt, sqlIdentifier, sqlString } from './processor-kit';

/*
 * Reading values as points in time and writing them out again, for the `date_format` and
 * `transform` processors: each conversion is written as SQL (STR_TO_DATE, CONVERT_TZ,
 * DATE_FORMAT, CAST) and compiled once by the expression engine, so the processors read and
 * format dates exactly as expressions do.
 *
 * Timestamps travel as `Date`s: a `timestamptz` is the instant, a `timestamp` the wall-clock
 * time in its UTC fields. Here "instant" is the `Date` of the true point in time.
 */

/** How a value is read as a point in time: ISO 8601, seconds or milliseconds since 1970, or a `%` format. */
export const TIME_SOURCES = ['iso', 'epoch_seconds', 'epoch_millis'] as const;
/** What a point in time becomes: a logical type, seconds or milliseconds since 1970, or text by a `%` format. */
export const TIME_TARGETS = ['timestamp', 'timestamptz', 'date', 'epoch_seconds', 'epoch_millis'] as const;

const UTC = 'UTC';
/** Text that names its own offset (`…Z`, `…+08:00`): read as written, whatever the configured zone. */
const OFFSET_TEXT = /\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}(?::?\d{2})?)$/i;
const TEMPORAL_TYPES = new Set<LogicalType>(['date', 'timestamp', 'timestamptz']);

/**
 * Checks a `%` format (MySQL's DATE_FORMAT / STR_TO_DATE specifiers) at `path`: it must use a
 * specifier, and `%M` after an hour is the minutes of strftime written by mistake (`%M` is the
 * month name here; minutes are `%i`).
 */
export function checkFormat(path: string, format: string): void {
  if (!format.includes('%'))
    throw new FieldError(
      path,
      `"${format}" has no % specifier: formats use MySQL's specifiers, e.g. '%Y-%m-%d %H:%i:%s'`,
    );
  if (/%[HhIkl]:%M/.test(format))
    throw new FieldError(
      path,
      `"${format}": %M is the month name (MySQL's specifiers); minutes are %i, e.g. '%H:%i:%s'`,
    );
}

/** Checks a time zone name at `path` (an IANA name or an offset), as the expression engine resolves it. */
export function checkZone(path: string, zone: string): void {
  try {
    compileExpression(`CONVERT_TZ(TIMESTAMP '2000-01-01 00:00:00', ${sqlString(zone)}, 'UTC')`, []);
  } catch {
    throw new FieldError(
      path,
      `unknown time zone "${zone}" (use an IANA name such as Asia/Shanghai, or an offset such as +08:00)`,
    );
  }
}

/** Where the config says how to read: the field holding `from` and the one holding the zone. */
export interface TimeSourceConfig {
  /** `iso`, `epoch_seconds`, `epoch_millis` or a `%` format. */
  from: string;
  fromPath: string;
  zone: string;
  zonePath: string;
}

/** Instant SQL of a column: `local` for every value, `zoned` (when set) for text carrying its own offset. */
interface InstantSql {
  local: string;
  zoned?: string;
}

/** Moves a wall-clock time in `zone` to the instant. */
const fromZone = (sql: string, zone: string) =>
  zone === UTC ? sql : `CONVERT_TZ(${sql}, ${sqlString(zone)}, 'UTC')`;

/**
 * SQL giving the instant a column's value stands for. Text without an offset, a `date` and a
 * `timestamp` (wall-clock times) are read in `zone`; a `timestamptz` and text with an offset
 * are instants already.
 */
function instantSql(column: Column, source: TimeSourceConfig): InstantSql {
  const value = sqlIdentifier(column.name);
  const { from, zone } = source;
  if (from === 'epoch_seconds') return { local: `TO_TIMESTAMP(CAST(${value} AS DECIMAL))` };
  if (from === 'epoch_millis') return { local: `TO_TIMESTAMP(CAST(${value} AS DECIMAL) / 1000)` };
  if (from !== 'iso') {
    if (TEMPORAL_TYPES.has(column.type))
      throw new FieldError(
        source.fromPath,
        `column "${column.name}" is a ${column.type} already: read it with from: iso (the default)`,
      );
    checkFormat(source.fromPath, from);
    return { local: fromZone(`STR_TO_DATE(${value}, ${sqlString(from)})`, zone) };
  }
  if (column.type === 'timestamptz') return { local: value };
  if (column.type === 'timestamp') return { local: fromZone(value, zone) };
  const local = fromZone(`CAST(${value} AS TIMESTAMP)`, zone);
  return zone === UTC ? { local } : { local, zoned: `CAST(${value} AS TIMESTAMPTZ)` };
}

/** Checks `from` and the zone of a time source. */
export function checkTimeSource(source: TimeSourceConfig): void {
  if (!(TIME_SOURCES as readonly string[]).includes(source.from) && !source.from.includes('%'))
    throw new FieldError(
      source.fromPath,
      `"${source.from}" is no format: give ${TIME_SOURCES.join(', ')} or a % format such as '%d/%m/%Y %H:%i'`,
    );
  checkZone(source.zonePath, source.zone);
}

/**
 * Compiles a conversion of the column at `index`: `wrap` turns the instant's SQL into the result's
 * SQL. The evaluator throws the engine's error for a value it cannot read.
 */
export function compileTimeConversion(
  columns: Column[],
  index: number,
  source: TimeSourceConfig,
  wrap: (instant: string) => string,
): (row: Row) => unknown {
  checkTimeSource(source);
  const sql = instantSql(columns[index], source);
  const local = compileAt(source.fromPath, wrap(sql.local), columns).evaluate;
  if (!sql.zoned) return local;
  const zoned = compileAt(source.fromPath, wrap(sql.zoned), columns).evaluate;
  return (row) => {
    const value = row[index];
    return typeof value === 'string' && OFFSET_TEXT.test(value.trim()) ? zoned(row) : local(row);
  };
}

/** The logical type a time target gives (a `%` format gives text). */
export function targetType(to: string): LogicalType {
  if (to === 'timestamp' || to === 'timestamptz' || to === 'date') return to;
  if (to === 'epoch_seconds' || to === 'epoch_millis') return 'bigint';
  return 'string';
}

/**
 * The conversion of an instant to a time target, in `zone`: SQL wrapping the instant's SQL, and
 * for epoch targets a plain function of the resulting `Date`.
 */
export function timeTarget(
  to: string,
  toPath: string,
  zone: string,
): { wrap: (instant: string) => string; after?: (date: Date) => number } {
  const inZone = zone === UTC ? '' : `, ${sqlString(zone)}`;
  switch (to) {
    case 'timestamptz':
      return { wrap: (instant) => instant };
    case 'timestamp':
      return { wrap: (instant) => (zone === UTC ? instant : `CONVERT_TZ(${instant}, 'UTC'${inZone})`) };
    case 'date':
      return { wrap: (instant) => `DATE_FORMAT(${instant}, '%Y-%m-%d'${inZone})` };
    case 'epoch_seconds':
      return { wrap: (instant) => instant, after: (date) => Math.floor(date.getTime() / 1000) };
    case 'epoch_millis':
      return { wrap: (instant) => instant, after: (date) => date.getTime() };
    default:
      if (!to.includes('%'))
        throw new FieldError(
          toPath,
          `"${to}" is no target: give ${TIME_TARGETS.join(', ')} or a % format such as '%Y-%m-%d %H:%i:%s'`,
        );
      checkFormat(toPath, to);
      return { wrap: (instant) => `DATE_FORMAT(${instant}, ${sqlString(to)}${inZone})` };
  }
}
