import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  type TestDatabases,
  type TestTarget,
} from '../../connectors/shared/sql/test-databases';
import type { ScanChanges, ScanLog } from '../../src-shared/api/catalog-model';
import { openCatalogHarness, type CatalogHarness } from './test-support';

/*
 * Scans of real databases (the local PostgreSQL and MariaDB, a SQLite file) through saved
 * connections: the first scan after saving, an incremental one after altering, dropping and
 * adding tables, which must report exactly those changes and read only those tables, and scans
 * that fail (unreachable server, wrong password) with the reason stored and no password anywhere.
 */

const DB = `fustgo_test_catalog_${randomBytes(4).toString('hex')}`;
/** A MariaDB user that sees only the test database (root would scan every database on the server). */
const MY_USER = `${DB}_u`.slice(0, 32);
const MY_PASSWORD = 'Catalog-S3cret-pw';

interface Case {
  target: TestTarget;
  /** The database / schema holding the tables. */
  database: string;
  /** A table's name as the catalog qualifies it. */
  name: (table: string) => string;
  setup: string[];
  alter: string[];
  /** The type change the alteration makes, where the database can make one. */
  totalChange?: { before: string; after: string };
}

const CASES: Case[] = [
  {
    target: 'postgresql',
    database: 'shop',
    name: (t) => `shop.${t}`,
    setup: [
      'CREATE SCHEMA shop',
      `CREATE TABLE shop.customers (id int PRIMARY KEY, email varchar(200) NOT NULL, region text DEFAULT 'eu')`,
      `COMMENT ON TABLE shop.customers IS 'Who buys'`,
      `COMMENT ON COLUMN shop.customers.email IS 'Contact address'`,
      'CREATE UNIQUE INDEX customers_email_key ON shop.customers (email)',
      `CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id int NOT NULL,
         total numeric(12,2), note text,
         CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE)`,
      'CREATE TABLE shop.legacy (id int)',
      `CREATE VIEW shop.eu_customers AS SELECT id, email FROM shop.customers WHERE region = 'eu'`,
    ],
    alter: [
      'ALTER TABLE shop.orders ADD COLUMN shipped_at timestamptz',
      'ALTER TABLE shop.orders DROP COLUMN note',
      'ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(14,2)',
      'DROP TABLE shop.legacy',
      'CREATE TABLE shop.returns (id int PRIMARY KEY, order_id bigint)',
    ],
    totalChange: { before: 'numeric(12,2)', after: 'numeric(14,2)' },
  },
  {
    target: 'mysql',
    database: DB,
    name: (t) => `${DB}.${t}`,
    setup: [
      `CREATE TABLE customers (id int PRIMARY KEY, email varchar(200) NOT NULL COMMENT 'Contact address',
         region varchar(10) DEFAULT 'eu', UNIQUE KEY customers_email_key (email)) COMMENT 'Who buys'`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, total decimal(12,2), note text,
         CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`,
      'CREATE TABLE legacy (id int)',
      `CREATE VIEW eu_customers AS SELECT id, email FROM customers WHERE region = 'eu'`,
    ],
    alter: [
      'ALTER TABLE orders ADD COLUMN shipped_at datetime, DROP COLUMN note, MODIFY total decimal(14,2)',
      'DROP TABLE legacy',
      'CREATE TABLE returns (id int PRIMARY KEY, order_id bigint)',
    ],
    totalChange: { before: 'decimal(12,2)', after: 'decimal(14,2)' },
  },
  {
    target: 'sqlite',
    database: 'main',
    name: (t) => t,
    setup: [
      `CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, region TEXT DEFAULT 'eu')`,
      'CREATE UNIQUE INDEX customers_email_key ON customers (email)',
      `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL
         REFERENCES customers (id) ON DELETE CASCADE, total DECIMAL(12,2), note TEXT)`,
      'CREATE TABLE legacy (id INTEGER)',
      `CREATE VIEW eu_customers AS SELECT id, email FROM customers WHERE region = 'eu'`,
    ],
    alter: [
      'ALTER TABLE orders ADD COLUMN shipped_at TIMESTAMP',
      'ALTER TABLE orders DROP COLUMN note',
      'DROP TABLE legacy',
      'CREATE TABLE returns (id INTEGER PRIMARY KEY, order_id INTEGER)',
    ],
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dbs: TestDatabases | undefined;
let harness: CatalogHarness;
let sqliteFile: string;

beforeAll(async () => {
  dbs = await createTestDatabases(DB);
  await runSql(dbs.my, `CREATE USER '${MY_USER}'@'%' IDENTIFIED BY '${MY_PASSWORD}'`);
  await runSql(dbs.my, `GRANT ALL PRIVILEGES ON ${DB}.* TO '${MY_USER}'@'%'`);
  harness = await openCatalogHarness();
  sqliteFile = join(harness.dir, 'shop.db');
});

afterAll(async () => {
  await harness?.close();
  if (dbs) await runSql(dbs.my, `DROP USER IF EXISTS '${MY_USER}'@'%'`);
  await dropTestDatabases(DB, dbs ?? {});
});

function connectionConfig(target: TestTarget): { type: string; config: Record<string, unknown> } {
  if (target === 'postgresql')
    return {
      type: 'postgresql',
      config: { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres', password: 'Pg-S3cret-pw' },
    };
  if (target === 'mysql')
    return {
      type: 'mysql',
      config: { host: '127.0.0.1', port: 3306, database: DB, username: MY_USER, password: MY_PASSWORD },
    };
  return { type: 'sqlite', config: { path: sqliteFile } };
}

/** Everything the catalog reported, as text, to look for a secret in. */
function everythingSaid(scan: ScanLog): string {
  return [JSON.stringify(scan), JSON.stringify(harness.events), ...harness.logs].join('\n');
}

const noChanges = (changes: ScanChanges | null) => ({
  added: changes?.tables_added,
  removed: changes?.tables_removed,
  altered: changes?.tables_altered,
});

describe.each(CASES)('catalog scans of $target', (c) => {
  let connectionId: string;

  it('scans a connection as soon as it is saved: databases, tables, views, columns, keys, comments', async () => {
    if (!dbs) throw new Error('no test databases');
    await execOn(dbs, sqliteFile, c.target, ...c.setup);
    // MariaDB keeps change times in whole seconds: the tables must be older than the first scan.
    if (c.target === 'mysql') await sleep(1100);
    const created = await harness.connections.api.createConnection({
      name: `cat-${c.target}`,
      ...connectionConfig(c.target),
    });
    connectionId = created.id;
    const scan = await harness.finishedScan(connectionId);
    expect(scan).toMatchObject({
      status: 'completed',
      triggered_by: 'saved',
      mode: 'incremental',
      level: 3,
      attempts: 1,
    });
    expect(scan.tables_total).toBe(4);
    expect(scan.tables_done).toBe(4);
    expect([...(scan.changes?.tables_added ?? [])].sort()).toEqual(
      ['customers', 'eu_customers', 'legacy', 'orders'].map(c.name),
    );

    const progress = harness.events.filter((e) => e.type === 'catalog_scan' && e.scan_id === scan.id);
    expect(progress.at(-1)).toMatchObject({ status: 'completed', tables_done: 4, tables_total: 4 });

    const databases = await harness.catalog.api.listCatalogDatabases({ connection_id: connectionId });
    const database = databases.find((d) => d.name === c.database);
    expect(database).toMatchObject({ table_count: 3, view_count: 1 });
    const tables = await harness.catalog.api.listCatalogTables({ database_id: database?.id ?? '' });
    expect(tables.map((t) => [t.qualified_name, t.kind, t.column_count])).toEqual([
      [c.name('customers'), 'table', 3],
      [c.name('eu_customers'), 'view', 2],
      [c.name('legacy'), 'table', 1],
      [c.name('orders'), 'table', 4],
    ]);

    const customers = await harness.catalog.api.getCatalogTable({ id: tables[0].id });
    expect(customers.primary_key).toEqual(['id']);
    expect(customers.indexes).toEqual([{ name: 'customers_email_key', columns: ['email'], unique: true }]);
    expect(customers.columns.map((col) => [col.name, col.nullable, col.primary_key_position])).toEqual([
      ['id', false, 1],
      ['email', false, null],
      ['region', true, null],
    ]);
    if (c.target !== 'sqlite') {
      expect(customers.comment).toBe('Who buys');
      expect(customers.columns[1].comment).toBe('Contact address');
    }
    const orders = await harness.catalog.api.getCatalogTable({ id: tables[3].id });
    expect(orders.foreign_keys).toHaveLength(1);
    expect(orders.foreign_keys[0]).toMatchObject({
      columns: ['customer_id'],
      ref_table: 'customers',
      ref_columns: ['id'],
      on_delete: 'CASCADE',
    });
    expect(orders.last_scanned_at).toBe(orders.described_at);
  });

  it('re-scans incrementally: reads only the altered and added tables and reports exactly what changed', async () => {
    if (!dbs) throw new Error('no test databases');
    await execOn(dbs, sqliteFile, c.target, ...c.alter);
    await harness.catalog.api.startCatalogScan({ connection_id: connectionId });
    const scan = await harness.finishedScan(connectionId);
    expect(scan).toMatchObject({ status: 'completed', triggered_by: 'manual', mode: 'incremental' });
    expect(scan.tables_read).toBe(2); // orders (altered) and returns (new); the others skipped
    expect(scan.changes).toEqual({
      databases_added: [],
      databases_removed: [],
      tables_added: [c.name('returns')],
      tables_removed: [c.name('legacy')],
      tables_altered: [
        {
          table: c.name('orders'),
          columns_added: ['shipped_at'],
          columns_removed: ['note'],
          columns_altered: c.totalChange
            ? [{ name: 'total', changes: [{ field: 'type', ...c.totalChange }] }]
            : [],
          changed: [],
        },
      ],
      counts: { tables_added: 1, tables_removed: 1, tables_altered: 1, tables_unchanged: 2 },
    });

    const [database] = (
      await harness.catalog.api.listCatalogDatabases({ connection_id: connectionId })
    ).filter((d) => d.name === c.database);
    const listed = await harness.catalog.api.listCatalogTables({ database_id: database.id });
    expect(listed.map((t) => t.qualified_name)).toEqual(
      ['customers', 'eu_customers', 'orders', 'returns'].map(c.name),
    );
    const withRemoved = await harness.catalog.api.listCatalogTables({
      database_id: database.id,
      include_removed: true,
    });
    expect(withRemoved.find((t) => t.name === 'legacy')?.removed_at).not.toBeNull();
    const orders = await harness.catalog.api.getCatalogTable({ id: listed[2].id });
    expect(orders.columns.map((col) => col.name)).toEqual(['id', 'customer_id', 'total', 'shipped_at']);
  });

  it('finds nothing changed when nothing did, incrementally and in a full scan', async () => {
    await harness.catalog.api.startCatalogScan({ connection_id: connectionId });
    const incremental = await harness.finishedScan(connectionId);
    expect(noChanges(incremental.changes)).toEqual({ added: [], removed: [], altered: [] });
    // MariaDB's change times are whole seconds, so a table altered within the second of the
    // previous scan is read again (and found unchanged); the other databases read nothing.
    if (c.target !== 'mysql') expect(incremental.tables_read).toBe(0);

    await harness.catalog.api.startCatalogScan({ connection_id: connectionId, mode: 'full' });
    const full = await harness.finishedScan(connectionId);
    expect(full).toMatchObject({ status: 'completed', mode: 'full', tables_read: 4 });
    expect(noChanges(full.changes)).toEqual({ added: [], removed: [], altered: [] });
    expect(full.changes?.counts.tables_unchanged).toBe(4);
  });

  it('finds tables and columns by name and comment', async () => {
    const hits = await harness.catalog.api.searchCatalog({ q: 'SHIPPED', connection_id: connectionId });
    expect(hits).toEqual([
      expect.objectContaining({
        kind: 'column',
        table: c.name('orders'),
        column: 'shipped_at',
        matched: 'name',
      }),
    ]);
    if (c.target !== 'sqlite') {
      const byComment = await harness.catalog.api.searchCatalog({
        q: 'contact',
        connection_id: connectionId,
      });
      // MariaDB's views show the comments of the columns they select.
      const viewToo = c.target === 'mysql' ? [[c.name('eu_customers'), 'email', 'comment']] : [];
      expect(byComment.map((h) => [h.table, h.column, h.matched])).toEqual([
        [c.name('customers'), 'email', 'comment'],
        ...viewToo,
      ]);
    }
  });
});

describe('failed catalog scans', () => {
  it('stores why an unreachable server could not be scanned, after retrying, without its password', async () => {
    const password = 'Unreachable-S3cret-pw';
    const connection = await harness.connections.api.createConnection({
      name: 'cat-unreachable',
      type: 'postgresql',
      config: { host: '127.0.0.1', port: 1, database: 'nowhere', username: 'postgres', password },
    });
    const scan = await harness.finishedScan(connection.id);
    expect(scan.status).toBe('failed');
    expect(scan.attempts).toBe(3); // the first try and 2 retries (the harness's policy)
    expect(scan.error).toMatch(
      /cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*ECONNREFUSED.*gave up after 3 attempts/,
    );
    expect(everythingSaid(scan)).not.toContain(password);
    const listed = await harness.catalog.api.listCatalogConnections({});
    expect(listed.find((l) => l.connection_id === connection.id)?.last_scan).toMatchObject({
      status: 'failed',
      error: scan.error,
    });
    const failed = harness.events.filter((e) => e.type === 'catalog_scan' && e.scan_id === scan.id).at(-1);
    expect(failed).toMatchObject({ status: 'failed', error: scan.error, attempts: 3 });
  });

  it('does not retry a refused login, and keeps the password out of the message', async () => {
    const password = 'Wrong-S3cret-pw';
    const connection = await harness.connections.api.createConnection({
      name: 'cat-wrong-password',
      type: 'mysql',
      config: { host: '127.0.0.1', port: 3306, database: DB, username: MY_USER, password },
    });
    const scan = await harness.finishedScan(connection.id);
    expect(scan).toMatchObject({ status: 'failed', attempts: 1 });
    expect(scan.error).toMatch(/Access denied for user/);
    expect(everythingSaid(scan)).not.toContain(password);
    expect(everythingSaid(scan)).not.toContain(MY_PASSWORD);
  });
});
