import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { andConditions, rangeCondition, type KeyRange } from '../shared/sql/key-ranges';
import { planKeyRanges } from './split';

/*
 * planKeyRanges on SQLite: balanced ranges for even and skewed keys, every row in exactly one
 * range, NULL keys in the last, and a reason for keys that cannot split.
 */

let db: Database.Database;

beforeAll(() => {
  db = new Database(':memory:');
  db.exec(`
    CREATE TABLE even_keys (id INTEGER PRIMARY KEY, qty INTEGER);
    WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 50000) INSERT INTO even_keys SELECT n, n % 10 FROM s;
    CREATE TABLE skewed (id BIGINT, created_at DATETIME, code TEXT);
    WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 45000) INSERT INTO skewed (id) SELECT n FROM s;
    WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000) INSERT INTO skewed (id) SELECT n * 1000000 FROM s;
    INSERT INTO skewed (id) VALUES (NULL), (NULL), (NULL);
    CREATE TABLE mixed (id INTEGER);
    INSERT INTO mixed VALUES (1), (2), ('two');
  `);
});

afterAll(() => db?.close());

function rowsPerRange(table: string, ranges: KeyRange[], filter?: string): number[] {
  return ranges.map(
    (range) =>
      db
        .prepare(
          `SELECT count(*) FROM ${table} WHERE ${andConditions(filter, rangeCondition(range, '"id"'))}`,
        )
        .pluck()
        .get() as number,
  );
}

describe('planKeyRanges (SQLite)', () => {
  it('splits evenly spread keys into even ranges', async () => {
    const plan = await planKeyRanges(db, { table: 'even_keys', key: 'id', parts: 4, sampleSize: 2000 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('even');
    expect(rowsPerRange('even_keys', plan.ranges)).toEqual([12500, 12500, 12500, 12500]);
  });

  it('balances skewed keys with a hash sample, NULL keys read by the last range', async () => {
    const plan = await planKeyRanges(db, { table: 'skewed', key: 'id', parts: 4, sampleSize: 2000 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('quantile');
    expect(plan.rows).toBe(50003);
    const counts = rowsPerRange('skewed', plan.ranges);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50003);
    for (const n of counts) expect(Math.abs(n - 50003 / 4)).toBeLessThan(50003 / 4 / 5);
    const last = rangeCondition(plan.ranges.at(-1)!, '"id"');
    expect(db.prepare(`SELECT count(*) FROM skewed WHERE ${last} AND id IS NULL`).pluck().get()).toBe(3);
  });

  it('honours the filter', async () => {
    const plan = await planKeyRanges(db, { table: 'skewed', key: 'id', filter: 'id > 44990', parts: 3 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(rowsPerRange('skewed', plan.ranges, 'id > 44990')).toEqual([1676, 1667, 1667]);
  });

  it('says why a key cannot split the table', async () => {
    expect(await planKeyRanges(db, { table: 'skewed', key: 'created_at', parts: 4 })).toEqual({
      ranges: null,
      reason: 'split_key created_at is not an integer column (DATETIME)',
    });
    expect(await planKeyRanges(db, { table: 'mixed', key: 'id', parts: 2 })).toEqual({
      ranges: null,
      reason: 'split_key id holds values that are not integers',
    });
    expect(await planKeyRanges(db, { table: 'skewed', key: 'nope', parts: 2 })).toEqual({
      ranges: null,
      reason: 'split_key nope is not a column of table skewed',
    });
    expect(await planKeyRanges(db, { table: 'missing', key: 'id', parts: 2 })).toEqual({
      ranges: null,
      reason: 'table missing was not found',
    });
  });
});
