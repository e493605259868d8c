import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableSchema } from '../shared/sql/introspection';
import { tempContext } from '../shared/test-support';
import { tableDdl } from './ddl';
import { SqliteIntrospector } from './introspect';
import { sqliteInput, sqliteOutput } from './spec';

const temp = tempContext('sqlite-introspect');
const file = path.join(temp.dir, 'shop.db');

const SCHEMA = `
  CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    code VARCHAR(20) NOT NULL,
    email VARCHAR(200),
    UNIQUE (region, code)
  );
  CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT NOT NULL,
    customer_code VARCHAR(20) NOT NULL,
    total DECIMAL(12,2) NOT NULL DEFAULT 0,
    status CHAR(1) DEFAULT 'n',
    placed_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    paid BOOLEAN DEFAULT FALSE,
    total_cents INTEGER GENERATED ALWAYS AS (CAST(total * 100 AS INTEGER)) VIRTUAL,
    note,
    FOREIGN KEY (region, customer_code) REFERENCES customers (region, code) ON DELETE CASCADE
  );
  CREATE INDEX orders_placed ON orders (placed_at);
  CREATE UNIQUE INDEX orders_code_status ON orders (customer_code, status);
  CREATE INDEX orders_lower_status ON orders (lower(status));
  CREATE INDEX orders_open ON orders (status) WHERE status = 'n';
  CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders,
    line INTEGER NOT NULL,
    qty BIGINT,
    PRIMARY KEY (order_id, line)
  ) WITHOUT ROWID;
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
`;

let introspector: SqliteIntrospector;

beforeAll(() => {
  const db = new Database(file);
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO customers (region, code) VALUES (?, ?)');
  for (let i = 0; i < 25; i++) insert.run('eu', `c${i}`);
  db.exec(`INSERT INTO orders (region, customer_code) VALUES ('eu', 'c1')`);
  db.exec('INSERT INTO order_items (order_id, line, qty) VALUES (1, 1, 2), (1, 2, 5)');
  db.exec('ANALYZE');
  db.close();
  introspector = new SqliteIntrospector(file);
});

afterAll(async () => {
  await introspector.close();
  temp.dispose();
});

describe('SQLite introspection', () => {
  it('lists main, and the tables and views with estimates from sqlite_stat1', async () => {
    expect(await introspector.listDatabases()).toEqual(['main']);
    expect(await introspector.listTables()).toEqual([
      { name: 'big_orders', kind: 'view' },
      { name: 'customers', kind: 'table', rowEstimate: 25 },
      { name: 'order_items', kind: 'table', rowEstimate: 2 },
      { name: 'orders', kind: 'table', rowEstimate: 1 },
    ]);
    await expect(introspector.listTables('other')).rejects.toThrow('has no database "other"');
  });

  it('describes columns: types through the type map, defaults, generated and rowid columns', async () => {
    const orders = await introspector.describeTable('orders');
    expect(orders.table).toEqual({ name: 'orders', kind: 'table', rowEstimate: 1 });
    const byName = Object.fromEntries(orders.columns.map((c) => [c.name, c]));
    expect(orders.columns.map((c) => c.name)).toEqual([
      'id',
      'region',
      'customer_code',
      'total',
      'status',
      'placed_at',
      'paid',
      'total_cents',
      'note',
    ]);
    expect(byName.id).toEqual({
      name: 'id',
      nativeType: 'INTEGER',
      type: 'int',
      nullable: false,
      generated: false,
      autoIncrement: true,
    });
    expect(byName.customer_code).toMatchObject({ type: 'string', nullable: false, length: 20 });
    expect(byName.total).toMatchObject({ type: 'decimal', precision: 12, scale: 2, default: '0' });
    expect(byName.status).toMatchObject({ type: 'string', length: 1, default: "'n'" });
    expect(byName.placed_at).toMatchObject({ type: 'timestamp', default: 'CURRENT_TIMESTAMP' });
    expect(byName.paid).toMatchObject({ type: 'bool', default: 'FALSE' });
    expect(byName.total_cents).toMatchObject({ generated: true, autoIncrement: false });
    expect(byName.total_cents.default).toBeUndefined();
    expect(byName.note).toMatchObject({ nativeType: '', type: 'string', nullable: true });
  });

  it('describes keys: primary key, plain indexes only, composite and implicit foreign keys', async () => {
    const orders = await introspector.describeTable('main.orders');
    expect(orders.primaryKey).toEqual(['id']);
    expect(orders.indexes).toEqual([
      { name: 'orders_code_status', columns: ['customer_code', 'status'], unique: true },
      { name: 'orders_placed', columns: ['placed_at'], unique: false },
    ]);
    expect(orders.foreignKeys).toEqual([
      {
        name: 'orders_region_customer_code_fkey',
        columns: ['region', 'customer_code'],
        refTable: 'customers',
        refColumns: ['region', 'code'],
        onDelete: 'CASCADE',
      },
    ]);
    const customers = await introspector.describeTable('CUSTOMERS');
    expect(customers.table.name).toBe('customers');
    expect(customers.indexes).toEqual([
      { name: 'customers_region_code_key', columns: ['region', 'code'], unique: true },
    ]);
    const items = await introspector.describeTable('order_items');
    expect(items.primaryKey).toEqual(['order_id', 'line']);
    // Not the rowid: a WITHOUT ROWID table has none.
    expect(items.columns[0].autoIncrement).toBe(false);
    expect(items.columns[2].type).toBe('bigint');
    expect(items.foreignKeys).toEqual([
      { name: 'order_items_order_id_fkey', columns: ['order_id'], refTable: 'orders', refColumns: ['id'] },
    ]);
  });

  it('describes a view, and names a missing table', async () => {
    const view = await introspector.describeTable('big_orders');
    expect(view.table.kind).toBe('view');
    expect(view.columns.map((c) => c.name)).toContain('total');
    await expect(introspector.describeTable('nope')).rejects.toThrow(
      `table "nope" not found in SQLite database ${file}`,
    );
  });

  it('is what the sqlite input and output offer, their path resolved against the pipeline folder', async () => {
    const fromInput = sqliteInput.introspect?.({ path: 'shop.db', query: { table: 'orders' } }, temp.ctx);
    const fromOutput = sqliteOutput.introspect?.({ path: 'shop.db', write: { table: 'orders' } }, temp.ctx);
    try {
      expect((await fromInput?.listTables())?.length).toBe(4);
      expect((await fromOutput?.describeTable('orders'))?.primaryKey).toEqual(['id']);
    } finally {
      await fromInput?.close();
      await fromOutput?.close();
    }
  });
});

/** What must survive a DDL round trip: everything but names SQLite makes up and generated columns. */
function shape(schema: TableSchema) {
  return {
    columns: schema.columns
      .filter((c) => !c.generated)
      .map(({ name, type, nullable, autoIncrement, length, precision, scale }) => ({
        name,
        type,
        nullable,
        autoIncrement,
        length,
        precision,
        scale,
      })),
    primaryKey: schema.primaryKey,
    indexes: schema.indexes.map(({ columns, unique }) => ({ columns, unique })),
    foreignKeys: schema.foreignKeys.map(({ columns, refTable, refColumns, onDelete }) => ({
      columns,
      refTable,
      refColumns,
      onDelete,
    })),
  };
}

describe('SQLite DDL', () => {
  it('recreates described tables in another file: same columns, keys and indexes', async () => {
    const copyFile = path.join(temp.dir, 'copy.db');
    const copy = new Database(copyFile);
    const sources = await Promise.all(
      ['customers', 'orders', 'order_items'].map((t) => introspector.describeTable(t)),
    );
    for (const schema of sources) {
      const ddl = tableDdl(schema, { table: schema.table.name });
      expect(ddl.foreignKeys).toEqual([]);
      copy.exec(ddl.createTable);
      for (const sql of ddl.indexes) copy.exec(sql);
    }
    copy.close();
    const copied = new SqliteIntrospector(copyFile);
    try {
      for (const schema of sources) {
        const again = await copied.describeTable(schema.table.name);
        expect(shape(again)).toEqual(shape(schema));
      }
      const orders = await copied.describeTable('orders');
      // Literal defaults survive; the timestamp default too.
      expect(orders.columns.find((c) => c.name === 'total')?.default).toBe('0');
      expect(orders.columns.find((c) => c.name === 'status')?.default).toBe("'n'");
      expect(orders.columns.find((c) => c.name === 'paid')?.default).toBe('0');
      expect(orders.columns.find((c) => c.name === 'placed_at')?.default).toBe('CURRENT_TIMESTAMP');
      expect(orders.indexes.map((i) => i.name)).toEqual(['orders_code_status', 'orders_placed']);
    } finally {
      await copied.close();
    }
  });

  it('writes SQLite DDL from another database’s description', () => {
    const schema: TableSchema = {
      table: { schema: 'shop', name: 'orders', kind: 'table', comment: 'not kept: SQLite has no comments' },
      columns: [
        {
          name: 'id',
          nativeType: 'bigint unsigned',
          type: 'bigint',
          nullable: false,
          generated: false,
          autoIncrement: true,
        },
        {
          name: 'amount',
          nativeType: 'decimal(12,2)',
          type: 'decimal',
          nullable: false,
          generated: false,
          autoIncrement: false,
          precision: 12,
          scale: 2,
          default: '0.00',
        },
        {
          name: 'code',
          nativeType: 'char(3)',
          type: 'string',
          nullable: true,
          generated: false,
          autoIncrement: false,
          length: 3,
          default: "'it''s'",
        },
        {
          name: 'twice',
          nativeType: 'int',
          type: 'int',
          nullable: true,
          generated: true,
          autoIncrement: false,
        },
        {
          name: 'parent_id',
          nativeType: 'bigint unsigned',
          type: 'bigint',
          nullable: true,
          generated: false,
          autoIncrement: false,
        },
      ],
      primaryKey: ['id'],
      indexes: [
        { name: 'code', columns: ['code'], unique: true },
        { name: 'twice_idx', columns: ['twice'], unique: false },
      ],
      foreignKeys: [
        {
          name: 'fk_parent',
          columns: ['parent_id'],
          refSchema: 'shop',
          refTable: 'orders',
          refColumns: ['id'],
          onDelete: 'SET NULL',
        },
      ],
    };
    expect(tableDdl(schema, { table: 'orders_copy' })).toEqual({
      createTable:
        'CREATE TABLE "orders_copy" ("id" INTEGER NOT NULL, "amount" DECIMAL TEXT(12,2) NOT NULL DEFAULT 0.00, ' +
        `"code" CHAR(3) DEFAULT 'it''s', "parent_id" BIGINT UNSIGNED, PRIMARY KEY ("id"), ` +
        'CONSTRAINT "fk_parent" FOREIGN KEY ("parent_id") REFERENCES "orders_copy" ("id") ON DELETE SET NULL)',
      comments: [],
      indexes: ['CREATE UNIQUE INDEX "orders_copy_code" ON "orders_copy" ("code")'],
      foreignKeys: [],
      afterLoad: [],
    });
  });
});
