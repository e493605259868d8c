import type { BytesValue } from '../../src-shared/api/preview-model';

/** How a cell looks: its one-line text and what kind of value it is (for alignment and colour). */
export interface CellDisplay {
  text: string;
  kind: 'null' | 'number' | 'bool' | 'bytes' | 'json' | 'text';
}

/** Logical types shown right-aligned, as numbers are in database tools. */
const NUMERIC_TYPES = new Set(['int', 'bigint', 'float', 'decimal']);

/** Bytes shown of a binary value before `…`. */
const SHOWN_BYTES = 24;

function isBytes(value: unknown): value is BytesValue {
  return typeof value === 'object' && value !== null && typeof (value as BytesValue).$bytes === 'string';
}

/** `0x00ff…` with the whole size when it is cut. */
function bytesText(value: BytesValue): string {
  const hex = value.$bytes.slice(0, SHOWN_BYTES * 2);
  return value.length > SHOWN_BYTES ? `0x${hex}… (${value.length.toLocaleString()} B)` : `0x${hex}`;
}

/**
 * A preview value as one line of a grid cell: NULL distinct from empty text, bytes as hex, JSON
 * compact, line breaks shown as ↵ so a row stays one line.
 */
export function cellDisplay(value: unknown, type: string): CellDisplay {
  if (value === null || value === undefined) return { text: 'NULL', kind: 'null' };
  if (isBytes(value)) return { text: bytesText(value), kind: 'bytes' };
  if (typeof value === 'boolean') return { text: String(value), kind: 'bool' };
  if (typeof value === 'object') return { text: JSON.stringify(value), kind: 'json' };
  const text = String(value).replace(/\r?\n/g, '↵');
  if (type === 'json') return { text: JSON.stringify(value), kind: 'json' };
  return { text, kind: NUMERIC_TYPES.has(type) ? 'number' : 'text' };
}

/** The text a cell's tooltip gives: the whole value (JSON pretty-printed). */
export function cellTitle(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (isBytes(value))
    return `0x${value.$bytes}${value.$bytes.length / 2 < value.length ? '…' : ''} (${value.length} B)`;
  if (typeof value === 'object' || type === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}
