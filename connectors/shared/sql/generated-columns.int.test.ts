import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Column } from '../../../src-main/engine/batch';
import { silentLogger, type ComponentContext, type Output } from '../../../src-main/engine/component';
import { mysqlOutput } from '../../mysql/spec';
import { postgresqlOutput } from '../../postgresql/spec';
import { sqliteOutput } from '../../sqlite/spec';
import { createTestDatabases, dropTestDatabases, execOn, rowsOn, type TestTarget } from './test-databases';
import { tempContext } from '../test-support';
import type { SqlConnection } from './config';
import { columnsWithout, withoutColumns } from './skip-columns';

/*
 * The SQL writers leave the target's generated columns out of what they write, so the database
 * computes them (rather than refusing the rows), say so once in the run log, and keep rejected
 * rows' indexes pointing at the incoming batch.
 */

type Target = TestTarget;
const TARGETS: Target[] = ['postgresql', 'mysql', 'sqlite'];
const MODES = ['insert', 'upsert', 'merge'] as const;

const suffix = randomBytes(4).toString('hex');
const DB = `fustgo_test_generated_${suffix}`;
const pgConnection: SqlConnection = { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' };
const myConnection: SqlConnection = { host: '127.0.0.1', port: 3306, database: DB, username: 'root' };
const temp = tempContext('generated');
const SQLITE_FILE = path.join(temp.dir, 'generated.db');
const logged: string[] = [];
const ctx: ComponentContext = { ...temp.ctx, logger: { ...silentLogger, info: (msg) => logged.push(msg) } };

let pg: Client;
let my: Connection;

beforeAll(async () => {
  ({ pg, my } = await createTestDatabases(DB));
});

afterAll(async () => {
  await dropTestDatabases(DB, { pg, my });
  temp.dispose();
});

const exec = (target: Target, ...statements: string[]) =>
  execOn({ pg, my }, SQLITE_FILE, target, ...statements);
const rowsOf = (target: Target, sql: string) => rowsOn({ pg, my }, SQLITE_FILE, target, sql);

/** `total` computed from qty * price: STORED on PostgreSQL (its only kind), VIRTUAL elsewhere. */
const GENERATED: Record<Target, string> = {
  postgresql: 'NUMERIC(12,2) GENERATED ALWAYS AS (qty * price) STORED',
  mysql: 'DECIMAL(12,2) GENERATED ALWAYS AS (qty * price) VIRTUAL',
  sqlite: 'NUMERIC GENERATED ALWAYS AS (qty * price) VIRTUAL',
};

async function output(target: Target, table: string, mode: string): Promise<Output> {
  const write = { table, mode, create_table: false };
  const conflict = { key: ['id'] };
  if (target === 'postgresql')
    return postgresqlOutput.create(
      { connection: pgConnection, write, conflict } as Parameters<typeof postgresqlOutput.create>[0],
      ctx,
    );
  if (target === 'mysql')
    return mysqlOutput.create(
      { connection: myConnection, write, conflict } as Parameters<typeof mysqlOutput.create>[0],
      ctx,
    );
  return sqliteOutput.create(
    { path: SQLITE_FILE, write, conflict } as Parameters<typeof sqliteOutput.create>[0],
    ctx,
  );
}

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'int' },
  { name: 'price', type: 'decimal' },
  { name: 'total', type: 'decimal' },
];

describe('withoutColumns', () => {
  it('leaves the named columns out, keeping row order and one columns array per shape', () => {
    const names = ['total'];
    const batch: Batch = {
      columns,
      rows: [
        [1, 2, '2.50', '99'],
        [2, 3, '1.00', '99'],
      ],
      checkpoint: { at: 2 },
    };
    const projected = withoutColumns(batch, names);
    expect(projected.columns.map((c) => c.name)).toEqual(['id', 'qty', 'price']);
    expect(projected.rows).toEqual([
      [1, 2, '2.50'],
      [2, 3, '1.00'],
    ]);
    expect(projected.checkpoint).toEqual({ at: 2 });
    expect(withoutColumns({ columns, rows: [] }, names).columns).toBe(projected.columns);
    expect(columnsWithout(columns, names)).toBe(projected.columns);
    expect(withoutColumns(batch, ['TOTAL'])).toBe(batch);
    expect(withoutColumns(batch, ['total'], true).columns).toHaveLength(3);
    expect(withoutColumns(batch, [])).toBe(batch);
    expect(withoutColumns(batch, ['other'])).toBe(batch);
  });
});

describe.each(TARGETS)('%s writer with a generated column in the target', (target) => {
  it.each(MODES)('%s writes the rows and lets the database compute the column', async (mode) => {
    const table = `gen_${mode}`;
    await exec(
      target,
      `CREATE TABLE ${table} (id INT PRIMARY KEY, qty INT NOT NULL, price DECIMAL(10,2), total ${GENERATED[target]})`,
    );
    await exec(target, `INSERT INTO ${table} (id, qty, price) VALUES (1, 1, 1)`);
    const out = await output(target, table, mode);
    const first = mode === 'insert' ? 2 : 1;
    logged.length = 0;
    // A wrong total, and a row the table refuses (qty NOT NULL) between good ones.
    const result = await out.write(
      {
        columns,
        rows: [
          [first, 2, '2.50', '999'],
          [10, null, '1.00', '999'],
          [3, 4, '1.25', '999'],
        ],
      },
      0,
    );
    expect(result?.rejected.map((r) => r.index)).toEqual([1]);
    expect(await out.write({ columns, rows: [[4, 10, '0.50', '-1']] }, 0)).toBeUndefined();
    await out.close();
    const rows = await rowsOf(target, `SELECT id, qty, total FROM ${table} ORDER BY id`);
    expect(rows.map((r) => r.map(Number))).toEqual([
      [1, mode === 'insert' ? 1 : 2, mode === 'insert' ? 1 : 5],
      ...(mode === 'insert' ? [[2, 2, 5]] : []),
      [3, 4, 5],
      [4, 10, 5],
    ]);
    expect(logged.filter((line) => line.includes('generated'))).toEqual([
      expect.stringMatching(/^leaving out incoming column "total": it is a generated column of table "gen_/),
    ]);
  });
});
