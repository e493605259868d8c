import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { andConditions, rangeCondition, type KeyRange } from '../shared/sql/key-ranges';
import { connectMysql, runSql, selectValue } from './connection';
import { planKeyRanges } from './split';

/*
 * planKeyRanges against the local MariaDB: balanced ranges for even and skewed keys (every key
 * or a hash sample), every row in exactly one range, NULL keys in the last, and a reason for
 * keys that cannot split.
 */

const DB = `fustgo_test_split_${randomBytes(4).toString('hex')}`;
let connection: Connection;

beforeAll(async () => {
  connection = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  await runSql(connection, `CREATE DATABASE ${DB}`);
  await runSql(connection, `USE ${DB}`);
  for (const sql of [
    'CREATE TABLE even_keys (id INT PRIMARY KEY, qty INT)',
    'INSERT INTO even_keys SELECT seq, seq % 10 FROM seq_1_to_50000',
    // 90% of the rows in 1..45000, the rest spread up to five billion: even ranges would be lopsided.
    'CREATE TABLE skewed (id BIGINT UNSIGNED, created_at DATETIME DEFAULT NOW(), KEY (id))',
    'INSERT INTO skewed (id) SELECT seq FROM seq_1_to_45000',
    'INSERT INTO skewed (id) SELECT seq * 1000000 FROM seq_1_to_5000',
    'INSERT INTO skewed (id) SELECT NULL FROM seq_1_to_7',
    'CREATE TABLE empty (id INT)',
  ])
    await runSql(connection, sql);
});

afterAll(async () => {
  if (!connection) return;
  await runSql(connection, `DROP DATABASE IF EXISTS ${DB}`);
  connection.destroy();
});

async function rowsPerRange(table: string, ranges: KeyRange[], filter?: string): Promise<number[]> {
  const counts: number[] = [];
  for (const range of ranges)
    counts.push(
      Number(
        await selectValue(
          connection,
          `SELECT COUNT(*) FROM ${table} WHERE ${andConditions(filter, rangeCondition(range, '`id`'))}`,
        ),
      ),
    );
  return counts;
}

const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

describe('planKeyRanges (MariaDB)', () => {
  it('splits evenly spread keys into even ranges, the table named with its database', async () => {
    const plan = await planKeyRanges(connection, {
      table: `${DB}.even_keys`,
      key: 'id',
      parts: 4,
      sampleSize: 2000,
    });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('even');
    expect(plan.rows).toBe(50000);
    expect(await rowsPerRange('even_keys', plan.ranges)).toEqual([12500, 12500, 12500, 12500]);
  });

  it('balances skewed keys with a hash sample, NULL keys read by the last range', async () => {
    const plan = await planKeyRanges(connection, { table: 'skewed', key: 'id', parts: 4, sampleSize: 2000 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('quantile');
    const counts = await rowsPerRange('skewed', plan.ranges);
    expect(total(counts)).toBe(50007);
    for (const n of counts) expect(Math.abs(n - 50007 / 4)).toBeLessThan(50007 / 4 / 5);
    const last = rangeCondition(plan.ranges.at(-1)!, '`id`');
    expect(
      Number(await selectValue(connection, `SELECT COUNT(*) FROM skewed WHERE ${last} AND id IS NULL`)),
    ).toBe(7);
  });

  it('reads every key when there are few, and honours the filter', async () => {
    const filter = 'id > 44990';
    const plan = await planKeyRanges(connection, { table: 'skewed', key: 'ID', filter, parts: 3 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.rows).toBe(5010);
    const counts = await rowsPerRange('skewed', plan.ranges, filter);
    expect(counts).toEqual([1676, 1667, 1667]);
    expect(await planKeyRanges(connection, { table: 'empty', key: 'id', parts: 4 })).toEqual({
      ranges: [{ index: 0 }],
      method: 'single',
      rows: 0,
    });
  });

  it('says why a key cannot split the table', async () => {
    expect(await planKeyRanges(connection, { table: 'skewed', key: 'created_at', parts: 4 })).toEqual({
      ranges: null,
      reason: 'split_key created_at is not an integer column (datetime)',
    });
    expect(await planKeyRanges(connection, { table: 'skewed', key: 'nope', parts: 4 })).toEqual({
      ranges: null,
      reason: 'split_key nope is not a column of table skewed',
    });
    expect(await planKeyRanges(connection, { table: 'missing', key: 'id', parts: 4 })).toEqual({
      ranges: null,
      reason: 'table missing was not found',
    });
  });
});
