import type { Row } from '../batch';
import * as dateFormatModule from './date-format';
import { ExpressionError } from './expression-error';
import { argumentError, fixed, prepared, strict, type Call, type SqlFunction } from './function-kit';
import {
  failure,
  folded,
  instantOf,
  isNumeric,
  numberOf,
  textOf,
  type Evaluate,
  type Node,
  type ValueType,
} from './node';
import * as timeModule from './time';
import type { ExtractField, IntervalUnit, TruncUnit, Zone } from './time';
import * as timeParseModule from './time-parse';
import type { Step } from './time-parse';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { dateText, fromEpochMicros, toText } = valuesModule;
const {
  addInterval,
  daysBetween,
  extract,
  extractField,
  EXTRACT_FIELDS,
  FRACTIONAL_FIELDS,
  fromWallClock,
  isDateUnit,
  timeZone,
  toWallClock,
  truncate,
  truncUnit,
  TRUNC_UNITS,
} = timeModule;
const { compileMysqlFormat, compilePgFormat, readByFormat } = timeParseModule;
const { compileDateFormat } = dateFormatModule;

/**
 * Date and time functions. Timestamps without a zone are wall-clock times (their UTC fields);
 * functions with a zone argument (`DATE_TRUNC('day', ts, 'Asia/Shanghai')`,
 * `DATE_FORMAT(ts, '%H:%i', 'Europe/Paris')`, `CONVERT_TZ`) take IANA names or offsets.
 */

/** The zone argument at `index`, resolved once when it is a literal; an unknown literal zone is a compile error. */
function zoneArgument(args: Node[], index: number, call: Call): (row: Row) => Zone | null {
  const arg = args[index];
  return prepared(
    arg,
    (name) => {
      const zone = timeZone(name);
      if (!zone) throw failure(arg, `${call.name}: unknown time zone '${name}'`);
      return zone;
    },
    () =>
      argumentError(
        call,
        args,
        index,
        "is not a time zone (use an IANA name such as 'Asia/Shanghai', or '+08:00')",
      ),
  );
}

/** The type a date/time function gives back for an input type: dates become timestamps unless `keepDate`. */
function temporalResult(input: ValueType, keepDate = false): ValueType {
  if (input === 'timestamptz') return 'timestamptz';
  if (input === 'date' && keepDate) return 'date';
  return 'timestamp';
}

/** Evaluator of `value ± INTERVAL n unit`; a date plus days (or longer) stays a date, as in MySQL. */
export function intervalArithmetic(value: Node, interval: Node, sign: 1 | -1, label: string): Node {
  const spec = interval.interval;
  if (!spec) throw new ExpressionError(`expected INTERVAL n unit, e.g. INTERVAL 3 DAY`, interval.position);
  const { amount, unit } = spec;
  const type = value.type === 'date' && isDateUnit(unit) ? 'date' : temporalResult(value.type);
  const readDate = instantOf(value);
  const readAmount = numberOf(amount);
  const evaluate: Evaluate = strict([readDate, readAmount], (date: Date, n: number) => {
    const shifted = addInterval(date, sign * n, unit);
    return type === 'date' ? dateText(shifted) : shifted;
  });
  return folded({ evaluate, type, pure: value.pure && amount.pure, label, position: value.position }, [
    value,
    amount,
  ]);
}

/** The EXTRACT field its literal first argument names; an unknown one is a compile error there. */
function fieldArgument(args: Node[], call: Call): ExtractField {
  const field = args[0].constant ? extractField(toText(args[0].constant.value ?? '')) : undefined;
  if (!field)
    throw argumentError(call, args, 0, `is not a field EXTRACT reads (fields: ${EXTRACT_FIELDS.join(', ')})`);
  return field;
}

const extractFunction: SqlFunction = {
  args: ['text', 'temporal'],
  summary:
    'A field of a date or timestamp: EXTRACT(field FROM ts), fields YEAR, QUARTER, MONTH, WEEK (ISO), DAY, HOUR, MINUTE, SECOND (with its fraction), MILLISECONDS, MICROSECONDS, DOW (0 = Sunday), ISODOW (7 = Sunday), DOY, EPOCH, ISOYEAR, DECADE, CENTURY, MILLENNIUM.',
  example: ["EXTRACT(DOW FROM DATE '2024-03-05')", '2'],
  type: (args) => {
    const field = args[0].constant ? extractField(toText(args[0].constant.value ?? '')) : undefined;
    return field && FRACTIONAL_FIELDS.has(field) ? 'decimal' : 'int';
  },
  compile(args, call) {
    const field = fieldArgument(args, call);
    return strict([instantOf(args[1])], (date: Date) => extract(date, field));
  },
};

/** Compiles a text-with-format reader (TO_TIMESTAMP, TO_DATE, STR_TO_DATE). */
function readWithFormat(
  args: Node[],
  call: Call,
  compile: (format: string) => Step[],
  asDate: boolean,
): Evaluate {
  const steps = prepared(args[1], compile);
  const readText = textOf(args[0]);
  return (row) => {
    const text = readText(row);
    const format = steps(row);
    if (text === null || format === null) return null;
    const date = readByFormat(text, format);
    if (!date) {
      const written = args[1].constant ? toText(args[1].constant.value) : 'the format';
      throw failure(args[0], `${call.name}: '${text}' does not match '${written}'`);
    }
    return asDate ? dateText(date) : date;
  };
}

const current: SqlFunction = {
  args: [],
  summary: 'The current instant (re-read for every row).',
  example: ["NOW() > TIMESTAMP '2020-01-01 00:00:00'", 'TRUE'],
  pure: false,
  type: fixed('timestamptz'),
  compile: () => () => new Date(),
};

export const TIME_FUNCTIONS: Record<string, SqlFunction> = {
  NOW: current,
  CURRENT_TIMESTAMP: {
    ...current,
    summary: 'Same as NOW().',
    example: ['CURRENT_TIMESTAMP IS NOT NULL', 'TRUE'],
  },
  CURRENT_DATE: {
    args: [],
    summary: "Today's date (UTC) as YYYY-MM-DD.",
    example: ["CURRENT_DATE > DATE '2020-01-01'", 'TRUE'],
    pure: false,
    type: fixed('date'),
    compile: () => () => dateText(new Date()),
  },
  EXTRACT: extractFunction,
  DATE_PART: {
    ...extractFunction,
    summary: "PostgreSQL's function form of EXTRACT: DATE_PART('field', ts).",
    example: ["DATE_PART('hour', TIMESTAMP '2024-03-05 14:07:09')", '14'],
  },
  DATE_FORMAT: {
    args: ['temporal', 'text', 'zone'],
    minArgs: 2,
    summary:
      "A date or timestamp as text by MySQL's % specifiers (%Y %m %d %H %i %s %f %W %M …), optionally in a time zone: DATE_FORMAT(ts, format[, zone]).",
    example: ["DATE_FORMAT(TIMESTAMP '2024-03-05 14:07:09', '%d/%m/%Y %H:%i')", "'05/03/2024 14:07'"],
    type: fixed('string'),
    compile(args, call) {
      const formatter = prepared(args[1], compileDateFormat);
      const readDate = instantOf(args[0]);
      if (args.length === 2)
        return strict([readDate, formatter], (date: Date, format: (d: Date) => string) => format(date));
      const zone = zoneArgument(args, 2, call);
      return strict([readDate, formatter, zone], (date: Date, format: (d: Date) => string, z: Zone) =>
        format(toWallClock(date, z)),
      );
    },
  },
  TO_TIMESTAMP: {
    args: ['any', 'text'],
    minArgs: 1,
    summary:
      'Text read by a PostgreSQL pattern (YYYY MM DD HH24 HH12 MI SS MS US AM Mon TZH:TZM …): TO_TIMESTAMP(text, format); or seconds since 1970: TO_TIMESTAMP(epoch).',
    example: ["TO_TIMESTAMP('05/03/2024 14:07', 'DD/MM/YYYY HH24:MI')", "'2024-03-05 14:07:00'"],
    type: fixed('timestamptz'),
    compile(args, call) {
      if (args.length === 2) return readWithFormat(args, call, compilePgFormat, false);
      if (!isNumeric(args[0].type) && args[0].type !== 'unknown' && args[0].type !== 'string')
        throw argumentError(
          call,
          args,
          0,
          'must be seconds since 1970, or give a format: TO_TIMESTAMP(text, format)',
        );
      return strict([numberOf(args[0])], (seconds: number) => fromEpochMicros(Math.round(seconds * 1e6)));
    },
  },
  TO_DATE: {
    args: ['text', 'text'],
    summary: 'Text read by a PostgreSQL pattern into a date: TO_DATE(text, format).',
    example: ["TO_DATE('20240305', 'YYYYMMDD')", "'2024-03-05'"],
    type: fixed('date'),
    compile: (args, call) => readWithFormat(args, call, compilePgFormat, true),
  },
  STR_TO_DATE: {
    args: ['text', 'text'],
    summary: "Text read by MySQL's % specifiers into a timestamp: STR_TO_DATE(text, format).",
    example: ["STR_TO_DATE('05.03.2024 2:07 PM', '%d.%m.%Y %h:%i %p')", "'2024-03-05 14:07:00'"],
    type: fixed('timestamp'),
    compile: (args, call) => readWithFormat(args, call, compileMysqlFormat, false),
  },
  DATE_TRUNC: {
    args: ['text', 'temporal', 'zone'],
    minArgs: 2,
    summary:
      'A timestamp cut to the start of its unit (microseconds … second, minute, hour, day, week (Monday), month, quarter, year, decade, century, millennium), optionally in a time zone: DATE_TRUNC(unit, ts[, zone]).',
    example: ["DATE_TRUNC('month', TIMESTAMP '2024-03-05 14:07:09')", "'2024-03-01 00:00:00'"],
    type: ([, value]) => temporalResult(value.type),
    compile(args, call) {
      const unit = prepared(
        args[0],
        (name) => {
          const found = truncUnit(name);
          if (!found)
            throw failure(args[0], `${call.name}: unknown unit '${name}' (units: ${TRUNC_UNITS.join(', ')})`);
          return found;
        },
        () => argumentError(call, args, 0, `is not a unit (units: ${TRUNC_UNITS.join(', ')})`),
      );
      const readDate = instantOf(args[1]);
      if (args.length === 2) return strict([unit, readDate], (u: TruncUnit, date: Date) => truncate(date, u));
      const zone = zoneArgument(args, 2, call);
      return strict([unit, readDate, zone], (u: TruncUnit, date: Date, z: Zone) =>
        fromWallClock(truncate(toWallClock(date, z), u), z),
      );
    },
  },
  DATE_ADD: {
    args: ['temporal', 'any'],
    summary:
      'A date or timestamp plus an interval: DATE_ADD(ts, INTERVAL n unit), units MICROSECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR; also `ts + INTERVAL n unit`.',
    example: ["DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH)", "'2024-02-29'"],
    type: ([value, interval]) => intervalType(value, interval),
    compile: ([value, interval], call) => intervalArithmetic(value, interval, 1, call.label).evaluate,
  },
  DATE_SUB: {
    args: ['temporal', 'any'],
    summary:
      'A date or timestamp minus an interval: DATE_SUB(ts, INTERVAL n unit); also `ts - INTERVAL n unit`.',
    example: ["DATE_SUB(TIMESTAMP '2024-03-01 00:30:00', INTERVAL 1 HOUR)", "'2024-02-29 23:30:00'"],
    type: ([value, interval]) => intervalType(value, interval),
    compile: ([value, interval], call) => intervalArithmetic(value, interval, -1, call.label).evaluate,
  },
  DATEDIFF: {
    args: ['temporal', 'temporal'],
    summary:
      'Days from the second date to the first, by calendar date (time of day ignored): DATEDIFF(end, start).',
    example: ["DATEDIFF(DATE '2024-03-01', DATE '2024-02-01')", '29'],
    type: fixed('int'),
    compile: (args) => strict([instantOf(args[0]), instantOf(args[1])], daysBetween),
  },
  CONVERT_TZ: {
    args: ['temporal', 'zone', 'zone'],
    summary:
      'A wall-clock timestamp moved from one time zone to another: CONVERT_TZ(ts, from_zone, to_zone).',
    example: ["CONVERT_TZ(TIMESTAMP '2024-03-05 12:00:00', 'UTC', 'Asia/Shanghai')", "'2024-03-05 20:00:00'"],
    type: fixed('timestamp'),
    compile(args, call) {
      const from = zoneArgument(args, 1, call);
      const to = zoneArgument(args, 2, call);
      return strict([instantOf(args[0]), from, to], (date: Date, a: Zone, b: Zone) =>
        toWallClock(fromWallClock(date, a), b),
      );
    },
  },
};

function intervalType(value: Node, interval: Node): ValueType {
  const unit: IntervalUnit | undefined = interval.interval?.unit;
  return value.type === 'date' && unit && isDateUnit(unit) ? 'date' : temporalResult(value.type);
}
