import { createHash } from 'node:crypto';
import type { LogicalType } from '../../../src-shared/types/logical';
import type { KeyRange, KeyRangePlan, SplitRequest } from './key-ranges';

/*
 * Range digests: a row count and an order-independent hash of a key range, computed inside
 * each database (PostgreSQL and MySQL in SQL, SQLite through functions registered in this
 * process), so `fustgo verify` compares a copy without pulling its rows into the app.
 *
 * The hash of a range is the sum, as an exact decimal, of one number per row: the first 15 hex
 * digits of the md5 of the row's canonical text, read as an integer below 2^60. Sums do not
 * depend on row order; the count and the sum together catch a changed, missing, extra or
 * duplicated row.
 *
 * The canonical text is the same in every database for the same logical values. Each column
 * is written as its canonical form below, then framed, then followed by `|`:
 * - NULL → `~` (distinct from every framed value, the empty string included);
 * - string and uuid columns → `<characters>:<text>` (a length prefix, so no text can imitate a
 *   field boundary); json columns → the md5 hex of the canonical JSON; all others as they are.
 *
 * Canonical forms, by logical type:
 * - int, bigint, decimal, float: plain decimal notation, no exponent, no leading zeros, no
 *   trailing zeros after the point nor a trailing point, `-0` → `0` (`12.300` → `12.3`,
 *   `1e-5` → `0.00001`); floats are first written as their shortest round-trip text, so
 *   `0.1` is `0.1` in every database; NaN and infinities as `NaN`, `Infinity`, `-Infinity`;
 * - bool: `1` or `0`;
 * - date: `YYYY-MM-DD`; time: `HH:MM:SS.ffffff`;
 * - timestamp, timestamptz: `YYYY-MM-DD HH:MM:SS.ffffff`, zoned values in UTC; MySQL zero
 *   dates count as NULL (as the mysql input reads them);
 * - bytes: lowercase hex; uuid: lowercase text; string: the text as it is (UTF-8);
 * - json: MariaDB's JSON_NORMALIZE form: no whitespace, object keys sorted by their UTF-8
 *   bytes, numbers as `d.dddEn` with every significant digit (`100` → `1.0E2`), strings escaped
 *   as JSON.stringify escapes them.
 *
 * Limits, where two databases holding the same data can still disagree:
 * - json: MariaDB keeps string escapes as they were written (`\u00e9`, `\/`) and repeated keys,
 *   where PostgreSQL decodes the one and keeps the last of the other; MySQL (not MariaDB) has
 *   no JSON_NORMALIZE, so its json is compared as its own text;
 * - numbers and times are compared at the precision each database holds: a timestamp(6) copied
 *   through a millisecond timestamp really differs, and verify says so;
 * - a column whose logical types differ between the two sides (a date copied into a text
 *   column) is compared as text: the two canonical forms, framed as strings.
 */

/** A column of a table as a digest sees it. */
export interface DigestColumn {
  name: string;
  type: LogicalType;
  /** The type as the database spells it. */
  nativeType?: string;
}

/** A column to hash: this side's column, and the type both sides' canonical texts follow. */
export interface ComparedColumn {
  column: DigestColumn;
  /** From `comparisonType`: the same on both sides of a comparison. */
  as: LogicalType;
}

/** One range of one table to digest. */
export interface DigestRequest {
  table: string;
  columns: ComparedColumn[];
  /** The integer key the range is of; absent for the whole table (then `range` must be `WHOLE_TABLE`). */
  key?: string;
  range: KeyRange;
  /** A WHERE condition ANDed to the range (the source's `query.filter`). */
  filter?: string;
}

/** Row count and hash sum of a range. */
export interface RangeDigest {
  rows: number;
  /** The sum of the rows' 60-bit hashes, as decimal text. */
  sum: string;
}

/** The keys of a range, for naming rows one side has and the other lacks. */
export interface RangeKeysRequest {
  table: string;
  key: string;
  range: KeyRange;
  filter?: string;
  /** Give up (null) above this many rows. */
  limit: number;
}

/**
 * What `fustgo verify` needs from a database: each SQL connector's `range-digest.ts` opens
 * one over a few connections, so ranges are digested concurrently.
 */
export interface TableDigester {
  /** The table's columns in table order; throws when the table does not exist. */
  describe(table: string): Promise<DigestColumn[]>;
  /** The primary key's columns in key order; empty when there is none. */
  primaryKey(table: string): Promise<string[]>;
  /** True when a primary key or unique index covers exactly `columns` (what an upsert needs to find rows). */
  hasUniqueKey(table: string, columns: string[]): Promise<boolean>;
  planKeyRanges(request: SplitRequest): Promise<KeyRangePlan>;
  digest(request: DigestRequest): Promise<RangeDigest>;
  /** The range's non-NULL keys in ascending order, or null when there are more than `limit`. */
  rangeKeys(request: RangeKeysRequest): Promise<bigint[] | null>;
  /** Quotes a column name for this database (for filters built around its rows). */
  quoteIdent(name: string): string;
  /** Things the user should know about how this side compares (a missing JSON function…). */
  readonly notes: string[];
  close(): Promise<void>;
}

/** True when two column lists hold the same names, in any order and case (MySQL and SQLite ignore case). */
export function sameColumns(a: string[], b: string[]): boolean {
  const norm = (names: string[]) => names.map((n) => n.toLowerCase()).sort();
  const [x, y] = [norm(a), norm(b)];
  return x.length === y.length && x.every((n, i) => n === y[i]);
}

/** How a canonical value is framed in the row text. */
export type Framing = 'length' | 'md5' | 'plain';

/** Framing by comparison type: free text gets a length prefix, JSON its md5, fixed formats none. */
export function framingOf(as: LogicalType): Framing {
  if (as === 'string' || as === 'uuid') return 'length';
  return as === 'json' ? 'md5' : 'plain';
}

/** The NULL marker: no framed value starts with `~`. */
export const NULL_FIELD = '~';
/** Ends every field. Plain canonical forms never contain it; the others are framed. */
export const FIELD_END = '|';

const NUMERIC = new Set<LogicalType>(['int', 'bigint', 'decimal', 'float']);
const TIMESTAMPS = new Set<LogicalType>(['timestamp', 'timestamptz']);

/**
 * The type a source column and its target column are compared as. Equal types compare as
 * themselves; numbers with numbers (all plain decimal text), timestamps with zoned ones (both
 * UTC), uuid with text (lowercased); anything else as text, with a note for the report.
 */
export function comparisonType(source: LogicalType, target: LogicalType): { as: LogicalType; note?: string } {
  if (source === target) return { as: source };
  if (NUMERIC.has(source) && NUMERIC.has(target)) return { as: 'decimal' };
  if (TIMESTAMPS.has(source) && TIMESTAMPS.has(target)) return { as: 'timestamp' };
  if ((source === 'uuid' && target === 'string') || (source === 'string' && target === 'uuid'))
    return { as: 'uuid' };
  return { as: 'string', note: `${source} in the source and ${target} in the target: compared as text` };
}

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Significant digits of a number's text and where its decimal point falls among them; null when not a number. */
function decimalParts(text: string): { negative: boolean; digits: string; point: number } | null {
  const match = NUMBER_TEXT.exec(text.trim());
  if (!match || match[2] + (match[3] ?? '') === '') return null;
  const all = match[2] + (match[3] ?? '');
  const lead = all.length - all.replace(/^0+/, '').length;
  return {
    negative: match[1] === '-',
    digits: all.slice(lead).replace(/0+$/, ''),
    point: match[2].length + Number(match[4] ?? 0) - lead,
  };
}

/**
 * A number's text in plain decimal notation: `1.2e+3` → `1200`, `12.300` → `12.3`,
 * `-0.0` → `0`. Text that is not a number (NaN, Infinity) comes back as it is.
 */
export function plainNumber(text: string): string {
  const parts = decimalParts(text);
  if (!parts) return text;
  const { negative, digits, point } = parts;
  if (digits === '') return '0';
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${plain}` : plain;
}

/** A JSON number as MariaDB's JSON_NORMALIZE writes it: `100` → `1.0E2`, `-0.0125` → `-1.25E-2`, `0` → `0.0E0`. */
export function jsonNumber(text: string): string {
  const parts = decimalParts(text);
  if (!parts) return text;
  const { negative, digits, point } = parts;
  if (digits === '') return '0.0E0';
  const mantissa = `${digits[0]}.${digits.slice(1) || '0'}`;
  return `${negative ? '-' : ''}${mantissa}E${point - 1}`;
}

type JsonNode =
  | { kind: 'object'; entries: [string, JsonNode][] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'number' | 'literal'; text: string }
  | { kind: 'string'; value: string };

const WHITESPACE = /[ \t\n\r]*/y;
// Raw control characters inside a string are refused by JSON.parse, which decodes each token.
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"/y;
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL_TOKEN = /true|false|null/y;

/** A JSON parser that keeps numbers as their text (JSON.parse would round 20-digit numbers). */
class JsonReader {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): JsonNode {
    const node = this.value();
    this.skipSpace();
    if (this.at !== this.text.length) throw new Error('trailing text');
    return node;
  }

  private skipSpace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private token(pattern: RegExp): string {
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (!match) throw new Error(`unexpected text at ${this.at}`);
    this.at = pattern.lastIndex;
    return match[0];
  }

  private expect(char: string): boolean {
    this.skipSpace();
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  private value(): JsonNode {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '{') {
      this.at++;
      const entries: [string, JsonNode][] = [];
      if (!this.expect('}')) {
        do {
          this.skipSpace();
          const key = JSON.parse(this.token(STRING_TOKEN)) as string;
          if (!this.expect(':')) throw new Error('expected :');
          entries.push([key, this.value()]);
        } while (this.expect(','));
        if (!this.expect('}')) throw new Error('expected }');
      }
      return { kind: 'object', entries };
    }
    if (char === '[') {
      this.at++;
      const items: JsonNode[] = [];
      if (!this.expect(']')) {
        do items.push(this.value());
        while (this.expect(','));
        if (!this.expect(']')) throw new Error('expected ]');
      }
      return { kind: 'array', items };
    }
    if (char === '"') return { kind: 'string', value: JSON.parse(this.token(STRING_TOKEN)) as string };
    if (char === '-' || (char >= '0' && char <= '9'))
      return { kind: 'number', text: this.token(NUMBER_TOKEN) };
    return { kind: 'literal', text: this.token(LITERAL_TOKEN) };
  }
}

const byUtf8 = (a: [string, JsonNode], b: [string, JsonNode]) =>
  Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8'));

function writeJson(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${[...node.entries]
        .sort(byUtf8)
        .map(([key, value]) => `${JSON.stringify(key)}:${writeJson(value)}`)
        .join(',')}}`;
    case 'array':
      return `[${node.items.map(writeJson).join(',')}]`;
    case 'number':
      return jsonNumber(node.text);
    case 'string':
      return JSON.stringify(node.value);
    case 'literal':
      return node.text;
  }
}

/** JSON text in its canonical form (see the top of this file); null when the text is not JSON. */
export function canonicalJson(text: string): string | null {
  try {
    return writeJson(new JsonReader(text).document());
  } catch {
    return null;
  }
}

const TIME_TEXT = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const pad2 = (n: number) => String(n).padStart(2, '0');
const micros = (fraction: string | undefined) => (fraction ?? '').padEnd(6, '0').slice(0, 6);

/** `HH:MM[:SS[.f…]]` → `HH:MM:SS.ffffff`; other text as it is. */
export function canonicalTime(text: string): string {
  const m = TIME_TEXT.exec(text.trim());
  if (!m) return text;
  return `${m[1].padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}.${micros(m[4])}`;
}

/** ISO-like timestamp text (`T` or space, optional fraction and zone) → UTC `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function canonicalTimestamp(text: string): string {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return text;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction, zone] = m;
  const offset = zone && zone.toUpperCase() !== 'Z' ? zoneMinutes(zone) : 0;
  if (offset === 0) return `${year}-${month}-${day} ${hour}:${minute}:${second}.${micros(fraction)}`;
  const utc = new Date(
    Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute) - offset,
      Number(second),
    ),
  );
  const date = `${String(utc.getUTCFullYear()).padStart(4, '0')}-${pad2(utc.getUTCMonth() + 1)}-${pad2(utc.getUTCDate())}`;
  return `${date} ${pad2(utc.getUTCHours())}:${pad2(utc.getUTCMinutes())}:${pad2(utc.getUTCSeconds())}.${micros(fraction)}`;
}

function zoneMinutes(zone: string): number {
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return zone[0] === '-' ? -minutes : minutes;
}

const TRUE_TEXT = new Set(['1', 't', 'true', 'y', 'yes']);
const FALSE_TEXT = new Set(['0', 'f', 'false', 'n', 'no']);

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

function numberText(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? plainNumber(String(value)) : String(value);
  if (typeof value === 'bigint') return value.toString();
  return plainNumber(asText(value));
}

const UUID_BYTES = 16;

/**
 * A value's canonical text as this process computes it: for SQLite, whose values arrive as
 * SQLite holds them (integers as bigint, REAL as number, TEXT, BLOB as Buffer), and as the
 * reference the SQL of the other databases is tested against. `own` is the column's logical
 * type on this side, `as` the comparison type. Null for NULL.
 */
export function canonicalValue(own: LogicalType, as: LogicalType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (own) {
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'float':
      return numberText(value);
    case 'bool': {
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0 ? '1' : '0';
      const text = asText(value).trim().toLowerCase();
      return TRUE_TEXT.has(text) ? '1' : FALSE_TEXT.has(text) ? '0' : asText(value);
    }
    case 'date': {
      const text = asText(value);
      return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
    }
    case 'time':
      return canonicalTime(asText(value));
    case 'timestamp':
    case 'timestamptz':
      return value instanceof Date
        ? canonicalTimestamp(value.toISOString())
        : canonicalTimestamp(asText(value));
    case 'json': {
      if (typeof value === 'number' || typeof value === 'bigint') return jsonNumber(String(value));
      const text = asText(value);
      return canonicalJson(text) ?? text;
    }
    case 'bytes':
      return value instanceof Uint8Array
        ? Buffer.from(value).toString('hex')
        : Buffer.from(asText(value)).toString('hex');
    case 'uuid': {
      if (value instanceof Uint8Array && value.length === UUID_BYTES) {
        const hex = Buffer.from(value).toString('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      }
      return asText(value).toLowerCase();
    }
    case 'string': {
      const text = typeof value === 'number' ? numberText(value) : asText(value);
      return as === 'uuid' ? text.toLowerCase() : text;
    }
  }
}

/** A canonical value framed for the row text (see the top of this file), without the field end. */
export function frameField(framing: Framing, canonical: string | null): string {
  if (canonical === null) return NULL_FIELD;
  if (framing === 'plain') return canonical;
  if (framing === 'md5') return createHash('md5').update(canonical, 'utf8').digest('hex');
  // Characters (code points), as PostgreSQL's length() and MySQL's CHAR_LENGTH() count them.
  let characters = 0;
  for (const _ of canonical) characters++;
  return `${characters}:${canonical}`;
}

/** The canonical text of a row: each framed field followed by `|`. */
export function canonicalRow(columns: ComparedColumn[], values: unknown[]): string {
  let text = '';
  for (let i = 0; i < columns.length; i++) {
    const { column, as } = columns[i];
    text += frameField(framingOf(as), canonicalValue(column.type, as, values[i])) + FIELD_END;
  }
  return text;
}

/** A row's hash: the first 15 hex digits of the md5 of its canonical text, as an integer below 2^60. */
export function rowHash(rowText: string): bigint {
  return BigInt(`0x${createHash('md5').update(rowText, 'utf8').digest('hex').slice(0, 15)}`);
}

/** The sum of the row hashes of some rows, computed here (for tests and for checking the databases' SQL). */
export function digestRows(columns: ComparedColumn[], rows: unknown[][]): RangeDigest {
  let sum = 0n;
  for (const row of rows) sum += rowHash(canonicalRow(columns, row));
  return { rows: rows.length, sum: sum.toString() };
}

/**
 * A few connections shared by concurrent digests: `use` waits for a free one, opening up to
 * `size`. A connection whose work failed is closed rather than reused (it may be mid-query).
 */
export class LeasePool<T> {
  private readonly idle: T[] = [];
  private readonly waiting: { resolve: (connection: T) => void; reject: (error: unknown) => void }[] = [];
  private readonly all = new Set<T>();
  private opening = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly open: () => Promise<T>,
    private readonly release: (connection: T) => Promise<void>,
  ) {}

  async use<R>(work: (connection: T) => Promise<R>): Promise<R> {
    const connection = await this.acquire();
    let healthy = false;
    try {
      const result = await work(connection);
      healthy = true;
      return result;
    } finally {
      if (healthy) this.giveBack(connection);
      else {
        this.all.delete(connection);
        await this.release(connection).catch(() => undefined);
        this.wakeWaiterWithNewConnection();
      }
    }
  }

  /** Closes every connection; work still running finishes on a connection that is then closed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('the connections are closed'));
    const connections = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(connections.map((c) => this.release(c).catch(() => undefined)));
  }

  private async acquire(): Promise<T> {
    if (this.closed) throw new Error('the connections are closed');
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.all.size + this.opening < this.size) return this.openOne();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async openOne(): Promise<T> {
    this.opening++;
    try {
      const connection = await this.open();
      this.all.add(connection);
      return connection;
    } finally {
      this.opening--;
    }
  }

  private giveBack(connection: T): void {
    if (this.closed || !this.all.has(connection)) {
      void this.release(connection).catch(() => undefined);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(connection);
    else this.idle.push(connection);
  }

  private wakeWaiterWithNewConnection(): void {
    const waiter = this.waiting.shift();
    if (!waiter) return;
    if (this.closed) waiter.reject(new Error('the connections are closed'));
    else this.openOne().then(waiter.resolve, waiter.reject);
  }
}
