import type { Column, Row } from '../../../src-main/engine/batch';
import type { RejectedRow } from '../../../src-main/engine/component';

/*
 * The conflict key in the rows of a batch, for the modes that find target rows by it
 * (upsert, replace).
 */

/** Where each key column sits among the batch columns; a key column the batch lacks is an error. */
export function keyIndexes(columns: Column[], key: string[]): number[] {
  return key.map((k) => {
    const index = columns.findIndex((c) => c.name === k);
    if (index < 0) throw new Error(`conflict.key column "${k}" is not among the incoming columns`);
    return index;
  });
}

/**
 * Sets aside the rows with a NULL key column, as rejected: replace could not find the row such a
 * row replaces (NULL equals nothing), and keeping one row per key would silently merge them.
 * `indexOf` maps an index into the kept `rows` back to the batch.
 */
export function setAsideNullKeys(
  rows: Row[],
  indexes: number[],
  key: string[],
): { rows: Row[]; rejected: RejectedRow[]; indexOf: (index: number) => number } {
  const nullAt = (row: Row) => indexes.findIndex((i) => row[i] === null || row[i] === undefined);
  if (!rows.some((row) => nullAt(row) >= 0)) return { rows, rejected: [], indexOf: (index) => index };
  const kept: Row[] = [];
  const positions: number[] = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((row, index) => {
    const at = nullAt(row);
    if (at < 0) {
      kept.push(row);
      positions.push(index);
    } else {
      rejected.push({
        index,
        error: `replace cannot identify a row whose conflict.key column "${key[at]}" is NULL`,
      });
    }
  });
  return { rows: kept, rejected, indexOf: (index) => positions[index] };
}

/** A key value as text that tells values apart the way the database's equality does for them. */
function keyText(value: unknown): string {
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof Uint8Array) return `b${Buffer.from(value).toString('hex')}`;
  return `${typeof value}:${String(value)}`;
}

/**
 * Whether two rows share a key (NULL keys never match): when none do, a writer can skip keeping
 * "the last row per key", a sort of every slice in the database. Numbers and bigints compare by
 * value, so 1 and 1n count as one key, as in the database.
 */
export function hasRepeatedKeys(rows: Row[], indexes: number[]): boolean {
  const seen = new Set<unknown>();
  for (const row of rows) {
    let key: unknown;
    if (indexes.length === 1) {
      key = row[indexes[0]];
      if (key === null || key === undefined) continue;
      if (typeof key === 'bigint') key = Number.isSafeInteger(Number(key)) ? Number(key) : key;
      else if (typeof key !== 'number' && typeof key !== 'string') key = keyText(key);
    } else {
      if (indexes.some((i) => row[i] === null || row[i] === undefined)) continue;
      // JSON of the parts: unambiguous whatever the values contain.
      key = JSON.stringify(indexes.map((i) => keyText(typeof row[i] === 'bigint' ? Number(row[i]) : row[i])));
    }
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}
