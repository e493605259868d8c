import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Introspector } from '../../connectors/shared/sql/introspection';
import { createJobRepo } from '../store/job-repo';
import { CatalogRepo } from '../store/catalog-repo';
import { createCatalogService } from './catalog-service';
import { memoryLogger, openCatalogHarness, type CatalogHarness } from './test-support';

/*
 * The catalog service over SQLite files (no server needed) and fake introspectors for what real
 * databases rarely do on cue: fail transiently, echo a password, hang until closed.
 */

let harness: CatalogHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function sqliteFile(dir: string, name: string, ...statements: string[]): string {
  const file = join(dir, name);
  const db = new Database(file);
  for (const statement of statements) db.exec(statement);
  db.close();
  return file;
}

const SHOP = [
  'CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, customer_id INTEGER, orderkit TEXT)',
  'CREATE TABLE order_items (order_id INTEGER, line INTEGER, PRIMARY KEY (order_id, line))',
];

/** A transient network error as drivers give one, echoing the password as no driver should. */
class EchoingError extends Error {
  code = 'ECONNRESET';
}

/** An introspector that fails every call with `error`, and reports errors with `code` as transient. */
function failingIntrospector(error: Error): Introspector {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return {
    databaseTerm: 'databases',
    listDatabases: fail,
    listTables: fail,
    describeTable: fail,
    serverVersion: fail,
    isTransient: (e) => (e as { code?: string }).code === 'ECONNRESET',
    close: async () => undefined,
  };
}

describe('catalog service', () => {
  it('scans after a save, once at a time: a second request gets the running scan', async () => {
    harness = await openCatalogHarness();
    const path = sqliteFile(harness.dir, 'shop.db', ...SHOP);
    const connection = await harness.connections.api.createConnection({
      name: 'shop',
      type: 'sqlite',
      config: { path },
    });
    const again = await harness.catalog.api.startCatalogScan({ connection_id: connection.id });
    const scan = await harness.finishedScan(connection.id);
    expect(again.id).toBe(scan.id);
    expect(scan).toMatchObject({
      status: 'completed',
      triggered_by: 'saved',
      tables_total: 2,
      tables_read: 2,
    });
    expect(await harness.catalog.api.listCatalogScans({ connection_id: connection.id })).toHaveLength(1);
    const [overview] = await harness.catalog.api.listCatalogConnections({});
    expect(overview).toMatchObject({ name: 'shop', type: 'sqlite', database_count: 1, table_count: 2 });
    expect(overview.last_scan?.id).toBe(scan.id);
  });

  it('scans level by level: databases, then tables, then columns', async () => {
    harness = await openCatalogHarness({
      connections: (real) => ({ ...real, onChange: () => () => undefined }), // no scan on save
    });
    const path = sqliteFile(harness.dir, 'shop.db', ...SHOP);
    const { id } = await harness.connections.api.createConnection({
      name: 'shop',
      type: 'sqlite',
      config: { path },
    });
    const api = harness.catalog.api;

    await api.startCatalogScan({ connection_id: id, level: 1 });
    expect(await harness.finishedScan(id)).toMatchObject({ level: 1, tables_total: null });
    const [main] = await api.listCatalogDatabases({ connection_id: id });
    expect(main).toMatchObject({ name: 'main', table_count: 0 });

    await api.startCatalogScan({ connection_id: id, level: 2 });
    expect(await harness.finishedScan(id)).toMatchObject({ level: 2, tables_total: 2, tables_read: 0 });
    const listed = await api.listCatalogTables({ database_id: main.id });
    expect(listed.map((t) => [t.name, t.column_count, t.described_at])).toEqual([
      ['order_items', 0, null],
      ['orders', 0, null],
    ]);

    await api.startCatalogScan({ connection_id: id });
    expect(await harness.finishedScan(id)).toMatchObject({ level: 3, tables_read: 2 });
    const detail = await api.getCatalogTable({ id: listed[0].id });
    expect(detail.primary_key).toEqual(['order_id', 'line']);
    expect(detail.columns.map((c) => c.primary_key_position)).toEqual([1, 2]);
  });

  it('retries transient failures with growing waits and stores the last one without the password', async () => {
    const password = 'Echoed-S3cret-pw';
    const waits: number[] = [];
    harness = await openCatalogHarness({
      sleep: async (ms) => {
        waits.push(ms);
      },
      connections: (real) => ({
        ...real,
        introspector: async () =>
          failingIntrospector(new EchoingError(`connection reset while logging in with "${password}"`)),
      }),
    });
    const connection = await harness.connections.api.createConnection({
      name: 'flaky',
      type: 'postgresql',
      config: { host: 'db.example', database: 'shop', username: 'etl', password },
    });
    const scan = await harness.finishedScan(connection.id);
    expect(waits).toEqual([10, 20]);
    expect(scan).toMatchObject({ status: 'failed', attempts: 3 });
    expect(scan.error).toBe('connection reset while logging in with "********" (gave up after 3 attempts)');
    const said = [JSON.stringify(scan), JSON.stringify(harness.events), ...harness.logs].join('\n');
    expect(said).not.toContain(password);
    expect(
      harness.events.filter((e) => e.type === 'catalog_scan').map((e) => [e.status, e.attempts]),
    ).toEqual([
      ['running', 1],
      ['running', 2],
      ['running', 3],
      ['failed', 3],
    ]);
  });

  it('runs scheduled scans until the schedule is stopped', async () => {
    harness = await openCatalogHarness({ minuteMs: 40 });
    const path = sqliteFile(harness.dir, 'shop.db', ...SHOP);
    const { id } = await harness.connections.api.createConnection({
      name: 'shop',
      type: 'sqlite',
      config: { path },
    });
    await harness.finishedScan(id);
    const api = harness.catalog.api;
    expect(await api.updateCatalogSettings({ connection_id: id, scan_interval_minutes: 1 })).toEqual({
      connection_id: id,
      scan_interval_minutes: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await api.updateCatalogSettings({ connection_id: id, scan_interval_minutes: null });
    await harness.catalog.idle(id);
    const scheduled = (await api.listCatalogScans({ connection_id: id })).filter(
      (s) => s.triggered_by === 'schedule',
    );
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      (await api.listCatalogScans({ connection_id: id })).filter((s) => s.triggered_by === 'schedule'),
    ).toHaveLength(scheduled.length);
    expect(await api.getCatalogSettings({ connection_id: id })).toEqual({
      connection_id: id,
      scan_interval_minutes: null,
    });
  });

  it('stops a running scan when the services close, and stores it failed', async () => {
    let closedIntrospector = false;
    let listing: () => void = () => undefined;
    const listingStarted = new Promise<void>((resolve) => (listing = resolve));
    harness = await openCatalogHarness({
      connections: (real) => ({
        ...real,
        introspector: async () => {
          let release: (error: Error) => void = () => undefined;
          return {
            ...failingIntrospector(new Error('unused')),
            listDatabases: () => {
              listing();
              return new Promise<never>((_, reject) => (release = reject));
            },
            close: async () => {
              closedIntrospector = true;
              release(new Error('connection closed'));
            },
          };
        },
      }),
    });
    const { id } = await harness.connections.api.createConnection({
      name: 'hangs',
      type: 'sqlite',
      config: { path: 'nowhere.db' },
    });
    await listingStarted; // the scan waits for the database's answer
    await harness.catalog.close();
    const [scan] = await new CatalogRepo(harness.store.db).listScans({ connectionId: id, limit: 1 });
    expect(scan).toMatchObject({ status: 'failed', error: 'stopped: the studio closed during the scan' });
    expect(closedIntrospector).toBe(true);
    await expect(harness.catalog.api.startCatalogScan({ connection_id: id })).rejects.toThrow(/closing/);
  });

  it('marks scans a stopped host left running as failed when it starts again', async () => {
    harness = await openCatalogHarness();
    const path = sqliteFile(harness.dir, 'shop.db', ...SHOP);
    const { id } = await harness.connections.api.createConnection({
      name: 'shop',
      type: 'sqlite',
      config: { path },
    });
    await harness.finishedScan(id);
    const repo = new CatalogRepo(harness.store.db);
    await repo.insertScan({
      id: 'left-running',
      connectionId: id,
      triggeredBy: 'manual',
      mode: 'full',
      level: 3,
      startedAt: '2025-01-01T00:00:00.000Z',
    });
    const restarted = await createCatalogService({
      db: harness.store.db,
      connections: harness.connections,
      logger: memoryLogger([]),
    });
    await restarted.close();
    expect(await repo.getScan('left-running')).toMatchObject({
      status: 'failed',
      error: 'interrupted: the studio stopped during the scan',
    });
  });

  it('shows which jobs read or write a table, and forgets a deleted connection', async () => {
    harness = await openCatalogHarness();
    const path = sqliteFile(harness.dir, 'shop.db', ...SHOP);
    const { id } = await harness.connections.api.createConnection({
      name: 'shop',
      type: 'sqlite',
      config: { path },
    });
    await harness.finishedScan(id);
    await createJobRepo(harness.store.db).insert(
      {
        id: 'j1',
        name: 'orders-out',
        description: '',
        config_yaml: `version: 1
input: { type: sqlite, connection: { ref: shop }, query: { table: orders } }
output: { type: file, path: out.csv }`,
        flow_diagram: null,
      },
      '2025-01-01T00:00:00.000Z',
    );
    const [main] = await harness.catalog.api.listCatalogDatabases({ connection_id: id });
    const tables = await harness.catalog.api.listCatalogTables({ database_id: main.id });
    const orders = await harness.catalog.api.getCatalogTable({ id: tables[1].id });
    expect(orders).toMatchObject({
      qualified_name: 'orders',
      connection: { id, name: 'shop', type: 'sqlite' },
    });
    expect(orders.jobs).toEqual([{ id: 'j1', name: 'orders-out', access: 'read' }]);

    await harness.store.db.deleteFrom('jobs').execute();
    await harness.connections.api.deleteConnection({ id });
    expect(await harness.catalog.api.listCatalogConnections({})).toEqual([]);
    await expect(harness.catalog.api.getCatalogTable({ id: tables[1].id })).rejects.toThrow(/not found/);
    expect(await harness.store.db.selectFrom('catalog_columns').selectAll().execute()).toEqual([]);
  });

  it('searches names and comments literally: _ and % are not wildcards', async () => {
    harness = await openCatalogHarness();
    const path = sqliteFile(harness.dir, 'shop.db', ...SHOP);
    const { id } = await harness.connections.api.createConnection({
      name: 'shop',
      type: 'sqlite',
      config: { path },
    });
    await harness.finishedScan(id);
    // As a LIKE wildcard, r_it would match orders.orderkit too.
    const hits = await harness.catalog.api.searchCatalog({ q: 'r_it' });
    expect(hits.map((h) => [h.kind, h.table, h.column])).toEqual([['table', 'order_items', null]]);
    const ids = await harness.catalog.api.searchCatalog({ q: 'ID' });
    expect(ids.map((h) => `${h.table}.${h.column}`)).toEqual([
      'orders.id',
      'order_items.order_id',
      'orders.customer_id',
    ]);
    expect(await harness.catalog.api.searchCatalog({ q: '%' })).toEqual([]);
    expect(await harness.catalog.api.searchCatalog({ q: '   ' })).toEqual([]);
  });
});
