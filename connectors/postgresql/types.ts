import { types as pgTypes, type CustomTypesConfig } from 'pg';
import type { LogicalType } from '../../src-shared/types/logical';
import { daysFromCivil, PreciseDate, withMicros } from '../shared/values';

/** PostgreSQL type name (pg_type.typname) → logical type. Any type not listed travels as its text. */
export const LOGICAL_FROM_PG: Readonly<Record<string, LogicalType>> = {
  int2: 'int',
  int4: 'int',
  int8: 'bigint',
  numeric: 'decimal',
  float4: 'float',
  float8: 'float',
  bool: 'bool',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  name: 'string',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  json: 'json',
  jsonb: 'json',
  bytea: 'bytes',
  uuid: 'uuid',
};

/** The logical type of a PostgreSQL type name. */
export function logicalFromPg(typeName: string): LogicalType {
  return LOGICAL_FROM_PG[typeName] ?? 'string';
}

/** Logical type → column type for CREATE TABLE; timestamps keep microseconds (a `PreciseDate` carries them). */
export const PG_TYPES: Readonly<Record<LogicalType, string>> = {
  string: 'text',
  int: 'integer',
  bigint: 'bigint',
  float: 'double precision',
  decimal: 'numeric',
  bool: 'boolean',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp(6)',
  timestamptz: 'timestamptz(6)',
  json: 'jsonb',
  bytes: 'bytea',
  uuid: 'uuid',
};

/** OIDs of the built-in types in the map (fixed in pg_type.dat), so reading needs no catalog lookup for them. */
export const PG_TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'bool',
  17: 'bytea',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  114: 'json',
  700: 'float4',
  701: 'float8',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
};

type TextParser = (text: string) => unknown;

const parseTimestamptzDefault = pgTypes.getTypeParser(pgTypes.builtins.TIMESTAMPTZ, 'text') as TextParser;
const parseBytea = pgTypes.getTypeParser(pgTypes.builtins.BYTEA, 'text') as TextParser;

/** Two ASCII digits of `text` at `at`. */
function digits2(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

/**
 * PostgreSQL's ISO output (`YYYY-MM-DD HH:MM:SS[.ffffff]`, then `±HH[:MM[:SS]]` when zoned) →
 * epoch milliseconds and the microseconds past them, by plain arithmetic: pg's parser (a regular
 * expression and `new Date(…)` per value) was a sixth of a PostgreSQL → MySQL copy. Anything
 * else (BC, years past 9999, `infinity`, another DateStyle) returns undefined for the slow path.
 */
export function parseIsoTimestamp(text: string, zoned: boolean): Date | undefined {
  const n = text.length;
  if (n < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58)
    return undefined;
  let ms =
    daysFromCivil(digits2(text, 0) * 100 + digits2(text, 2), digits2(text, 5), digits2(text, 8)) *
      86_400_000 +
    digits2(text, 11) * 3_600_000 +
    digits2(text, 14) * 60_000 +
    digits2(text, 17) * 1000;
  let at = 19;
  let micros = 0;
  if (text.charCodeAt(at) === 46) {
    at++;
    for (let scale = 100_000; at < n; at++, scale /= 10) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      micros += digit * scale;
    }
  }
  if (zoned) {
    const sign = text.charCodeAt(at);
    if ((sign !== 43 && sign !== 45) || at + 3 > n) return undefined;
    let offset = digits2(text, at + 1) * 3600;
    at += 3;
    if (text.charCodeAt(at) === 58) {
      offset += digits2(text, at + 1) * 60;
      at += 3;
      if (text.charCodeAt(at) === 58) {
        offset += digits2(text, at + 1);
        at += 3;
      }
    }
    ms -= (sign === 43 ? offset : -offset) * 1000;
  }
  if (at !== n || Number.isNaN(ms)) return undefined;
  ms += Math.floor(micros / 1000);
  micros %= 1000;
  return micros === 0 ? new Date(ms) : new PreciseDate(ms, micros);
}

/** A timestamptz as a Date; ±infinity, which a Date cannot hold, stays as PostgreSQL's text. */
function parseTimestamptz(text: string): unknown {
  const fast = parseIsoTimestamp(text, true);
  if (fast) return fast;
  const value = parseTimestamptzDefault(text);
  return value instanceof Date ? withMicros(value, text) : text;
}

/**
 * A timestamp without time zone read as UTC wall time (pg's default reads it in the local zone,
 * so the same row would differ between machines). The offset goes before a trailing " BC".
 */
export function parseTimestampAsUtc(text: string): unknown {
  const fast = parseIsoTimestamp(text, false);
  if (fast) return fast;
  const value = parseTimestamptzDefault(text.replace(/( BC)?$/, '+00$1'));
  return value instanceof Date ? withMicros(value, text) : text;
}

/**
 * Text parsers per logical type. int8 becomes a bigint, numeric stays the exact text, date and
 * time stay text: pg's defaults would round the first two and shift dates to the local zone.
 */
const PARSERS: Partial<Record<string, TextParser>> = {
  int2: Number,
  int4: Number,
  int8: BigInt,
  float4: Number,
  float8: Number,
  bool: (text) => text === 't',
  timestamp: parseTimestampAsUtc,
  timestamptz: parseTimestamptz,
  json: (text) => JSON.parse(text) as unknown,
  jsonb: (text) => JSON.parse(text) as unknown,
  bytea: parseBytea,
};

const keepText: TextParser = (text) => text;

/** The parser of one type OID: mapped types as above, every other type as its text. */
export function textParserFor(oid: number): TextParser {
  const name = PG_TYPE_NAMES[oid];
  return (name !== undefined && PARSERS[name]) || keepText;
}

/**
 * Given to each pg Client (`types` option), never installed globally: other code in the same
 * process sharing pg keeps pg's defaults. Only the text format is used (no binary queries).
 */
export const clientTypeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number) => textParserFor(oid)) as CustomTypesConfig['getTypeParser'],
};
