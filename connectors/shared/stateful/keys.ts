import type { Row } from '../../../src-main/engine/batch';
import * as decimal from '../../../src-main/engine/expression/decimal';
import type { LogicalType } from '../../../src-shared/types/logical';
import { isoUtc, toJsonSafe } from '../values';

/*
 * Keys for grouping and matching rows (aggregate group_by, deduplicate and merge keys,
 * enrichment lookups): values that SQL calls equal give the same key. NULLs group together;
 * decimals compare by value (`1.50` = `1.5`); bigints are the same whether a reader gave a
 * number or a BigInt; timestamps by instant (microseconds included).
 */

/** A value as one primitive that is equal (SameValueZero) exactly when the values are equal in SQL. */
export type Canonical = string | number | boolean | null;

/** Decimal text in its shortest form: `'1.50'` → `'1.5'`, `'-0.0'` → `'0'`; other text as it is. */
export function canonicalDecimal(value: unknown): string {
  if (!decimal.readValue(value)) return String(value);
  const text = decimal.format(decimal.result.unscaled, decimal.result.scale);
  if (!text.includes('.')) return text === '-0' ? '0' : text;
  const trimmed = text.replace(/\.?0+$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

/** The canonical form of values of a column of `type`. */
export function canonicalizer(type: LogicalType | 'unknown'): (value: unknown) => Canonical {
  const orNull =
    (convert: (value: unknown) => Canonical) =>
    (value: unknown): Canonical =>
      value === null || value === undefined ? null : convert(value);
  switch (type) {
    case 'decimal':
      return orNull(canonicalDecimal);
    case 'int':
    case 'float':
    case 'bigint':
      return orNull((v) =>
        typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : (v as number),
      );
    case 'string':
    case 'uuid':
    case 'date':
    case 'time':
    case 'bool':
      return orNull((v) => v as Canonical);
    default:
      return orNull(dynamicCanonical);
  }
}

/** The canonical form of a value whose column type says little (json, bytes, timestamps, expressions). */
function dynamicCanonical(value: unknown): Canonical {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return isoUtc(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(toJsonSafe(value));
}

/**
 * The key of a row by the fields at `indices` (of `types`): one canonical value for one field,
 * the JSON text of the canonical values for several (no two different tuples share a text).
 */
export function keyFunction(indices: number[], types: (LogicalType | 'unknown')[]): (row: Row) => Canonical {
  const canonical = types.map(canonicalizer);
  if (indices.length === 1) {
    const [index] = indices;
    const [convert] = canonical;
    return (row) => convert(row[index]);
  }
  return (row) => JSON.stringify(indices.map((index, i) => canonical[i](row[index])));
}

/**
 * The text a lookup key is matched by across systems (a CSV's `'42'` finds a database's 42):
 * numbers in their shortest form, decimals (by column type) without trailing zeros, timestamps
 * in ISO 8601, booleans as true/false. NULL has none: it never matches.
 */
export function matchText(value: unknown, type: LogicalType | 'unknown'): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'decimal') return canonicalDecimal(value);
  const canonical = dynamicCanonical(value);
  return typeof canonical === 'string' ? canonical : String(canonical);
}

/** The match text of a composite key (the key's values in key order), or null when any part is NULL. */
export function matchKey(values: unknown[], types: (LogicalType | 'unknown')[]): string | null {
  if (values.length === 1) return matchText(values[0], types[0]);
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const text = matchText(values[i], types[i]);
    if (text === null) return null;
    parts.push(text);
  }
  return JSON.stringify(parts);
}
