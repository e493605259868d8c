import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { andConditions, rangeCondition, type KeyRange } from '../shared/sql/key-ranges';
import { planKeyRanges } from './split';

/*
 * planKeyRanges against the local PostgreSQL: balanced ranges for even and skewed keys (page
 * sampling and the hash sample of a view), every row in exactly one range, NULL keys in the
 * last, and a reason for keys that cannot split.
 */

const DB = `fustgo_test_split_${randomBytes(4).toString('hex')}`;
let admin: Client;
let client: Client;

beforeAll(async () => {
  admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB });
  await client.connect();
  await client.query(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.even (id int4 PRIMARY KEY, qty int4);
    INSERT INTO sales.even SELECT n, n % 10 FROM generate_series(1, 50000) n;
    -- 90% of the rows in 1..45000, the rest spread up to five billion: even ranges would be lopsided.
    CREATE TABLE skewed (id int8, created_at timestamptz DEFAULT now(), note text);
    INSERT INTO skewed (id) SELECT n FROM generate_series(1, 45000) n;
    INSERT INTO skewed (id) SELECT n::int8 * 1000000 FROM generate_series(1, 5000) n;
    INSERT INTO skewed (id) SELECT NULL FROM generate_series(1, 7);
    CREATE VIEW skewed_view AS SELECT * FROM skewed;
    CREATE DOMAIN order_id AS int8;
    CREATE TABLE with_domain (id order_id);
    INSERT INTO with_domain VALUES (1), (2), (3);
    CREATE TABLE empty (id int4);
    ANALYZE;
  `);
});

afterAll(async () => {
  await client?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin?.end();
});

/** Rows each range reads, counted by PostgreSQL through the ranges' own conditions. */
async function rowsPerRange(table: string, ranges: KeyRange[], filter?: string): Promise<number[]> {
  const counts: number[] = [];
  for (const range of ranges) {
    const result = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${table} WHERE ${andConditions(filter, rangeCondition(range, '"id"'))}`,
    );
    counts.push(Number(result.rows[0].n));
  }
  return counts;
}

const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

describe('planKeyRanges (PostgreSQL)', () => {
  it('splits evenly spread keys into even ranges of a schema-qualified table', async () => {
    const plan = await planKeyRanges(client, { table: 'sales.even', key: 'id', parts: 4, sampleSize: 2000 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('even');
    expect(plan.rows).toBe(50000);
    expect(await rowsPerRange('sales.even', plan.ranges)).toEqual([12500, 12500, 12500, 12500]);
  });

  it('balances skewed keys with a page sample, NULL keys read by the last range', async () => {
    const plan = await planKeyRanges(client, { table: 'skewed', key: 'id', parts: 4, sampleSize: 2000 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('quantile');
    const counts = await rowsPerRange('skewed', plan.ranges);
    expect(total(counts)).toBe(50007);
    for (const n of counts) expect(n).toBeGreaterThan(50007 * 0.15);
    for (const n of counts) expect(n).toBeLessThan(50007 * 0.35);
    const nulls = await client.query(
      `SELECT count(*)::int AS n FROM skewed WHERE ${rangeCondition(plan.ranges.at(-1)!, '"id"')} AND id IS NULL`,
    );
    expect(nulls.rows[0].n).toBe(7);
  });

  it('samples a share of the pages of a large table, still balanced', async () => {
    await client.query(`
      CREATE TABLE large (id int8 PRIMARY KEY, pad int4);
      INSERT INTO large SELECT n, 0 FROM generate_series(1, 1350000) n;
      INSERT INTO large SELECT 10000000 + n * 1000, 0 FROM generate_series(1, 150000) n;
      ANALYZE large;
    `);
    const pages = await client.query<{ n: number }>(
      "SELECT relpages AS n FROM pg_class WHERE relname = 'large'",
    );
    // More pages than MIN_SAMPLE_PAGES: only a share of them is read.
    expect(pages.rows[0].n).toBeGreaterThan(5000);
    const plan = await planKeyRanges(client, { table: 'large', key: 'id', parts: 8 });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.method).toBe('quantile');
    const counts = await rowsPerRange('large', plan.ranges);
    expect(total(counts)).toBe(1500000);
    for (const n of counts) expect(Math.abs(n - 1500000 / 8)).toBeLessThan(1500000 / 8 / 5);
  });

  it('samples a view (no TABLESAMPLE) by key hash, and honours the filter', async () => {
    const filter = 'id % 2 = 0';
    const plan = await planKeyRanges(client, {
      table: 'skewed_view',
      key: 'id',
      filter,
      parts: 3,
      sampleSize: 1000,
    });
    if (!plan.ranges) throw new Error(plan.reason);
    expect(plan.rows).toBe(22500 + 5000);
    const counts = await rowsPerRange('skewed_view', plan.ranges, filter);
    expect(total(counts)).toBe(27500);
    for (const n of counts) expect(n).toBeGreaterThan(27500 * 0.2);
  });

  it('reads every key exactly when there are fewer than the sample size', async () => {
    const plan = await planKeyRanges(client, { table: 'with_domain', key: 'id', parts: 8 });
    expect(plan).toEqual({
      ranges: [
        { index: 0, to: 2n },
        { index: 1, from: 2n, to: 3n },
        { index: 2, from: 3n },
      ],
      method: 'even',
      rows: 3,
    });
    expect(await planKeyRanges(client, { table: 'empty', key: 'id', parts: 4 })).toEqual({
      ranges: [{ index: 0 }],
      method: 'single',
      rows: 0,
    });
  });

  it('says why a key cannot split the table', async () => {
    expect(await planKeyRanges(client, { table: 'skewed', key: 'created_at', parts: 4 })).toEqual({
      ranges: null,
      reason: 'split_key created_at is not an integer column (timestamp with time zone)',
    });
    expect(
      await planKeyRanges(client, { table: 'skewed', key: 'nope', parts: 4, label: 'conflict.key' }),
    ).toEqual({
      ranges: null,
      reason: 'conflict.key nope is not a column of table skewed',
    });
    expect(await planKeyRanges(client, { table: 'missing', key: 'id', parts: 4 })).toEqual({
      ranges: null,
      reason: 'table missing was not found',
    });
  });
});
