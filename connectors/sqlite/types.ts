import type { LogicalType } from '../../src-shared/types/logical';
import { isoUtc, withMicros } from '../shared/values';

/**
 * Declared SQLite column type → logical type. Specific names first (SQLite keeps whatever a
 * CREATE TABLE says), then SQLite's own affinity rules (https://sqlite.org/datatype3.html §3.1).
 */
export function logicalFromDeclared(declared: string | null | undefined): LogicalType | undefined {
  if (!declared) return undefined;
  const t = declared.toUpperCase();
  if (/^BOOL/.test(t)) return 'bool';
  if (/^(BIGINT|INT8|UNSIGNED BIG INT)/.test(t)) return 'bigint';
  if (t.includes('INT')) return 'int';
  if (/^(DECIMAL|NUMERIC)/.test(t)) return 'decimal';
  if (/^(DATETIME|TIMESTAMP)/.test(t)) return 'timestamp';
  if (t === 'DATE') return 'date';
  if (t === 'TIME') return 'time';
  if (t === 'JSON') return 'json';
  if (t === 'UUID') return 'uuid';
  if (/CHAR|CLOB|TEXT/.test(t)) return 'string';
  if (t.includes('BLOB')) return 'bytes';
  if (/REAL|FLOA|DOUB/.test(t)) return 'float';
  return 'decimal';
}

/** The logical type a value suggests when a result column has no declared type (an expression). */
export function logicalFromValue(value: unknown): LogicalType {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? 'int' : 'bigint';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof Uint8Array) return 'bytes';
  return 'string';
}

/**
 * Logical type → declared type for CREATE TABLE. Each keeps its value intact under SQLite's
 * affinity: decimals use a TEXT affinity name ("DECIMAL TEXT") so "12.30" is not turned into 12.3.
 */
export const SQLITE_TYPES: Record<LogicalType, string> = {
  string: 'TEXT',
  int: 'INTEGER',
  bigint: 'BIGINT',
  float: 'REAL',
  decimal: 'DECIMAL TEXT',
  bool: 'BOOLEAN',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'DATETIME',
  timestamptz: 'TIMESTAMP',
  json: 'JSON',
  bytes: 'BLOB',
  uuid: 'UUID',
};

/** A value as SQLite stores it: booleans → 0/1, Dates → ISO text, objects → JSON text; bigint and Buffer kept. */
export function toSqliteValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return isoUtc(value);
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return value;
}

/** A stored value as its logical type: 0/1 → boolean, ISO text → Date, integers → number unless bigint. */
export function fromSqliteValue(value: unknown, type: LogicalType): unknown {
  if (value === null) return null;
  if (type === 'bool' && (typeof value === 'number' || typeof value === 'bigint'))
    return value !== 0 && value !== 0n;
  if (typeof value === 'bigint' && type !== 'bigint') {
    if (type === 'decimal' || type === 'string') return value.toString();
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if ((type === 'timestamp' || type === 'timestamptz') && typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : withMicros(new Date(ms), value);
  }
  if (type === 'json' && typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (type === 'decimal' && typeof value === 'number') return String(value);
  return value;
}
