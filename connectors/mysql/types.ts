import { escape, type FieldPacket } from 'mysql2';
import type { Column, LogicalType } from '../../src-shared/types/logical';
import { daysFromCivil, isoUtc, PreciseDate, toJsonSafe } from '../shared/values';

/*
 * The MySQL / MariaDB type map, both ways:
 * - reading: result-set column metadata → logical type, native type name, and a decoder from the
 *   raw text-protocol bytes (the reader asks the driver for bytes and converts here, so no value
 *   goes through the driver's float, local-time or JSON conversions);
 * - writing: logical type → column type for CREATE TABLE, and value → SQL literal.
 */

/** Column type codes of the client/server protocol (include/mysql_com.h, enum_field_types). */
export const FieldType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  VECTOR: 242,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const UNSIGNED_FLAG = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
/** Character set number of binary data (BLOB, BINARY, numbers, dates). */
const BINARY_CHARSET = 63;
/** Result text is utf8mb4 (see connection.ts): a character takes up to 4 bytes of a column's length. */
const BYTES_PER_CHAR = 4;

/** What the reader knows of a result column (from the driver's column definition packet). */
export interface MysqlColumnMeta {
  name: string;
  columnType: number;
  flags: number;
  characterSet: number;
  /** Display length: digits for numbers, bits for BIT, bytes for strings. */
  columnLength: number;
  /** Scale of DECIMAL, fractional-second digits of TIME / DATETIME / TIMESTAMP. */
  decimals: number;
  /** MariaDB 10.5+ extended metadata: `uuid`, `inet6`…; and format `json` for its JSON (a LONGTEXT). */
  extendedTypeName?: string;
  extendedFormat?: string;
}

const isBinary = (meta: MysqlColumnMeta) => meta.characterSet === BINARY_CHARSET;
const isUnsigned = (meta: MysqlColumnMeta) => (meta.flags & UNSIGNED_FLAG) !== 0;

/**
 * Result column → logical type. TINYINT(1) is MySQL's BOOLEAN; INT UNSIGNED still fits a JS
 * number; BIGINT (signed or not) is `bigint`; BIT(n) is an integer, `int` up to 53 bits (exact in
 * a JS number) and `bigint` beyond; GEOMETRY and VECTOR travel as their raw bytes.
 */
export function logicalFromMeta(meta: MysqlColumnMeta): LogicalType {
  switch (meta.columnType) {
    case FieldType.TINY:
      return meta.columnLength === 1 ? 'bool' : 'int';
    case FieldType.SHORT:
    case FieldType.INT24:
    case FieldType.LONG:
    case FieldType.YEAR:
      return 'int';
    case FieldType.LONGLONG:
      return 'bigint';
    case FieldType.BIT:
      return meta.columnLength <= 53 ? 'int' : 'bigint';
    case FieldType.DECIMAL:
    case FieldType.NEWDECIMAL:
      return 'decimal';
    case FieldType.FLOAT:
    case FieldType.DOUBLE:
      return 'float';
    case FieldType.DATE:
    case FieldType.NEWDATE:
      return 'date';
    case FieldType.TIME:
    case FieldType.TIME2:
      return 'time';
    case FieldType.DATETIME:
    case FieldType.DATETIME2:
      return 'timestamp';
    case FieldType.TIMESTAMP:
    case FieldType.TIMESTAMP2:
      return 'timestamptz';
    case FieldType.JSON:
      return 'json';
    case FieldType.GEOMETRY:
    case FieldType.VECTOR:
      return 'bytes';
  }
  if (meta.extendedFormat === 'json') return 'json';
  if (meta.extendedTypeName === 'uuid') return 'uuid';
  return isBinary(meta) ? 'bytes' : 'string';
}

const INTEGER_NAMES: Partial<Record<number, string>> = {
  [FieldType.TINY]: 'TINYINT',
  [FieldType.SHORT]: 'SMALLINT',
  [FieldType.INT24]: 'MEDIUMINT',
  [FieldType.LONG]: 'INT',
  [FieldType.LONGLONG]: 'BIGINT',
};
const TEMPORAL_NAMES: Partial<Record<number, string>> = {
  [FieldType.TIME]: 'TIME',
  [FieldType.TIME2]: 'TIME',
  [FieldType.DATETIME]: 'DATETIME',
  [FieldType.DATETIME2]: 'DATETIME',
  [FieldType.TIMESTAMP]: 'TIMESTAMP',
  [FieldType.TIMESTAMP2]: 'TIMESTAMP',
};
const SIMPLE_NAMES: Partial<Record<number, string>> = {
  [FieldType.FLOAT]: 'FLOAT',
  [FieldType.DOUBLE]: 'DOUBLE',
  [FieldType.DATE]: 'DATE',
  [FieldType.NEWDATE]: 'DATE',
  [FieldType.YEAR]: 'YEAR',
  [FieldType.JSON]: 'JSON',
  [FieldType.GEOMETRY]: 'GEOMETRY',
  [FieldType.VECTOR]: 'VECTOR',
  [FieldType.NULL]: 'NULL',
};

/** The blob or text type holding `bytes` bytes at most (TINYBLOB / BLOB / MEDIUMBLOB / LONGBLOB). */
function lobName(binary: boolean, bytes: number): string {
  const size = bytes <= 0xff ? 'TINY' : bytes <= 0xffff ? '' : bytes <= 0xffffff ? 'MEDIUM' : 'LONG';
  return `${size}${binary ? 'BLOB' : 'TEXT'}`;
}

/** The column's type as MySQL spells it (`INT UNSIGNED`, `DECIMAL(30,9)`, `VARCHAR(10)`), kept as `nativeType`. */
export function nativeTypeOf(meta: MysqlColumnMeta): string {
  const { columnType: type, columnLength: length, decimals } = meta;
  const integer = INTEGER_NAMES[type];
  if (integer) {
    const name = type === FieldType.TINY && length === 1 ? 'TINYINT(1)' : integer;
    return isUnsigned(meta) ? `${name} UNSIGNED` : name;
  }
  if (type === FieldType.DECIMAL || type === FieldType.NEWDECIMAL) {
    // The display length counts the sign (unless unsigned) and the decimal point (if any).
    const precision = length - (decimals > 0 ? 1 : 0) - (isUnsigned(meta) ? 0 : 1);
    return `DECIMAL(${precision},${decimals})`;
  }
  const temporal = TEMPORAL_NAMES[type];
  if (temporal) return decimals > 0 ? `${temporal}(${decimals})` : temporal;
  if (type === FieldType.BIT) return `BIT(${length})`;
  const simple = SIMPLE_NAMES[type];
  if (simple) return simple;
  if (meta.extendedTypeName) return meta.extendedTypeName.toUpperCase();
  if (meta.extendedFormat === 'json') return 'JSON';
  if (meta.flags & ENUM_FLAG) return 'ENUM';
  if (meta.flags & SET_FLAG) return 'SET';
  const binary = isBinary(meta);
  const chars = binary ? length : Math.round(length / BYTES_PER_CHAR);
  if (type === FieldType.VARCHAR || type === FieldType.VAR_STRING)
    return binary ? `VARBINARY(${chars})` : `VARCHAR(${chars})`;
  if (type === FieldType.STRING) return binary ? `BINARY(${chars})` : `CHAR(${chars})`;
  return lobName(binary, chars);
}

/** A batch column for a result column. */
/** The driver's column definition as the type map reads it. */
export function metaFromField(field: FieldPacket): MysqlColumnMeta {
  return {
    name: field.name,
    columnType: field.columnType ?? field.type ?? FieldType.VAR_STRING,
    flags: typeof field.flags === 'number' ? field.flags : 0,
    characterSet: field.characterSet ?? 0,
    columnLength: field.columnLength ?? field.length ?? 0,
    decimals: field.decimals,
    extendedTypeName: field.extendedTypeName,
    extendedFormat: field.extendedFormat,
  };
}

export function columnFromMeta(meta: MysqlColumnMeta): Column {
  return { name: meta.name, type: logicalFromMeta(meta), nativeType: nativeTypeOf(meta) };
}

/** MySQL's "zero" dates (0000-00-00, or a zero month or day) that no calendar, nor a JS Date, holds. */
export function isZeroDate(text: string): boolean {
  return text.slice(5, 7) === '00' || text.slice(8, 10) === '00';
}

const ZERO = 48; // '0'

/** Two ASCII digits at `at` as a number. */
function digits2(raw: Uint8Array, at: number): number {
  return (raw[at] - ZERO) * 10 + (raw[at + 1] - ZERO);
}

/**
 * DATETIME / TIMESTAMP bytes (`YYYY-MM-DD HH:MM:SS[.ffffff]`, in UTC for this session) between
 * `start` and `end` → Date (a `PreciseDate` when there are microseconds); `null` for a zero date (month or day 00). Read
 * straight from the packet: no string per value.
 */
export function dateTimeFromBytes(raw: Uint8Array, start = 0, end = raw.length): Date | null {
  const month = digits2(raw, start + 5);
  const day = digits2(raw, start + 8);
  if (month === 0 || day === 0) return null;
  const length = end - start;
  let ms = daysFromCivil(digits2(raw, start) * 100 + digits2(raw, start + 2), month, day) * 86_400_000;
  if (length >= 19)
    ms +=
      digits2(raw, start + 11) * 3_600_000 +
      digits2(raw, start + 14) * 60_000 +
      digits2(raw, start + 17) * 1000;
  // Fraction digits after the point: the first three are milliseconds, the next three microseconds.
  for (let i = start + 20, scale = 100; i < end && i < start + 23; i++, scale /= 10)
    ms += (raw[i] - ZERO) * scale;
  let micros = 0;
  for (let i = start + 23, scale = 100; i < end && i < start + 26; i++, scale /= 10)
    micros += (raw[i] - ZERO) * scale;
  return micros === 0 ? new Date(ms) : new PreciseDate(ms, micros);
}

/** DATETIME / TIMESTAMP text in UTC → Date (see `dateTimeFromBytes`). */
export function parseUtcDateTime(text: string): Date {
  const date = dateTimeFromBytes(Buffer.from(text, 'latin1'));
  if (!date) throw new Error(`"${text}" is a zero date`);
  return date;
}

/** A decimal integer written in ASCII (the text protocol's INT values), without a string per value. */
export function intFromBytes(raw: Uint8Array, start = 0, end = raw.length): number {
  const negative = raw[start] === 45; // '-'
  let n = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) n = n * 10 + (raw[i] - ZERO);
  return negative ? -n : n;
}

/** A Date as DATETIME text in UTC: `YYYY-MM-DD HH:MM:SS.mmm`, `.mmmuuu` for a `PreciseDate`. */
export function formatUtcDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('an invalid Date cannot be written to MySQL');
  const iso = isoUtc(date);
  return `${iso.slice(0, 10)} ${iso.slice(11, -1)}`;
}

/** A BIT value: big-endian bytes → unsigned integer. */
function bitsToBigInt(raw: Buffer, start: number, end: number): bigint {
  return end === start ? 0n : BigInt(`0x${raw.toString('hex', start, end)}`);
}

/**
 * Node's own `latin1Slice`/`utf8Slice` (what `buffer.toString(encoding, start, end)` ends in),
 * called directly: the argument checks and encoding lookup around them cost as much as the
 * decoding on the read path. Falls back to `toString` where they are missing.
 */
interface SliceMethods {
  latin1Slice?(start: number, end: number): string;
  utf8Slice?(start: number, end: number): string;
}
const slices = Buffer.prototype as unknown as SliceMethods;
const latin1Text: (raw: Buffer, start: number, end: number) => string = slices.latin1Slice
  ? (raw, start, end) => (raw as unknown as Required<SliceMethods>).latin1Slice(start, end)
  : (raw, start, end) => raw.toString('latin1', start, end);
const utf8Text: (raw: Buffer, start: number, end: number) => string = slices.utf8Slice
  ? (raw, start, end) => (raw as unknown as Required<SliceMethods>).utf8Slice(start, end)
  : (raw, start, end) => raw.toString('utf8', start, end);

/**
 * Turns one non-NULL raw value, the bytes `start`..`end` of `raw`, into its logical value; `null`
 * for a zero date. `raw` is the driver's packet buffer, so decoders never keep a view of it.
 */
export type ValueDecoder = (raw: Buffer, start: number, end: number) => unknown;

/**
 * The decoder for a column. Raw values are the text protocol's bytes: numbers and dates as ASCII
 * text, strings as UTF-8, binary data as is. `onZeroDate` counts zero dates read as NULL.
 */
export function valueDecoder(meta: MysqlColumnMeta, type: LogicalType, onZeroDate: () => void): ValueDecoder {
  if (meta.columnType === FieldType.BIT)
    return type === 'bigint' ? bitsToBigInt : (raw, start, end) => Number(bitsToBigInt(raw, start, end));
  const ascii = latin1Text;
  switch (type) {
    case 'int':
      return intFromBytes;
    case 'float':
      return (raw, start, end) => Number(ascii(raw, start, end));
    case 'bigint':
      return (raw, start, end) => BigInt(ascii(raw, start, end));
    case 'bool':
      return (raw, start, end) => end - start !== 1 || raw[start] !== ZERO;
    case 'decimal':
    case 'time':
      return ascii;
    case 'date':
      return (raw, start, end) => {
        const text = ascii(raw, start, end);
        if (!isZeroDate(text)) return text;
        onZeroDate();
        return null;
      };
    case 'timestamp':
    case 'timestamptz':
      return (raw, start, end) => {
        const date = dateTimeFromBytes(raw, start, end);
        if (date === null) onZeroDate();
        return date;
      };
    case 'json':
      return (raw, start, end) => JSON.parse(utf8Text(raw, start, end)) as unknown;
    // A copy: the packet buffer is the driver's and is reused.
    case 'bytes':
      return (raw, start, end) => Buffer.from(raw.subarray(start, end));
    case 'string':
    case 'uuid':
      return utf8Text;
  }
}

/**
 * Logical type → column type for CREATE TABLE. `int` is INT, so it reads back as `int` (a value
 * past 2^31 is refused by the server in strict mode, never cut); timestamps are DATETIME(6) (the
 * microseconds a `PreciseDate` carries) holding UTC, as TIMESTAMP stops in 2038; JSON is an alias of LONGTEXT
 * on MariaDB.
 */
export const MYSQL_TYPES: Record<LogicalType, string> = {
  string: 'TEXT',
  int: 'INT',
  bigint: 'BIGINT',
  float: 'DOUBLE',
  decimal: 'DECIMAL(65,30)',
  bool: 'TINYINT(1)',
  date: 'DATE',
  time: 'TIME(6)',
  timestamp: 'DATETIME(6)',
  timestamptz: 'DATETIME(6)',
  json: 'JSON',
  bytes: 'LONGBLOB',
  uuid: 'CHAR(36)',
};

/** The numbers in a native type's parentheses: `numeric(10,2)` → [10, 2], `TIME(3)` → [3]. */
function typeArguments(nativeType: string | undefined, names: RegExp): number[] | undefined {
  const match = nativeType?.match(/^\s*(\w+)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/);
  if (!match || !names.test(match[1])) return undefined;
  return match[3] === undefined ? [Number(match[2])] : [Number(match[2]), Number(match[3])];
}

/**
 * The column type a created table gives `column`: `MYSQL_TYPES`, refined where the source's
 * native type says more. A key column cannot be TEXT or BLOB (no index without a length), so
 * it is VARCHAR(255) / VARBINARY(255); DECIMAL keeps a source precision MySQL can hold (else
 * the widest, 65 digits with 30 decimals); TIME keeps a source's fractional digits (else 6);
 * an UNSIGNED integer stays unsigned, as its top half does not fit the signed type.
 */
export function columnTypeFor(column: Column, isKey: boolean): string {
  switch (column.type) {
    case 'string':
      return isKey ? 'VARCHAR(255)' : MYSQL_TYPES.string;
    case 'bytes':
      return isKey ? 'VARBINARY(255)' : MYSQL_TYPES.bytes;
    case 'int':
    case 'bigint': {
      const type = MYSQL_TYPES[column.type];
      return /unsigned/i.test(column.nativeType ?? '') ? `${type} UNSIGNED` : type;
    }
    case 'decimal': {
      const [precision, scale = 0] = typeArguments(column.nativeType, /^(decimal|numeric)$/i) ?? [];
      const fits = precision !== undefined && precision <= 65 && scale <= 30 && scale <= precision;
      return fits ? `DECIMAL(${precision},${scale})` : MYSQL_TYPES.decimal;
    }
    case 'time': {
      const [digits] = typeArguments(column.nativeType, /^time$/i) ?? [];
      return digits !== undefined && digits <= 6 ? `TIME(${digits})` : MYSQL_TYPES.time;
    }
    default:
      return MYSQL_TYPES[column.type];
  }
}

/** A value as a SQL literal: strings through the driver's escaping, bool → 1/0, Date → UTC DATETIME text, bytes → X'hex'. */
export function toSqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return value ? '1' : '0';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} cannot be stored in MySQL`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return escape(value);
  }
  if (value instanceof Date) return `'${formatUtcDateTime(value)}'`;
  if (value instanceof Uint8Array)
    return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  return escape(JSON.stringify(toJsonSafe(value)));
}

/** A json column's value as a literal: always its JSON text, so the string "a" is stored as "a" quoted. */
function toJsonLiteral(value: unknown): string {
  return value === null || value === undefined ? 'NULL' : escape(JSON.stringify(toJsonSafe(value)));
}

/** The literal writer for a column of `type`. */
export function literalEncoder(type: LogicalType): (value: unknown) => string {
  return type === 'json' ? toJsonLiteral : toSqlLiteral;
}
