import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, Column } from '../../../src-main/engine/batch';
import { FieldError, type Output, type StreamDescription } from '../../../src-main/engine/component';
import { runPipeline } from '../../../src-main/engine/runtime';
import { filterProcessor } from '../../filter/spec';
import { SqliteIntrospector } from '../../sqlite/introspect';
import { sqliteInput, sqliteOutput } from '../../sqlite/spec';
import { tempContext } from '../test-support';
import type { SqlWriteSettings } from './config';
import type { TableDdl, TableSchema } from './introspection';
import { LaneQueue } from './tables-input';
import {
  alignSchema,
  parseTablePattern,
  sqlOutput,
  targetTableName,
  type SqlTarget,
  type SqlTargetSession,
} from './tables-output';

/*
 * Whole-database copies without a server: the lane queue, target-name patterns, the multi-table
 * output's order of work against a recording target, and a SQLite → SQLite copy through the run.
 */

describe('LaneQueue', () => {
  it('hands out every item once, largest first, unknown sizes last, ties in the given order', () => {
    const queue = new LaneQueue(
      [
        { name: 'a', rows: 10 },
        { name: 'b', rows: undefined },
        { name: 'c', rows: 500 },
        { name: 'd', rows: 10 },
        { name: 'e', rows: 0 },
      ],
      (t) => t.rows,
    );
    expect(queue.remaining).toBe(5);
    const taken: string[] = [];
    for (let item = queue.take(); item; item = queue.take()) taken.push(item.name);
    expect(taken).toEqual(['c', 'a', 'd', 'b', 'e']);
    expect(queue.take()).toBeUndefined();
    expect(queue.remaining).toBe(0);
  });

  it('keeps lanes busy: a lane that finishes early takes the next table', async () => {
    const queue = new LaneQueue(
      [
        { name: 'big', rows: 40 },
        { name: 's1', rows: 10 },
        { name: 's2', rows: 10 },
        { name: 's3', rows: 10 },
        { name: 's4', rows: 10 },
      ],
      (t) => t.rows,
    );
    const byLane: string[][] = [[], []];
    // Each lane "reads" a table for as many ticks as it has rows / 10.
    const lane = async (index: number) => {
      for (let item = queue.take(); item; item = queue.take()) {
        byLane[index].push(item.name);
        for (let tick = 0; tick < item.rows / 10; tick++) await Promise.resolve();
      }
    };
    await Promise.all([lane(0), lane(1)]);
    expect(byLane).toEqual([['big'], ['s1', 's2', 's3', 's4']]);
  });
});

describe('target table patterns', () => {
  it('puts the source name where the * is, with an optional schema', () => {
    expect(targetTableName(parseTablePattern('*'), 'orders')).toBe('orders');
    expect(targetTableName(parseTablePattern('staging.*'), 'orders')).toBe('staging.orders');
    expect(targetTableName(parseTablePattern('stg_*'), 'orders')).toBe('stg_orders');
    expect(targetTableName(parseTablePattern('archive.*_2024'), 'orders')).toBe('archive.orders_2024');
  });

  it('refuses what is not a pattern of one table name', () => {
    for (const bad of ['orders', '*.orders', '**', 'a*b*', '.*', 'x*.y*'])
      expect(() => parseTablePattern(bad), bad).toThrow(FieldError);
    expect(() => parseTablePattern('*.*')).toThrow('"*.*" is not a table pattern');
  });
});

const column = (name: string, type: Column['type'] = 'int') => ({
  name,
  nativeType: type === 'int' ? 'integer' : 'text',
  type,
  nullable: name !== 'id',
  generated: false,
  autoIncrement: false,
});

function tableSchema(name: string, extra: Partial<TableSchema> = {}): TableSchema {
  return {
    table: { schema: 'src', name, kind: 'table' },
    columns: [column('id'), column('ref'), column('note', 'string')],
    primaryKey: ['id'],
    indexes: [],
    foreignKeys: [],
    ...extra,
  };
}

const stream = (schema: TableSchema): StreamDescription => ({
  name: `src.${schema.table.name}`,
  columns: schema.columns.map((c) => ({ name: c.name, type: c.type })),
  schema,
});

describe('alignSchema', () => {
  it('keeps the description of kept columns, describes new ones, and drops keys on dropped columns', () => {
    const schema = tableSchema('t', {
      indexes: [
        { name: 't_note', columns: ['note'], unique: false },
        { name: 't_ref', columns: ['ref'], unique: false },
      ],
      foreignKeys: [{ name: 't_ref_fk', columns: ['ref'], refTable: 'u', refColumns: ['id'] }],
    });
    const aligned = alignSchema(schema, [
      { name: 'id', type: 'int' },
      { name: 'note', type: 'string' },
      { name: 'extra', type: 'decimal' },
    ]);
    expect(aligned.columns.map((c) => [c.name, c.nativeType, c.type])).toEqual([
      ['id', 'integer', 'int'],
      ['note', 'text', 'string'],
      ['extra', '', 'decimal'],
    ]);
    expect(aligned.primaryKey).toEqual(['id']);
    expect(aligned.indexes.map((i) => i.name)).toEqual(['t_note']);
    expect(aligned.foreignKeys).toEqual([]);
    expect(alignSchema(schema, [{ name: 'note', type: 'string' }]).primaryKey).toEqual([]);
  });
});

/** A target that records what runs, and writers that record what they get. */
function recordingTarget(existing: string[] = [], failing: RegExp | null = null) {
  const log: string[] = [];
  const tables = new Set(existing);
  const target: SqlTarget = {
    name: 'TestDB',
    where: 'database "t"',
    schemaTerm: 'schema',
    tableDdl: (schema, ddlTarget): TableDdl => ({
      createTable: `CREATE ${ddlTarget.table}`,
      comments: [`COMMENT ${ddlTarget.table}`],
      indexes: schema.indexes.map((i) => `INDEX ${i.name} ON ${ddlTarget.table}`),
      foreignKeys: schema.foreignKeys.map(
        (fk) => `FK ${ddlTarget.table} → ${ddlTarget.referencedTable?.(fk) ?? fk.refTable}`,
      ),
      afterLoad: [`RESET ${ddlTarget.table}`],
    }),
    async session(): Promise<SqlTargetSession> {
      log.push('session');
      return {
        tableExists: async (table) => tables.has(table),
        ensureSchema: async (schema) => void log.push(`SCHEMA ${schema}`),
        run: async (sql) => {
          log.push(sql);
          if (failing?.test(sql)) throw new Error('refused by the database');
          if (sql.startsWith('CREATE ')) tables.add(sql.slice('CREATE '.length));
        },
        close: async () => void log.push('end'),
      };
    },
  };
  const writers: { settings: SqlWriteSettings<'insert' | 'upsert'>; rows: number; closed: string[] }[] = [];
  const factory = (settings: SqlWriteSettings<'insert' | 'upsert'>): Output => {
    const writer = { settings, rows: 0, closed: [] as string[] };
    writers.push(writer);
    return {
      async write(batch: Batch) {
        writer.rows += batch.rows.length;
        log.push(`write ${settings.table} ${batch.rows.length}`);
      },
      async close(error?: Error) {
        writer.closed.push(error ? 'error' : 'ok');
        log.push(`close ${settings.table}${error ? ' (error)' : ''}`);
        if (error) return `${writer.rows} rows were committed to table "${settings.table}"`;
      },
    };
  };
  return { log, target, writers, factory };
}

const settings = (
  table: string,
  more: Partial<SqlWriteSettings<'insert' | 'upsert'>> = {},
): SqlWriteSettings<'insert' | 'upsert'> => ({
  table,
  mode: 'insert',
  batchSize: 1000,
  createTable: true,
  conflictKey: [],
  preSql: [],
  postSql: [],
  ...more,
});

const batchOf = (table: string, rows: number): Batch => ({
  columns: [{ name: 'id', type: 'int' }],
  rows: Array.from({ length: rows }, (_, i) => [i]),
  table,
});

describe('SqlTablesOutput', () => {
  // items → orders → customers, and categories referencing itself.
  const customers = tableSchema('customers', {
    indexes: [{ name: 'customers_note', columns: ['note'], unique: false }],
  });
  const orders = tableSchema('orders', {
    foreignKeys: [{ name: 'orders_fk', columns: ['ref'], refTable: 'customers', refColumns: ['id'] }],
  });
  const items = tableSchema('items', {
    foreignKeys: [{ name: 'items_fk', columns: ['ref'], refTable: 'orders', refColumns: ['id'] }],
  });
  const categories = tableSchema('categories', {
    foreignKeys: [{ name: 'parent_fk', columns: ['ref'], refTable: 'categories', refColumns: ['id'] }],
  });
  const streams = [items, categories, orders, customers].map(stream);

  it('creates missing tables in dependency order, routes rows per table, and builds indexes and keys last', async () => {
    const { log, target, writers, factory } = recordingTarget(['staging.categories']);
    const output = sqlOutput(settings('staging.*', { preSql: ['PRE'], postSql: ['POST'] }), target, factory);
    await output.prepareStreams?.(streams);
    expect(log).toEqual([
      'session',
      'PRE',
      'SCHEMA staging',
      'CREATE staging.customers',
      'COMMENT staging.customers',
      'CREATE staging.orders',
      'COMMENT staging.orders',
      'CREATE staging.items',
      'COMMENT staging.items',
      'end',
    ]);
    log.length = 0;

    // Lane 0 reads orders then items; lane 1 categories; customers has no rows.
    await output.write(batchOf('src.orders', 3), 0);
    await output.write(batchOf('src.categories', 2), 1);
    await output.write(batchOf('src.orders', 1), 0);
    await output.write(batchOf('src.items', 5), 0);
    expect(await output.close()).toBe(
      'created 3 tables before loading; after loading built 1 index, 2 foreign keys and 3 sequence resets in 0.0 s',
    );
    expect(log).toEqual([
      'write staging.orders 3',
      'write staging.categories 2',
      'write staging.orders 1',
      // Lane 0 moved on: the orders writer is released before items are written.
      'close staging.orders',
      'write staging.items 5',
      'close staging.items',
      'close staging.categories',
      'session',
      'INDEX customers_note ON staging.customers',
      'FK staging.orders → staging.customers',
      'FK staging.items → staging.orders',
      'RESET staging.customers',
      'RESET staging.orders',
      'RESET staging.items',
      'POST',
      'end',
    ]);
    expect(writers.map((w) => [w.settings.table, w.settings.createTable, w.settings.preSql, w.rows])).toEqual(
      [
        ['staging.orders', false, [], 4],
        ['staging.categories', false, [], 2],
        ['staging.items', false, [], 5],
      ],
    );
  });

  it('adds the foreign keys that close a cycle after the others', async () => {
    const { log, target, factory } = recordingTarget();
    const a = tableSchema('a', {
      foreignKeys: [{ name: 'a_b', columns: ['ref'], refTable: 'b', refColumns: ['id'] }],
    });
    const b = tableSchema('b', {
      foreignKeys: [{ name: 'b_a', columns: ['ref'], refTable: 'a', refColumns: ['id'] }],
    });
    const output = sqlOutput(settings('*'), target, factory);
    await output.prepareStreams?.([a, b].map(stream));
    await output.close();
    expect(log.filter((l) => l.startsWith('FK'))).toEqual(['FK b → a', 'FK a → b']);
  });

  it('uses each table’s primary key for upsert without conflict.key, and refuses a table without one', async () => {
    const { target, writers, factory } = recordingTarget();
    const output = sqlOutput(settings('*', { mode: 'upsert' }), target, factory);
    await output.prepareStreams?.([stream(customers)]);
    await output.write(batchOf('src.customers', 1), 0);
    expect(writers[0].settings.conflictKey).toEqual(['id']);
    const keyless = sqlOutput(settings('*', { mode: 'upsert' }), target, factory);
    await expect(keyless.prepareStreams?.([stream(tableSchema('log', { primaryKey: [] }))])).rejects.toThrow(
      `upsert finds rows by their table's primary key, and "src.log" has none: set conflict.key, or use mode insert`,
    );
  });

  it('reports every statement that fails after loading, with the database’s message', async () => {
    const { target, factory } = recordingTarget([], /^FK/);
    const output = sqlOutput(settings('*'), target, factory);
    await output.prepareStreams?.([orders, customers].map(stream));
    await expect(output.close()).rejects.toThrow(
      'every row was loaded, but 1 of 4 statements after loading failed in TestDB database "t":\n' +
        '  FK orders → customers\n    → refused by the database',
    );
  });

  it('after a failure closes every writer with the error and notes what each table got', async () => {
    const { log, target, factory } = recordingTarget();
    const output = sqlOutput(settings('*'), target, factory);
    await output.prepareStreams?.(streams);
    await output.write(batchOf('src.customers', 4), 0);
    await output.write(batchOf('src.orders', 2), 0);
    await output.write(batchOf('src.items', 1), 1);
    const note = await output.close(new Error('stopped'));
    expect(note?.split('\n')).toEqual([
      '1 rows were committed to table "items"',
      '2 rows were committed to table "orders"',
      'tables loaded completely in TestDB database "t" before the run stopped: customers (4 rows)',
      'tables that received no rows before the run stopped: categories',
      'the indexes and foreign keys of the 4 tables created in TestDB database "t" were not built, as the run stopped',
    ]);
    expect(log.filter((l) => l.startsWith('INDEX') || l.startsWith('FK'))).toEqual([]);
  });

  it('refuses what cannot be routed: a plain name with many tables, a pattern with one, two tables on one target', async () => {
    const { target, factory } = recordingTarget();
    const single = sqlOutput(settings('orders'), target, factory);
    await expect(single.prepareStreams?.(streams)).rejects.toThrow(
      'the input reads 4 tables (query.tables): write.table must be a pattern such as "*"',
    );
    const patterned = sqlOutput(settings('*'), target, factory);
    await expect(patterned.write(batchOf('x', 1) && { columns: [], rows: [[1]] }, 0)).rejects.toThrow(
      '"*" is a table pattern: it takes an input that reads several tables (query.tables)',
    );
    const clash = sqlOutput(settings('*'), target, factory);
    const other = { ...customers, table: { ...customers.table, schema: 'other' } };
    await expect(
      clash.prepareStreams?.([stream(customers), { ...stream(other), name: 'other.customers' }]),
    ).rejects.toThrow('tables "src.customers" and "other.customers" would both be written to "customers"');
    expect(() => sqlOutput(settings('staging.*'), { ...target, schemaTerm: undefined }, factory)).toThrow(
      'a TestDB database has no schemas',
    );
  });

  it('refuses missing tables when create_table is off', async () => {
    const { target, factory } = recordingTarget(['customers']);
    const output = sqlOutput(settings('*', { createTable: false }), target, factory);
    await expect(output.prepareStreams?.([orders, customers].map(stream))).rejects.toThrow(
      '1 table missing in TestDB database "t": orders (set write.create_table: true to create them)',
    );
  });
});

describe('a SQLite → SQLite copy of many tables', () => {
  let dir: string;
  let dispose: () => void;
  let ctx: ReturnType<typeof tempContext>['ctx'];
  beforeEach(() => {
    ({ dir, ctx, dispose } = tempContext('tables'));
    const db = new Database(path.join(dir, 'shop.db'));
    db.exec(`
      CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, name TEXT);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
        total DECIMAL(10,2), qty INTEGER);
      CREATE INDEX orders_customer ON orders (customer_id);
      CREATE TABLE empty_one (k TEXT PRIMARY KEY);
      CREATE TABLE categories (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES categories (id));
      INSERT INTO categories VALUES (1, NULL), (2, 1), (3, 2);
      CREATE TABLE audit_log (at TEXT);
      CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;`);
    const customer = db.prepare('INSERT INTO customers VALUES (?, ?, ?)');
    const order = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 30; i++) customer.run(i, `c${i}@x`, `C ${i}`);
      for (let i = 1; i <= 250; i++) order.run(i, (i % 30) + 1, `${i}.50`, i % 4);
    })();
    db.close();
  });
  afterEach(() => dispose());

  const input = (query: Record<string, unknown>) =>
    sqliteInput.create({ path: 'shop.db', query: query as { tables: string[] }, fetch: { size: 40 } }, ctx);

  it('copies every table, rows per table counted, indexes built after loading', async () => {
    const result = await runPipeline(
      {
        input: await input({ tables: ['*'], exclude: ['audit_*'] }),
        processors: [],
        output: await sqliteOutput.create({ path: 'copy.db', write: { table: '*' } }, ctx),
        channels: 3,
      },
      {},
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe('completed');
    expect(result.lanes).toBe(3);
    expect(result.tables).toEqual({
      customers: { records_read: 30, records_written: 30, records_failed: 0 },
      orders: { records_read: 250, records_written: 250, records_failed: 0 },
      empty_one: { records_read: 0, records_written: 0, records_failed: 0 },
      categories: { records_read: 3, records_written: 3, records_failed: 0 },
    });
    expect(result.total).toBe(283);
    expect(result.notes).toContain('query.tables: 4 tables, 3 read at a time, largest first');
    const copied = new SqliteIntrospector(path.join(dir, 'copy.db'));
    try {
      expect((await copied.listTables()).map((t) => t.name)).toEqual([
        'categories',
        'customers',
        'empty_one',
        'orders',
      ]);
      // Rebuilt with its foreign key, which still points at itself.
      expect((await copied.describeTable('categories')).foreignKeys).toMatchObject([
        { refTable: 'categories', columns: ['parent_id'], refColumns: ['id'] },
      ]);
      const orders = await copied.describeTable('orders');
      expect(orders.primaryKey).toEqual(['id']);
      expect(orders.indexes).toEqual([{ name: 'orders_customer', columns: ['customer_id'], unique: false }]);
      expect(orders.foreignKeys.map((f) => [f.refTable, f.columns])).toEqual([
        ['customers', ['customer_id']],
      ]);
      expect((await copied.describeTable('customers')).indexes).toEqual([
        { name: 'customers_email_key', columns: ['email'], unique: true },
      ]);
    } finally {
      await copied.close();
    }
    const db = new Database(path.join(dir, 'copy.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n, sum(qty) AS q FROM orders').get()).toEqual({ n: 250, q: 375 });
    db.close();
  });

  it('runs the processors on every table, keeping each batch’s table', async () => {
    const result = await runPipeline(
      {
        input: await input({ tables: ['orders', 'customers'] }),
        processors: [
          {
            path: 'pipeline.processors[0]',
            processor: filterProcessor.create({ condition: 'id < 100 OR id > 200' }, ctx),
          },
        ],
        output: await sqliteOutput.create({ path: 'copy.db', write: { table: 'stg_*' } }, ctx),
        channels: 1,
      },
      {},
    );
    expect(result.error).toBeNull();
    expect(result.tables).toEqual({
      orders: { records_read: 250, records_written: 149, records_failed: 0 },
      customers: { records_read: 30, records_written: 30, records_failed: 0 },
    });
    expect(result.notes[0]).toBe('query.tables: 2 tables, read one after another');
  });

  it('names the table a processor does not fit, before a row moves', async () => {
    const result = await runPipeline(
      {
        input: await input({ tables: ['orders', 'customers'] }),
        processors: [
          {
            path: 'pipeline.processors[0]',
            processor: filterProcessor.create({ condition: 'qty > 0' }, ctx),
          },
        ],
        output: await sqliteOutput.create({ path: 'copy.db', write: { table: '*' } }, ctx),
        channels: 2,
      },
      {},
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /^pipeline\.processors\[0\]\.condition: unknown column "qty".*\(table "customers"\)$/,
    );
    expect(result.records_read).toBe(0);
  });

  it('reports rows that break a foreign key once loaded, with the statement, and keeps the rows', async () => {
    const result = await runPipeline(
      {
        input: await input({ tables: ['orders', 'customers'] }),
        processors: [
          {
            path: 'pipeline.processors[0]',
            processor: filterProcessor.create({ condition: 'id <= 10' }, ctx),
          },
        ],
        output: await sqliteOutput.create({ path: 'copy.db', write: { table: '*' } }, ctx),
        channels: 2,
      },
      {},
    );
    expect(result.status).toBe('failed');
    expect(result.error).toContain(
      'output: every row was loaded, but 1 of 3 statements after loading failed in SQLite database',
    );
    expect(result.error).toContain('\n  CREATE TABLE "orders" (');
    expect(result.error).toContain(
      '→ 1 row of orders references rows missing in customers: the table is kept without its foreign keys',
    );
    const db = new Database(path.join(dir, 'copy.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 10 });
    db.close();
  });

  it('says which pattern matches no table, and refuses split_key and incremental with tables', async () => {
    await expect(input({ tables: ['customers', 'ordres'] })).rejects.toThrow('no table matches "ordres"');
    await expect(input({ tables: ['*'], exclude: ['nope'] })).rejects.toMatchObject({
      path: 'query.exclude',
    });
    await expect(input({ tables: ['big_orders'] })).rejects.toThrow('no table matches "big_orders"');
    expect(() => input({ tables: ['*'], split_key: 'id' })).toThrow(
      'split_key cannot be combined with query.tables yet',
    );
  });
});
