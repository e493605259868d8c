import type { Column, Row } from '../../../src-main/engine/batch';

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
 * Refuses a row with a NULL key column: replace could not find the row it replaces (NULL equals
 * nothing), and keeping one row per key would silently merge such rows.
 */
export function refuseNullKeys(rows: Row[], indexes: number[], key: string[]): void {
  for (const row of rows) {
    const at = indexes.findIndex((i) => row[i] === null || row[i] === undefined);
    if (at >= 0)
      throw new Error(`replace cannot identify a row whose conflict.key column "${key[at]}" is NULL`);
  }
}
