import { types as pgTypes, type CustomTypesConfig } from 'pg';
import type { LogicalType } from '../../src-shared/types/logical';
import { withMicros } from '../shared/values';

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

/** A timestamptz as a Date; ±infinity, which a Date cannot hold, stays as PostgreSQL's text. */
function parseTimestamptz(text: string): unknown {
  const value = parseTimestamptzDefault(text);
  return value instanceof Date ? withMicros(value, text) : text;
}

/**
 * A timestamp without time zone read as UTC wall time (pg's default reads it in the local zone,
 * so the same row would differ between machines). The offset goes before a trailing " BC".
 */
export function parseTimestampAsUtc(text: string): unknown {
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
