import type { LogicalType } from '../../src-shared/types/logical';
import { parseText } from '../shared/values';

/** File formats the connector reads and writes. */
export type FileFormat = 'csv' | 'jsonl';

/** The format and compression a path implies: `.csv`, `.jsonl`/`.ndjson`/`.json`, optionally `.gz`. */
export function formatFromPath(filePath: string): { format: FileFormat | undefined; gzip: boolean } {
  const lower = filePath.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv') || base.endsWith('.tsv') || base.endsWith('.txt')) return { format: 'csv', gzip };
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson') || base.endsWith('.json'))
    return { format: 'jsonl', gzip };
  return { format: undefined, gzip };
}

/** The logical type a JSON value suggests when a JSON Lines file declares no columns. */
export function jsonValueType(value: unknown): LogicalType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value !== null && typeof value === 'object') return 'json';
  return 'string';
}

const TEXT_TYPES = new Set<LogicalType>(['string', 'decimal', 'date', 'time', 'uuid']);

/**
 * Converts a parsed JSON value to a declared logical type: strings are parsed as text,
 * numbers and booleans must already fit; throws `expected <type>, got …` otherwise.
 */
export function jsonToLogical(value: unknown, type: LogicalType): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'json') return value;
  if (typeof value === 'string') return parseText(value, type);
  if (typeof value === 'number') {
    if (type === 'float') return value;
    if ((type === 'int' || type === 'bigint') && Number.isInteger(value)) return value;
    if (type === 'decimal' || type === 'string') return String(value);
  }
  if (typeof value === 'boolean' && (type === 'bool' || type === 'string'))
    return type === 'bool' ? value : String(value);
  if (TEXT_TYPES.has(type) && typeof value !== 'object') return String(value);
  throw new Error(`expected ${type}, got ${JSON.stringify(value)}`);
}
