import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Input } from '../../../src-main/engine/component';
import { connectMysql, runSql } from '../../mysql/connection';
import { mysqlInput } from '../../mysql/spec';
import { postgresqlInput } from '../../postgresql/spec';
import { sqliteInput } from '../../sqlite/spec';
import { tempContext, testContext } from '../test-support';

/*
 * The SQL inputs' lanes and watermarks against the real servers: `query.split_key` reads every
 * row exactly once across lanes (skewed keys, NULL keys), falls back to one lane with a reason,
 * and `incremental` reads only rows past the stored watermark, up to the maximum at the start.
 */

const db = `fustgo_test_lanes_${randomBytes(4).toString('hex')}`;
const ROWS = 20_000;
const pgConnection = { host: '127.0.0.1', port: 5432, database: db, username: 'postgres' };
const myConnection = { host: '127.0.0.1', port: 3306, database: db, username: 'root' };
let pgAdmin: Client;
let pg: Client;

/** Skewed keys: most rows have small ids, a few are huge; some have no key at all. */
function idOf(i: number): string {
  if (i % 1000 === 999) return 'NULL';
  return i < ROWS - 50 ? String(i) : String(1_000_000_000 + i);
}

const insertValues = (from: number, to: number) =>
  Array.from(
    { length: to - from },
    (_, k) =>
      `(${idOf(from + k)}, 'row ${from + k}', TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '${from + k}' SECOND)`,
  ).join(', ');

/** Reads every lane the input plans, concurrently, as the engine would. */
async function readAllLanes(
  input: Input,
  channels: number,
): Promise<{ lanes: number; note?: string; labels: string[] }> {
  const plan = await input.plan(channels);
  const signal = new AbortController().signal;
  const perLane = await Promise.all(
    Array.from({ length: plan.lanes }, async (_, lane) => {
      const labels: string[] = [];
      for await (const batch of input.read(lane, plan.lanes, signal)) {
        const at = batch.columns.findIndex((c) => c.name === 'label');
        for (const row of batch.rows) labels.push(String(row[at]));
      }
      return labels;
    }),
  );
  await input.close?.();
  return { lanes: plan.lanes, note: plan.note, labels: perLane.flat() };
}

function expectEachOnce(labels: string[], count: number): void {
  expect(labels).toHaveLength(count);
  expect(new Set(labels).size).toBe(count);
}

beforeAll(async () => {
  pgAdmin = new Client({ ...pgConnection, user: 'postgres', database: 'postgres' });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${db}`);
  pg = new Client({ ...pgConnection, user: 'postgres' });
  await pg.connect();
  await pg.query('CREATE TABLE items (id bigint, label text, updated_at timestamp(6))');
  await pg.query(`INSERT INTO items VALUES ${insertValues(0, ROWS)}`);
  await pg.query('ANALYZE items');

  const my = await connectMysql({ ...myConnection, database: 'mysql' });
  try {
    await runSql(my, `CREATE DATABASE ${db}`);
    await runSql(my, `CREATE TABLE ${db}.items (id BIGINT, label VARCHAR(40), updated_at DATETIME(6))`);
    await runSql(my, `INSERT INTO ${db}.items VALUES ${insertValues(0, ROWS)}`);
  } finally {
    my.destroy();
  }
}, 60_000);

afterAll(async () => {
  await pg?.end();
  await pgAdmin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await pgAdmin?.end();
  const my = await connectMysql({ ...myConnection, database: 'mysql' });
  await runSql(my, `DROP DATABASE IF EXISTS ${db}`);
  my.destroy();
});

describe.each([
  { name: 'postgresql', spec: postgresqlInput, connection: pgConnection, snapshot: 'lanes share' },
  { name: 'mysql', spec: mysqlInput, connection: myConnection, snapshot: 'its own snapshot' },
])('$name input lanes and watermarks', ({ spec, connection }) => {
  it('splits by split_key into lanes that read every row exactly once, skewed keys by quantiles', async () => {
    const input = await spec.create(
      { connection, query: { table: 'items', split_key: 'id' }, fetch: { size: 700 } },
      testContext(),
    );
    const { lanes, note, labels } = await readAllLanes(input, 4);
    expect(lanes).toBe(4);
    expect(note).toMatch(/split_key id: 4 lanes by sampled quantiles/);
    expectEachOnce(labels, ROWS);
  });

  it('keeps the filter inside every lane', async () => {
    const input = await spec.create(
      { connection, query: { table: 'items', split_key: 'id', filter: 'id < 1000' } },
      testContext(),
    );
    const { lanes, labels } = await readAllLanes(input, 3);
    expect(lanes).toBe(3);
    expectEachOnce(labels, 999);
  });

  it('reads in one lane, and says why, when the key cannot split the table', async () => {
    const text = await spec.create(
      { connection, query: { table: 'items', split_key: 'label' } },
      testContext(),
    );
    const byText = await readAllLanes(text, 4);
    expect(byText.lanes).toBe(1);
    expect(byText.note).toMatch(/split_key label is not an integer column.*: reading in one lane/);
    expectEachOnce(byText.labels, ROWS);

    const none = await spec.create({ connection, query: { table: 'items' } }, testContext());
    expect((await readAllLanes(none, 2)).note).toBe('query.split_key is not set: reading in one lane');
  });

  it('reads only rows past the watermark, up to the maximum when the run started', async () => {
    const config = { connection, query: { table: 'items' }, incremental: { column: 'updated_at' } };
    const first = await spec.create(config, testContext());
    const all = await readAllLanes(first, 1);
    expectEachOnce(all.labels, ROWS);
    const watermark = first.watermark?.();
    // The database's own text, microseconds included.
    expect(watermark).toMatch(/^2024-01-01 05:33:19(\.000000)?$/);

    const second = await spec.create(config, { ...testContext(), watermark });
    const nothing = await readAllLanes(second, 1);
    expect(nothing.labels).toEqual([]);
    expect(nothing.note).toContain(`no rows past the watermark updated_at > ${watermark}`);
    expect(second.watermark?.()).toBe(watermark);

    const later = await spec.create(
      { ...config, incremental: { column: 'updated_at', initial: '2024-01-01 05:33:10' } },
      testContext(),
    );
    expect((await readAllLanes(later, 1)).labels).toEqual(
      Array.from({ length: 9 }, (_, k) => `row ${ROWS - 9 + k}`),
    );
  });

  it('refuses a watermark that is not plain date or number text', async () => {
    const input = await spec.create(
      { connection, query: { table: 'items' }, incremental: { column: 'id' } },
      { ...testContext(), watermark: "1' OR '1'='1" },
    );
    await expect(input.plan(1)).rejects.toThrow(/is not a plain number, date or time/);
  });
});

describe('sqlite input lanes and watermarks', () => {
  it('reads incrementally, and in one lane whatever the channels', async () => {
    const { dir, ctx, dispose } = tempContext('sqlite-lanes');
    try {
      const file = join(dir, 'shop.db');
      const sqlite = new Database(file);
      sqlite.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT)');
      const insert = sqlite.prepare('INSERT INTO items VALUES (?, ?)');
      for (let i = 1; i <= 100; i++) insert.run(i, `row ${i}`);
      const config = {
        path: 'shop.db',
        query: { table: 'items', split_key: 'id' },
        incremental: { column: 'id' },
      };
      const first = await sqliteInput.create(config, ctx);
      const read = await readAllLanes(first, 4);
      expect(read.lanes).toBe(1);
      expect(read.note).toContain('a SQLite database is read in one lane');
      expectEachOnce(read.labels, 100);
      expect(first.watermark?.()).toBe('100');

      insert.run(101, 'row 101');
      sqlite.close();
      const second = await sqliteInput.create(config, { ...ctx, watermark: '100' });
      expect((await readAllLanes(second, 1)).labels).toEqual(['row 101']);
      expect(second.watermark?.()).toBe('101');
    } finally {
      dispose();
    }
  });
});
