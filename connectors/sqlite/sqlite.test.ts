import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { ComponentContext } from '../../src-main/engine/component';
import { readInput, tempContext } from '../shared/test-support';
import { sqliteInput, sqliteOutput } from './spec';
import { logicalFromDeclared, SQLITE_TYPES } from './types';
import { isSqliteDataError } from './writer';

let dir: string;
let ctx: ComponentContext;
let dispose: () => void;
beforeEach(() => ({ dir, ctx, dispose } = tempContext('sqlite')));
afterEach(() => dispose());

type InputConfig = Parameters<typeof sqliteInput.create>[0];

async function readAll(config: InputConfig): Promise<{ columns: Column[]; rows: Row[]; batches: Batch[] }> {
  return readInput(await sqliteInput.create(config, ctx), ctx);
}

function seedShop(): void {
  const db = new Database(path.join(dir, 'shop.db'));
  db.exec(
    `CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(10,2), active BOOLEAN, added DATETIME, big BIGINT)`,
  );
  const insert = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 2500; i++)
      insert.run(i, `p${i}`, '9.5', i % 2, '2024-01-02T03:04:05.000Z', 9007199254740993n);
  })();
  db.close();
}

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'decimal' },
  { name: 'active', type: 'bool' },
  { name: 'at', type: 'timestamp' },
  { name: 'meta', type: 'json' },
];

describe('sqlite connector', () => {
  it('maps declared types to logical types and back', () => {
    expect(
      [
        'INTEGER',
        'BIGINT',
        'VARCHAR(20)',
        'DECIMAL(10,2)',
        'BOOLEAN',
        'DATETIME',
        'DOUBLE',
        'BLOB',
        'JSON',
      ].map(logicalFromDeclared),
    ).toEqual(['int', 'bigint', 'string', 'decimal', 'bool', 'timestamp', 'float', 'bytes', 'json']);
    for (const [logical, declared] of Object.entries(SQLITE_TYPES)) {
      const back = logicalFromDeclared(declared);
      expect(back === logical || (logical === 'timestamptz' && back === 'timestamp')).toBe(true);
    }
  });

  it('reads a table in batches with typed values, and a filtered column subset', async () => {
    seedShop();
    const input = await sqliteInput.create({ path: 'shop.db', query: { table: 'products' } }, ctx);
    expect(await input.estimateTotal?.()).toBe(2500);
    await input.close?.();
    const { columns: cols, rows, batches } = await readAll({ path: 'shop.db', query: { table: 'products' } });
    expect(cols.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:int',
      'name:string',
      'price:decimal',
      'active:bool',
      'added:timestamp',
      'big:bigint',
    ]);
    expect(batches.map((b) => b.rows.length)).toEqual([1000, 1000, 500]);
    expect(batches[1].columns).toBe(batches[0].columns);
    expect(rows[0]).toEqual([1, 'p1', '9.5', true, new Date('2024-01-02T03:04:05Z'), 9007199254740993n]);

    const filtered = await readAll({
      path: 'shop.db',
      query: { table: 'products', columns: ['id', 'name'], filter: 'id <= 3 AND active = 1' },
    });
    expect(filtered.rows).toEqual([
      [1, 'p1'],
      [3, 'p3'],
    ]);
  });

  it('reads a SQL query, typing expression columns from their values', async () => {
    seedShop();
    const { columns: cols, rows } = await readAll({
      path: 'shop.db',
      query: {
        sql: 'SELECT active, COUNT(*) AS n, AVG(id) + 0.5 AS mean FROM products GROUP BY active ORDER BY active',
      },
      fetch: { size: 1 },
    });
    expect(cols.map((c) => `${c.name}:${c.type}`)).toEqual(['active:bool', 'n:int', 'mean:float']);
    expect(rows).toEqual([
      [false, 1250, 1251.5],
      [true, 1250, 1250.5],
    ]);
  });

  it('creates the table, upserts twice without duplicates, and round-trips values', async () => {
    const config = {
      path: 'out/w.db',
      write: { table: 'items', mode: 'upsert' as const, batch_size: 2 },
      conflict: { key: ['id'] },
    };
    const first: Row[] = [
      [1, 'a', '10.10', true, new Date('2024-05-01T00:00:00Z'), { tags: ['x'] }],
      [2, 'b', '20.00', false, null, null],
      [3, 'c', '0.30', true, null, [1, 2]],
    ];
    for (const rows of [first, [[2, 'b2', '20.50', true, null, null] as Row]]) {
      const output = await sqliteOutput.create(config, ctx);
      await output.write({ columns, rows }, 0);
      expect(await output.close()).toBeUndefined();
    }
    const db = new Database(path.join(dir, 'out/w.db'), { readonly: true });
    const ddl = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'items'").get() as { sql: string })
      .sql;
    expect(ddl).toContain('"price" DECIMAL TEXT');
    expect(ddl).toContain('PRIMARY KEY ("id")');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const { rows } = await readAll({ path: 'out/w.db', query: { sql: 'SELECT * FROM items ORDER BY id' } });
    expect(rows).toEqual([
      [1, 'a', '10.10', true, new Date('2024-05-01T00:00:00Z'), { tags: ['x'] }],
      [2, 'b2', '20.50', true, null, null],
      [3, 'c', '0.30', true, null, [1, 2]],
    ]);
  });

  it('says what is wrong: missing table without create_table, upsert without a key', async () => {
    const output = await sqliteOutput.create(
      { path: 'x.db', write: { table: 't', create_table: false } },
      ctx,
    );
    await expect(output.write({ columns, rows: [[1, 'a', '1', true, null, null]] }, 0)).rejects.toThrow(
      'table "t" does not exist',
    );
    expect(await output.close(new Error('run failed'))).toBe(
      `0 rows were committed to table "t" in ${path.join(dir, 'x.db')} before the run stopped`,
    );
    expect(() => sqliteOutput.create({ path: 'x.db', write: { table: 't', mode: 'upsert' } }, ctx)).toThrow(
      'upsert needs the key',
    );
    await expect(readAll({ path: 'missing.db', query: { table: 't' } })).rejects.toThrow(
      `cannot open SQLite database ${path.join(dir, 'missing.db')}`,
    );
  });

  it('rejects the rows the database refuses and writes the others', async () => {
    const db = new Database(path.join(dir, 'strict.db'));
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, big BIGINT)');
    db.close();
    const output = await sqliteOutput.create(
      { path: 'strict.db', write: { table: 't', create_table: false, batch_size: 3 } },
      ctx,
    );
    const cols: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
      { name: 'big', type: 'bigint' },
    ];
    const rows: Row[] = [
      [1, 'a', 1n],
      [2, null, 1n],
      [3, 'c', 2n ** 70n],
      [1, 'again', 1n],
      [5, 'e', 1n],
    ];
    expect(await output.write({ columns: cols, rows }, 0)).toEqual({
      rejected: [
        { index: 1, error: 'NOT NULL constraint failed: t.name' },
        { index: 2, error: 'The bound string, buffer, or bigint is too big' },
        { index: 3, error: 'UNIQUE constraint failed: t.id' },
      ],
    });
    expect(await output.close()).toBeUndefined();
    const back = new Database(path.join(dir, 'strict.db'), { readonly: true });
    expect(back.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual([1, 5]);
    back.close();
    expect(isSqliteDataError(new RangeError('Too few parameter values were provided'))).toBe(false);
    expect(isSqliteDataError(Object.assign(new Error('no such table: t'), { code: 'SQLITE_ERROR' }))).toBe(
      false,
    );
    expect(isSqliteDataError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_CHECK' }))).toBe(true);
  });
});
