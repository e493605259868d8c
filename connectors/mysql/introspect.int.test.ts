import Database from 'better-sqlite3';
import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDdl as pgTableDdl } from '../postgresql/ddl';
import { PostgresIntrospector } from '../postgresql/introspect';
import type { SqlConnection } from '../shared/sql/config';
import { dependencyOrder, type TableSchema } from '../shared/sql/introspection';
import { tempContext, testContext } from '../shared/test-support';
import { tableDdl as sqliteTableDdl } from '../sqlite/ddl';
import { SqliteIntrospector } from '../sqlite/introspect';
import { connectMysql, runSql } from './connection';
import { tableDdl } from './ddl';
import { MysqlIntrospector, withoutDisplayWidth } from './introspect';
import { mysqlInput, mysqlOutput } from './spec';

/*
 * Against the local MariaDB (127.0.0.1:3306, root) and, for the DDL round trips, PostgreSQL
 * (127.0.0.1:5432, postgres) and a SQLite file: a database of their own, dropped at the end.
 */

const DB = `fustgo_test_intro_my_${randomBytes(4).toString('hex')}`;
const connection: SqlConnection = { host: '127.0.0.1', port: 3306, database: DB, username: 'root' };
const pgConnection: SqlConnection = { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' };
const temp = tempContext('mysql-introspect');
let admin: Connection;
let pgAdmin: Client;
let pg: Client;
let introspector: MysqlIntrospector;

const sql = (statement: string) => runSql(admin, statement);

const SCHEMA = [
  `CREATE TABLE customers (
    region VARCHAR(10) NOT NULL,
    code VARCHAR(20) NOT NULL,
    email VARCHAR(200),
    PRIMARY KEY (region, code),
    UNIQUE KEY email (email)
  ) COMMENT='Who buys'`,
  `CREATE TABLE orders (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    region VARCHAR(10) NOT NULL,
    customer_code VARCHAR(20) NOT NULL,
    total DECIMAL(12,2) NOT NULL DEFAULT 0 COMMENT 'Gross, in euros',
    status CHAR(1) DEFAULT 'n',
    placed_at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),
    paid TINYINT(1) DEFAULT 0,
    note TEXT,
    doc JSON,
    big BIGINT UNSIGNED,
    code UUID,
    total_cents BIGINT AS (total * 100) STORED,
    KEY orders_customer (region, customer_code),
    UNIQUE KEY code_status (customer_code, status),
    KEY cents (total_cents),
    CONSTRAINT orders_customer_fk FOREIGN KEY (region, customer_code)
      REFERENCES customers (region, code) ON DELETE CASCADE
  )`,
  `CREATE TABLE items (
    order_id INT UNSIGNED NOT NULL,
    line INT NOT NULL,
    qty SMALLINT,
    PRIMARY KEY (order_id, line),
    CONSTRAINT items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON UPDATE CASCADE
  )`,
  'CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100',
  `INSERT INTO customers VALUES ('eu', 'c1', 'a@x'), ('eu', 'c2', 'b@x'), ('us', 'c1', NULL)`,
  `INSERT INTO orders (region, customer_code, total) VALUES ('eu', 'c1', 10), ('eu', 'c2', 250.5)`,
  'ANALYZE TABLE customers, orders, items',
];

beforeAll(async () => {
  admin = await connectMysql({ ...connection, database: 'mysql' });
  await sql(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
  await sql(`USE ${DB}`);
  for (const statement of SCHEMA) await sql(statement);
  pgAdmin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${DB}`);
  pg = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB });
  await pg.connect();
  introspector = new MysqlIntrospector(connection);
});

afterAll(async () => {
  await introspector?.close();
  if (admin) await sql(`DROP DATABASE IF EXISTS ${DB}`);
  admin?.destroy();
  await pg?.end();
  await pgAdmin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await pgAdmin?.end();
  temp.dispose();
});

describe('MySQL introspection', () => {
  it('lists databases without the system ones, and tables and views with estimates and comments', async () => {
    const databases = await introspector.listDatabases();
    expect(databases).toContain(DB);
    expect(databases).not.toContain('mysql');
    expect(databases).not.toContain('information_schema');
    const tables = await introspector.listTables();
    expect(tables.map((t) => [t.name, t.kind, t.comment])).toEqual([
      ['big_orders', 'view', undefined],
      ['customers', 'table', 'Who buys'],
      ['items', 'table', undefined],
      ['orders', 'table', undefined],
    ]);
    expect(tables.every((t) => t.schema === DB)).toBe(true);
    // InnoDB's estimate: right for tables this small, once analyzed.
    expect(tables[1].rowEstimate).toBe(3);
    expect(tables[0].rowEstimate).toBeUndefined();
    expect(await introspector.listTables(DB)).toEqual(tables);
  });

  it('describes columns: logical types through the reader’s type map, sizes, defaults, comments', async () => {
    const orders = await introspector.describeTable('orders');
    expect(orders.table).toMatchObject({ schema: DB, name: 'orders', kind: 'table' });
    const byName = Object.fromEntries(orders.columns.map((c) => [c.name, c]));
    expect(orders.columns.map((c) => c.name)).toEqual([
      'id',
      'region',
      'customer_code',
      'total',
      'status',
      'placed_at',
      'paid',
      'note',
      'doc',
      'big',
      'code',
      'total_cents',
    ]);
    expect(byName.id).toEqual({
      name: 'id',
      nativeType: 'int unsigned',
      type: 'int',
      nullable: false,
      generated: false,
      autoIncrement: true,
    });
    expect(byName.customer_code).toMatchObject({ nativeType: 'varchar(20)', type: 'string', length: 20 });
    expect(byName.total).toEqual({
      name: 'total',
      nativeType: 'decimal(12,2)',
      type: 'decimal',
      nullable: false,
      default: '0.00',
      comment: 'Gross, in euros',
      generated: false,
      autoIncrement: false,
      precision: 12,
      scale: 2,
    });
    expect(byName.status).toMatchObject({ nativeType: 'char(1)', length: 1, default: "'n'", nullable: true });
    expect(byName.placed_at).toMatchObject({
      nativeType: 'datetime(3)',
      type: 'timestamp',
      precision: 3,
      default: 'current_timestamp(3)',
    });
    expect(byName.paid).toMatchObject({ nativeType: 'tinyint(1)', type: 'bool', default: '0' });
    expect(byName.note).toMatchObject({ nativeType: 'text', type: 'string' });
    expect(byName.note.default).toBeUndefined();
    expect(byName.doc).toMatchObject({ nativeType: 'json', type: 'json' });
    expect(byName.big).toMatchObject({ nativeType: 'bigint unsigned', type: 'bigint' });
    expect(byName.code).toMatchObject({ nativeType: 'uuid', type: 'uuid' });
    expect(byName.total_cents).toMatchObject({ generated: true, autoIncrement: false });
  });

  it('describes keys: primary key, unique and plain indexes, composite foreign keys with their rules', async () => {
    const orders = await introspector.describeTable(`${DB}.orders`);
    expect(orders.primaryKey).toEqual(['id']);
    expect(orders.indexes).toEqual([
      { name: 'cents', columns: ['total_cents'], unique: false },
      { name: 'code_status', columns: ['customer_code', 'status'], unique: true },
      { name: 'orders_customer', columns: ['region', 'customer_code'], unique: false },
    ]);
    expect(orders.foreignKeys).toEqual([
      {
        name: 'orders_customer_fk',
        columns: ['region', 'customer_code'],
        refSchema: DB,
        refTable: 'customers',
        refColumns: ['region', 'code'],
        onDelete: 'CASCADE',
      },
    ]);
    const customers = await introspector.describeTable('customers');
    expect(customers.primaryKey).toEqual(['region', 'code']);
    expect(customers.indexes).toEqual([{ name: 'email', columns: ['email'], unique: true }]);
    const items = await introspector.describeTable('items');
    expect(items.foreignKeys).toEqual([
      {
        name: 'items_order_fk',
        columns: ['order_id'],
        refSchema: DB,
        refTable: 'orders',
        refColumns: ['id'],
        onUpdate: 'CASCADE',
      },
    ]);
  });

  it('describes views, and names a missing table', async () => {
    const view = await introspector.describeTable('big_orders');
    expect(view.table).toEqual({ schema: DB, name: 'big_orders', kind: 'view' });
    expect(view.columns.map((c) => c.name)).toContain('total');
    await expect(introspector.describeTable('nope')).rejects.toThrow(
      `table "nope" not found in MySQL at 127.0.0.1:3306 database "${DB}"`,
    );
  });

  it('is what the mysql input and output offer', async () => {
    const ctx = testContext();
    const fromInput = mysqlInput.introspect?.({ connection, query: { table: 'orders' } }, ctx);
    const fromOutput = mysqlOutput.introspect?.({ connection, write: { table: 'orders' } }, ctx);
    try {
      expect(await fromInput?.listDatabases()).toContain(DB);
      expect((await fromOutput?.describeTable('customers'))?.primaryKey).toEqual(['region', 'code']);
    } finally {
      await fromInput?.close();
      await fromOutput?.close();
    }
  });

  it('spells integers without their display width, but TINYINT(1)', () => {
    expect(withoutDisplayWidth('bigint(20) unsigned')).toBe('bigint unsigned');
    expect(withoutDisplayWidth('int(11)')).toBe('int');
    expect(withoutDisplayWidth('tinyint(1)')).toBe('tinyint(1)');
    expect(withoutDisplayWidth('tinyint(4)')).toBe('tinyint');
    expect(withoutDisplayWidth('decimal(12,2)')).toBe('decimal(12,2)');
  });
});

/** What a DDL round trip keeps: columns (generated ones are not created), keys, indexes, foreign keys. */
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
    indexes: schema.indexes
      .map(({ columns, unique }) => ({ columns, unique }))
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    foreignKeys: schema.foreignKeys.map(({ columns, refTable, refColumns, onDelete, onUpdate }) => ({
      columns,
      refTable,
      refColumns,
      onDelete,
      onUpdate,
    })),
  };
}

/** The source's shape with the column changes a round trip makes on purpose. */
function withChanges(schema: TableSchema, changes: Record<string, object>) {
  const expected = shape(schema);
  expected.columns = expected.columns.map((c) => ({ ...c, ...changes[c.name] }));
  // Indexes on generated columns are not created either.
  const generated = new Set(schema.columns.filter((c) => c.generated).map((c) => c.name));
  expected.indexes = expected.indexes.filter((i) => !i.columns.some((c) => generated.has(c)));
  return expected;
}

const TABLES = ['customers', 'orders', 'items'];

describe('MySQL DDL', () => {
  it('writes MySQL DDL from a description', async () => {
    const orders = await introspector.describeTable('orders');
    const ddl = tableDdl(orders, { table: 'copy.orders' });
    expect(ddl.createTable).toBe(
      'CREATE TABLE `copy`.`orders` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT, `region` VARCHAR(10) NOT NULL, ' +
        "`customer_code` VARCHAR(20) NOT NULL, `total` DECIMAL(12,2) NOT NULL DEFAULT 0.00 COMMENT 'Gross, in euros', " +
        "`status` CHAR(1) DEFAULT 'n', `placed_at` DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), `paid` TINYINT(1) DEFAULT 0, " +
        '`note` TEXT, `doc` JSON, `big` BIGINT UNSIGNED, `code` CHAR(36), PRIMARY KEY (`id`)) ' +
        'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    expect(ddl.indexes).toEqual([
      'CREATE UNIQUE INDEX `code_status` ON `copy`.`orders` (`customer_code`, `status`)',
      'CREATE INDEX `orders_customer` ON `copy`.`orders` (`region`, `customer_code`)',
    ]);
    expect(ddl.foreignKeys).toEqual([
      'ALTER TABLE `copy`.`orders` ADD CONSTRAINT `orders_customer_fk` FOREIGN KEY (`region`, `customer_code`) ' +
        'REFERENCES `copy`.`customers` (`region`, `code`) ON DELETE CASCADE',
    ]);
    expect(ddl.afterLoad).toEqual([]);
  });

  it('keeps a wide table within InnoDB’s row size, moving the widest strings off the row', () => {
    const wide: TableSchema = {
      table: { name: 'wide', kind: 'table' },
      columns: ['a', 'b', 'c', 'd', 'k'].map((name) => ({
        name,
        nativeType: 'varchar(5000)',
        type: 'string',
        nullable: true,
        generated: false,
        autoIncrement: false,
        length: name === 'k' ? 100 : 5000,
      })),
      primaryKey: [],
      indexes: [{ name: 'k', columns: ['k'], unique: false }],
      foreignKeys: [],
    };
    expect(tableDdl(wide, { table: 'wide' }).createTable).toBe(
      'CREATE TABLE `wide` (`a` TEXT, `b` TEXT, `c` VARCHAR(5000), `d` VARCHAR(5000), `k` VARCHAR(100)) ' +
        'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
  });

  it('round trip MySQL → PostgreSQL: same columns, keys, indexes and foreign keys', async () => {
    const sources = await Promise.all(TABLES.map((name) => introspector.describeTable(name)));
    const ddls = dependencyOrder(sources).tables.map((schema) =>
      pgTableDdl(schema, { table: `public.${schema.table.name}` }),
    );
    for (const ddl of ddls)
      for (const statement of [ddl.createTable, ...ddl.comments]) await pg.query(statement);
    await pg.query(`INSERT INTO customers VALUES ('eu', 'c1', 'a@x')`);
    await pg.query(`INSERT INTO orders (id, region, customer_code) VALUES (41, 'eu', 'c1')`);
    for (const ddl of ddls)
      for (const statement of [...ddl.indexes, ...ddl.foreignKeys, ...ddl.afterLoad])
        await pg.query(statement);
    const { rows } = await pg.query<{ id: string }>(
      `INSERT INTO orders (region, customer_code, status) VALUES ('eu', 'c1', 'p') RETURNING id`,
    );
    expect(rows[0].id).toBe('42');

    const copied = new PostgresIntrospector(pgConnection);
    try {
      const copies = await Promise.all(TABLES.map((name) => copied.describeTable(name)));
      const changes: Record<string, Record<string, object>> = {
        customers: {},
        orders: {
          // INT UNSIGNED needs PostgreSQL's bigint; BIGINT UNSIGNED its numeric(20,0).
          id: { type: 'bigint' },
          big: { type: 'decimal', precision: 20, scale: 0 },
        },
        items: { order_id: { type: 'bigint' } },
      };
      copies.forEach((copy, i) =>
        expect(shape(copy), TABLES[i]).toEqual(withChanges(sources[i], changes[TABLES[i]])),
      );
      expect(copies[0].table.comment).toBe('Who buys');
      expect(copies[0].indexes.map((i) => i.name)).toEqual(['customers_email']);
      expect(copies[1].indexes.map((i) => i.name)).toEqual(['orders_code_status', 'orders_customer']);
      const byName = Object.fromEntries(copies[1].columns.map((c) => [c.name, c]));
      expect(byName.total).toMatchObject({
        nativeType: 'numeric(12,2)',
        comment: 'Gross, in euros',
        default: '0.00',
      });
      expect(byName.placed_at).toMatchObject({
        nativeType: 'timestamp(3) without time zone',
        default: 'CURRENT_TIMESTAMP',
      });
      expect(byName.paid.default).toBe('false');
      expect(byName.code.nativeType).toBe('uuid');
    } finally {
      await copied.close();
    }
  });

  it('round trip MySQL → SQLite: same columns, keys, indexes and foreign keys', async () => {
    const file = path.join(temp.dir, 'copy.db');
    const sources = await Promise.all(TABLES.map((name) => introspector.describeTable(name)));
    const db = new Database(file);
    for (const schema of dependencyOrder(sources).tables) {
      const ddl = sqliteTableDdl(schema, { table: schema.table.name });
      db.exec(ddl.createTable);
      for (const statement of ddl.indexes) db.exec(statement);
    }
    db.close();
    const copied = new SqliteIntrospector(file);
    try {
      const copies = await Promise.all(TABLES.map((name) => copied.describeTable(name)));
      const changes: Record<string, Record<string, object>> = {
        customers: {},
        // SQLite's timestamps are text, without a precision.
        orders: { placed_at: { precision: undefined } },
        items: {},
      };
      copies.forEach((copy, i) =>
        expect(shape(copy), TABLES[i]).toEqual(withChanges(sources[i], changes[TABLES[i]])),
      );
      const byName = Object.fromEntries(copies[1].columns.map((c) => [c.name, c]));
      expect(byName.id.nativeType).toBe('INTEGER');
      expect(byName.big.nativeType).toBe('BIGINT UNSIGNED');
      expect(byName.total).toMatchObject({ nativeType: 'DECIMAL TEXT(12,2)', default: '0.00' });
    } finally {
      await copied.close();
    }
  });
});
