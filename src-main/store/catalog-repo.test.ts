import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogRepo, containsPattern, type TableStructure } from './catalog-repo';
import { ConnectionRepo } from './connection-repo';
import { openStore, type Store } from './open-store';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-02T00:00:00.000Z';

const structure = (columns: string[]): TableStructure => ({
  kind: 'table',
  comment: 'Orders',
  columns: columns.map((name, i) => ({
    name,
    nativeType: 'integer',
    type: 'int',
    nullable: i > 0,
    default: null,
    comment: null,
    primaryKeyPosition: i === 0 ? 1 : null,
    generated: false,
    autoIncrement: false,
    length: null,
    precision: null,
    scale: null,
  })),
  primaryKey: [columns[0]],
  indexes: [{ name: 'orders_qty_idx', columns: ['qty'], unique: false }],
  foreignKeys: [],
});

describe('catalog repository', () => {
  let store: Store;
  let repo: CatalogRepo;

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
    repo = new CatalogRepo(store.db);
    await new ConnectionRepo(store.db).insert(
      { id: 'c1', name: 'warehouse', type: 'postgresql', description: '', config: {}, sealedSecrets: null },
      T0,
    );
  });
  afterEach(() => store.close());

  /** A database `shop` with the table `orders` of the given columns. */
  async function shopWithOrders(columns: string[]): Promise<string> {
    await repo.insertDatabase('d1', 'c1', 'shop', T0);
    const ids = await repo.saveListing(
      'd1',
      [
        {
          schemaName: 'shop',
          name: 'orders',
          kind: 'table',
          rowEstimate: 42,
          comment: 'Orders',
          sourceChangedAt: null,
          sourceUpdatedAt: null,
        },
      ],
      T0,
      () => 't1',
    );
    const id = ids.get('orders') ?? '';
    await repo.saveDescribed(
      [{ id, signature: 's1', structureHash: 'h1', structure: structure(columns) }],
      T0,
    );
    return id;
  }

  it('stores a described table and replaces its columns when described again', async () => {
    const id = await shopWithOrders(['id', 'qty', 'note']);
    await repo.saveDescribed(
      [{ id, signature: 's2', structureHash: 'h2', structure: structure(['id', 'qty']) }],
      T1,
    );
    const detail = await repo.tableDetail(id);
    expect(detail?.columns.map((c) => [c.name, c.primaryKeyPosition, c.nullable])).toEqual([
      ['id', 1, false],
      ['qty', null, true],
    ]);
    expect(detail?.table).toMatchObject({
      qualified_name: 'shop.orders',
      row_estimate: 42,
      column_count: 2,
      described_at: T1,
      indexes: [{ name: 'orders_qty_idx', columns: ['qty'], unique: false }],
      connection: { id: 'c1', name: 'warehouse', type: 'postgresql' },
    });
    const [stored] = await repo.tablesOf('d1');
    expect(stored).toMatchObject({ signature: 's2', structureHash: 'h2', primaryKey: ['id'] });
  });

  it('hides removed databases and their tables, and lists them on request', async () => {
    await shopWithOrders(['id']);
    await repo.markDatabasesRemoved(['d1'], T1);
    expect(await repo.databaseList('c1', false)).toEqual([]);
    expect((await repo.databaseList('c1', true))[0]).toMatchObject({ name: 'shop', removed_at: T1 });
    expect((await repo.tableList('d1', true))[0].removed_at).toBe(T1);
    expect(await repo.search('orders', { limit: 10 })).toEqual([]);
  });

  it('gives each connection its latest scan with its counts', async () => {
    await shopWithOrders(['id', 'qty']);
    const scan = {
      connectionId: 'c1',
      triggeredBy: 'manual' as const,
      mode: 'full' as const,
      level: 3 as const,
    };
    await repo.insertScan({ ...scan, id: 's-old', startedAt: T0 });
    await repo.insertScan({ ...scan, id: 's-new', startedAt: T1 });
    await repo.updateScan('s-new', {
      status: 'completed',
      tables_total: 1,
      tables_done: 1,
      changes: {
        databases_added: [],
        databases_removed: [],
        tables_added: ['shop.orders'],
        tables_removed: [],
        tables_altered: [],
        counts: { tables_added: 1, tables_removed: 0, tables_altered: 0, tables_unchanged: 0 },
      },
    });
    const [overview] = await repo.connections();
    expect(overview).toMatchObject({ name: 'warehouse', database_count: 1, table_count: 1 });
    expect(overview.last_scan).toMatchObject({ id: 's-new', status: 'completed', tables_done: 1 });
    expect(overview.last_scan?.changes?.tables_added).toEqual(['shop.orders']);
  });

  it('forgets everything of a connection deleted from the store', async () => {
    await shopWithOrders(['id', 'qty']);
    await repo.setScanInterval('c1', 30, T0);
    await repo.insertScan({
      id: 's1',
      connectionId: 'c1',
      triggeredBy: 'saved',
      mode: 'incremental',
      level: 3,
      startedAt: T0,
    });
    await new ConnectionRepo(store.db).delete('c1');
    for (const table of [
      'catalog_databases',
      'catalog_tables',
      'catalog_columns',
      'scan_logs',
      'catalog_settings',
    ] as const)
      expect(await store.db.selectFrom(table).selectAll().execute(), table).toEqual([]);
  });

  it('escapes LIKE wildcards in search text', () => {
    expect(containsPattern('Order_ID')).toBe('%order\\_id%');
    expect(containsPattern('100%\\')).toBe('%100\\%\\\\%');
  });
});
