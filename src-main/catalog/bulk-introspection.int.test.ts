import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlIntrospector } from '../../connectors/mysql/introspect';
import { PostgresIntrospector } from '../../connectors/postgresql/introspect';
import type { Introspector } from '../../connectors/shared/sql/introspection';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  type TestDatabases,
  type TestTarget,
} from '../../connectors/shared/sql/test-databases';
import { SqliteIntrospector } from '../../connectors/sqlite/introspect';

/*
 * The connectors' catalog-wide reads the scanner uses: `describeTables` must describe every table
 * exactly as `describeTable` does one by one, and `tableMarkers` must change for an altered table
 * and for it only.
 */

const DB = `fustgo_test_bulk_${randomBytes(4).toString('hex')}`;
let dbs: TestDatabases | undefined;
let dir: string;

const SCHEMAS: Record<TestTarget, { database: string; setup: string[]; alter: string }> = {
  postgresql: {
    database: 'public',
    setup: [
      `CREATE TABLE customers (region text, code varchar(20), email varchar(200), PRIMARY KEY (region, code))`,
      `COMMENT ON TABLE customers IS 'Who buys'`,
      'CREATE UNIQUE INDEX customers_email_key ON customers (email)',
      `CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, region text NOT NULL,
         code varchar(20) NOT NULL, total numeric(12,2) DEFAULT 0, placed_at timestamptz(3) DEFAULT now(),
         cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED,
         FOREIGN KEY (region, code) REFERENCES customers ON DELETE CASCADE)`,
      `COMMENT ON COLUMN orders.total IS 'Gross'`,
      'CREATE INDEX orders_placed_idx ON orders (placed_at)',
      'CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100',
    ],
    alter: `COMMENT ON COLUMN orders.total IS 'Gross, in euros'`,
  },
  mysql: {
    database: DB,
    setup: [
      `CREATE TABLE customers (region varchar(10), code varchar(20), email varchar(200),
         PRIMARY KEY (region, code), UNIQUE KEY customers_email_key (email)) COMMENT 'Who buys'`,
      `CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, region varchar(10) NOT NULL,
         code varchar(20) NOT NULL, total decimal(12,2) DEFAULT 0 COMMENT 'Gross',
         placed_at datetime(3) DEFAULT current_timestamp(3),
         cents bigint GENERATED ALWAYS AS (total * 100) STORED, KEY orders_placed_idx (placed_at),
         FOREIGN KEY (region, code) REFERENCES customers (region, code) ON DELETE CASCADE)`,
      'CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100',
    ],
    alter: `ALTER TABLE orders MODIFY total decimal(12,2) DEFAULT 0 COMMENT 'Gross, in euros'`,
  },
  sqlite: {
    database: 'main',
    setup: [
      `CREATE TABLE customers (region TEXT, code VARCHAR(20), email VARCHAR(200), PRIMARY KEY (region, code))`,
      'CREATE UNIQUE INDEX customers_email_key ON customers (email)',
      `CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT NOT NULL, code VARCHAR(20) NOT NULL,
         total DECIMAL(12,2) DEFAULT 0, cents INTEGER GENERATED ALWAYS AS (total * 100) STORED,
         FOREIGN KEY (region, code) REFERENCES customers ON DELETE CASCADE)`,
      'CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100',
    ],
    alter: 'CREATE INDEX orders_total_idx ON orders (total)',
  },
};

function introspectorFor(target: TestTarget): Introspector {
  if (target === 'postgresql')
    return new PostgresIntrospector({ host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' });
  if (target === 'mysql')
    return new MysqlIntrospector({ host: '127.0.0.1', port: 3306, database: DB, username: 'root' });
  return new SqliteIntrospector(join(dir, 'shop.db'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-bulk-'));
  dbs = await createTestDatabases(DB);
});

afterAll(async () => {
  await dropTestDatabases(DB, dbs ?? {});
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['postgresql', 'mysql', 'sqlite'] as const)('catalog-wide reads of %s', (target) => {
  const { database, setup, alter } = SCHEMAS[target];

  it('describes every table as describing them one by one does, or only the named ones', async () => {
    if (!dbs) throw new Error('no test databases');
    await execOn(dbs, join(dir, 'shop.db'), target, ...setup);
    const introspector = introspectorFor(target);
    try {
      const tables = await introspector.listTables(database);
      const one = [];
      for (const t of tables)
        one.push(await introspector.describeTable(t.schema ? `${t.schema}.${t.name}` : t.name));
      const all = await introspector.describeTables?.(database);
      expect(all).toEqual(one);
      expect(all?.map((s) => s.table.name)).toEqual(['big_orders', 'customers', 'orders']);
      const some = await introspector.describeTables?.(database, ['orders', 'no_such_table']);
      expect(some).toEqual([one[2]]);
      expect(await introspector.describeTables?.(database, [])).toEqual([]);
    } finally {
      await introspector.close();
    }
  });

  it('gives per-table markers that change for an altered table only', async () => {
    if (!dbs) throw new Error('no test databases');
    const introspector = introspectorFor(target);
    try {
      const before = await introspector.tableMarkers?.(database);
      expect([...(before?.tables.keys() ?? [])].sort()).toEqual(['big_orders', 'customers', 'orders']);
      // MariaDB's CREATE_TIME is in whole seconds: let the alteration fall in a later one.
      if (target === 'mysql') await new Promise((resolve) => setTimeout(resolve, 1100));
      await execOn(dbs, join(dir, 'shop.db'), target, alter);
      const after = await introspector.tableMarkers?.(database);
      const changed = ['big_orders', 'customers', 'orders'].filter(
        (t) => before?.tables.get(t)?.signature !== after?.tables.get(t)?.signature,
      );
      expect(changed).toEqual(['orders']);
      if (target === 'mysql') {
        expect(after?.asOf).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const changedAt = after?.tables.get('orders')?.changedAt ?? '';
        expect(changedAt > (before?.asOf ?? '~'), `${changedAt} after ${before?.asOf}`).toBe(true);
      }
    } finally {
      await introspector.close();
    }
  });
});
