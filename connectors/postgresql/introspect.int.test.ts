import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDdl as mysqlTableDdl } from '../mysql/ddl';
import { MysqlIntrospector } from '../mysql/introspect';
import { connectMysql, runSql } from '../mysql/connection';
import type { SqlConnection } from '../shared/sql/config';
import { dependencyOrder, type TableSchema } from '../shared/sql/introspection';
import { testContext } from '../shared/test-support';
import { tableDdl } from './ddl';
import { PostgresIntrospector } from './introspect';
import { postgresqlInput, postgresqlOutput } from './spec';

/*
 * Against the local PostgreSQL (127.0.0.1:5432, postgres) and, for the DDL round trip, MariaDB
 * (127.0.0.1:3306, root): a database of their own in each, dropped at the end.
 */

const DB = `fustgo_test_intro_pg_${randomBytes(4).toString('hex')}`;
const connection: SqlConnection = { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' };
const myConnection: SqlConnection = { host: '127.0.0.1', port: 3306, database: DB, username: 'root' };
let admin: Client;
let db: Client;
let mysql: Connection;
let introspector: PostgresIntrospector;

const SCHEMA = `
  CREATE SCHEMA shop;
  CREATE TABLE shop.customers (
    region text NOT NULL,
    code varchar(20) NOT NULL,
    email varchar(200),
    PRIMARY KEY (region, code)
  );
  COMMENT ON TABLE shop.customers IS 'Who buys';
  CREATE UNIQUE INDEX customers_email_key ON shop.customers (email);
  CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region text NOT NULL,
    customer_code varchar(20) NOT NULL,
    total numeric(12,2) NOT NULL DEFAULT 0,
    status char(1) DEFAULT 'n',
    placed_at timestamptz(3) DEFAULT now(),
    paid boolean DEFAULT false,
    note text,
    doc jsonb,
    total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED,
    CONSTRAINT orders_customer_fkey FOREIGN KEY (region, customer_code)
      REFERENCES shop.customers (region, code) ON DELETE CASCADE
  );
  COMMENT ON COLUMN shop.orders.total IS 'Gross, in euros';
  CREATE UNIQUE INDEX orders_code_status_key ON shop.orders (customer_code, status);
  CREATE INDEX orders_customer_idx ON shop.orders (region, customer_code);
  CREATE INDEX orders_placed_idx ON shop.orders (placed_at) INCLUDE (total);
  CREATE INDEX orders_total_cents_idx ON shop.orders (total_cents);
  CREATE INDEX orders_lower_note ON shop.orders (lower(note));
  CREATE INDEX orders_open ON shop.orders (status) WHERE status = 'n';
  CREATE TABLE shop.items (
    order_id bigint NOT NULL REFERENCES shop.orders ON UPDATE CASCADE,
    line int NOT NULL,
    qty smallint,
    PRIMARY KEY (order_id, line)
  );
  CREATE TABLE shop.notes (
    id serial PRIMARY KEY,
    order_id bigint NOT NULL,
    parent_id int REFERENCES shop.notes (id),
    body varchar(500) NOT NULL,
    CONSTRAINT notes_order_fkey FOREIGN KEY (order_id) REFERENCES shop.orders (id)
  );
  CREATE INDEX notes_order_idx ON shop.notes (order_id);
  CREATE INDEX notes_parent_idx ON shop.notes (parent_id);
  CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
  CREATE TABLE public.things (id int);
  INSERT INTO shop.customers VALUES ('eu', 'c1', 'a@x'), ('eu', 'c2', 'b@x'), ('us', 'c1', NULL);
  INSERT INTO shop.orders (region, customer_code, total) VALUES ('eu', 'c1', 10), ('eu', 'c2', 250.5);
  ANALYZE;
`;

beforeAll(async () => {
  admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  db = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB });
  await db.connect();
  await db.query(SCHEMA);
  mysql = await connectMysql({ ...myConnection, database: 'mysql' });
  await runSql(mysql, `CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
  introspector = new PostgresIntrospector(connection);
});

afterAll(async () => {
  await introspector?.close();
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin?.end();
  if (mysql) await runSql(mysql, `DROP DATABASE IF EXISTS ${DB}`);
  mysql?.destroy();
});

describe('PostgreSQL introspection', () => {
  it('lists the schemas, and tables and views with estimates and comments', async () => {
    expect(await introspector.listDatabases()).toEqual(['public', 'shop']);
    expect(await introspector.listTables('shop')).toEqual([
      { schema: 'shop', name: 'big_orders', kind: 'view' },
      { schema: 'shop', name: 'customers', kind: 'table', rowEstimate: 3, comment: 'Who buys' },
      { schema: 'shop', name: 'items', kind: 'table', rowEstimate: 0 },
      { schema: 'shop', name: 'notes', kind: 'table', rowEstimate: 0 },
      { schema: 'shop', name: 'orders', kind: 'table', rowEstimate: 2 },
    ]);
    const all = await introspector.listTables();
    expect(all.map((t) => `${t.schema}.${t.name}`)).toEqual([
      'public.things',
      'shop.big_orders',
      'shop.customers',
      'shop.items',
      'shop.notes',
      'shop.orders',
    ]);
  });

  it('describes columns: native and logical types, sizes, defaults, comments, identity and generated columns', async () => {
    const orders = await introspector.describeTable('shop.orders');
    expect(orders.table).toEqual({ schema: 'shop', name: 'orders', kind: 'table', rowEstimate: 2 });
    expect(orders.columns).toEqual([
      {
        name: 'id',
        nativeType: 'bigint',
        type: 'bigint',
        nullable: false,
        generated: false,
        autoIncrement: true,
      },
      {
        name: 'region',
        nativeType: 'text',
        type: 'string',
        nullable: false,
        generated: false,
        autoIncrement: false,
      },
      {
        name: 'customer_code',
        nativeType: 'character varying(20)',
        type: 'string',
        nullable: false,
        generated: false,
        autoIncrement: false,
        length: 20,
      },
      {
        name: 'total',
        nativeType: 'numeric(12,2)',
        type: 'decimal',
        nullable: false,
        default: '0',
        comment: 'Gross, in euros',
        generated: false,
        autoIncrement: false,
        precision: 12,
        scale: 2,
      },
      {
        name: 'status',
        nativeType: 'character(1)',
        type: 'string',
        nullable: true,
        default: "'n'::bpchar",
        generated: false,
        autoIncrement: false,
        length: 1,
      },
      {
        name: 'placed_at',
        nativeType: 'timestamp(3) with time zone',
        type: 'timestamptz',
        nullable: true,
        default: 'now()',
        generated: false,
        autoIncrement: false,
        precision: 3,
      },
      {
        name: 'paid',
        nativeType: 'boolean',
        type: 'bool',
        nullable: true,
        default: 'false',
        generated: false,
        autoIncrement: false,
      },
      {
        name: 'note',
        nativeType: 'text',
        type: 'string',
        nullable: true,
        generated: false,
        autoIncrement: false,
      },
      {
        name: 'doc',
        nativeType: 'jsonb',
        type: 'json',
        nullable: true,
        generated: false,
        autoIncrement: false,
      },
      {
        name: 'total_cents',
        nativeType: 'bigint',
        type: 'bigint',
        nullable: true,
        generated: true,
        autoIncrement: false,
      },
    ]);
  });

  it('describes keys: primary key, plain indexes (key columns only), composite foreign keys', async () => {
    const orders = await introspector.describeTable('shop.orders');
    expect(orders.primaryKey).toEqual(['id']);
    // The expression and partial indexes have no column list; INCLUDE columns are not keys.
    expect(orders.indexes).toEqual([
      { name: 'orders_code_status_key', columns: ['customer_code', 'status'], unique: true },
      { name: 'orders_customer_idx', columns: ['region', 'customer_code'], unique: false },
      { name: 'orders_placed_idx', columns: ['placed_at'], unique: false },
      { name: 'orders_total_cents_idx', columns: ['total_cents'], unique: false },
    ]);
    expect(orders.foreignKeys).toEqual([
      {
        name: 'orders_customer_fkey',
        columns: ['region', 'customer_code'],
        refSchema: 'shop',
        refTable: 'customers',
        refColumns: ['region', 'code'],
        onDelete: 'CASCADE',
      },
    ]);
    const customers = await introspector.describeTable('shop.customers');
    expect(customers.primaryKey).toEqual(['region', 'code']);
    expect(customers.table.comment).toBe('Who buys');
    const items = await introspector.describeTable('shop.items');
    expect(items.primaryKey).toEqual(['order_id', 'line']);
    expect(items.foreignKeys).toEqual([
      {
        name: 'items_order_id_fkey',
        columns: ['order_id'],
        refSchema: 'shop',
        refTable: 'orders',
        refColumns: ['id'],
        onUpdate: 'CASCADE',
      },
    ]);
    const notes = await introspector.describeTable('shop.notes');
    expect(notes.columns[0]).toMatchObject({ name: 'id', autoIncrement: true, nullable: false });
    expect(notes.columns[0].default).toMatch(/^nextval\(/);
    expect(notes.foreignKeys.map((fk) => [fk.name, fk.refTable])).toEqual([
      ['notes_order_fkey', 'orders'],
      ['notes_parent_id_fkey', 'notes'],
    ]);
  });

  it('resolves unqualified names through the search path, describes views, and names a missing table', async () => {
    expect((await introspector.describeTable('things')).table).toMatchObject({
      schema: 'public',
      name: 'things',
    });
    const view = await introspector.describeTable('shop.big_orders');
    expect(view.table).toEqual({ schema: 'shop', name: 'big_orders', kind: 'view' });
    expect(view.columns.map((c) => c.name)).toContain('total');
    await expect(introspector.describeTable('orders')).rejects.toThrow(
      `table "orders" not found in PostgreSQL at 127.0.0.1:5432 database "${DB}"`,
    );
  });

  it('is what the postgresql input and output offer', async () => {
    const ctx = testContext();
    const fromInput = postgresqlInput.introspect?.({ connection, query: { table: 'shop.orders' } }, ctx);
    const fromOutput = postgresqlOutput.introspect?.({ connection, write: { table: 'shop.orders' } }, ctx);
    try {
      expect(await fromInput?.listDatabases()).toEqual(['public', 'shop']);
      expect((await fromOutput?.describeTable('shop.customers'))?.primaryKey).toEqual(['region', 'code']);
    } finally {
      await fromInput?.close();
      await fromOutput?.close();
    }
  });

  it('reports a server that does not answer, naming it', async () => {
    const nowhere = new PostgresIntrospector({ ...connection, port: 1 });
    await expect(nowhere.listDatabases()).rejects.toThrow('cannot connect to PostgreSQL at 127.0.0.1:1');
    await nowhere.close();
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

/** Column changes a round trip makes on purpose. */
function withChanges(schema: TableSchema, changes: Record<string, object>) {
  const expected = shape(schema);
  expected.columns = expected.columns.map((c) => ({ ...c, ...changes[c.name] }));
  // Indexes on generated columns are not created either.
  const generated = new Set(schema.columns.filter((c) => c.generated).map((c) => c.name));
  expected.indexes = expected.indexes.filter((i) => !i.columns.some((c) => generated.has(c)));
  return expected;
}

async function describeAll(source: PostgresIntrospector | MysqlIntrospector, names: string[]) {
  return Promise.all(names.map((name) => source.describeTable(name)));
}

describe('PostgreSQL DDL', () => {
  it('writes PostgreSQL DDL from a description', async () => {
    const orders = await introspector.describeTable('shop.orders');
    const ddl = tableDdl(orders, { table: 'copy.orders' });
    expect(ddl.createTable).toBe(
      'CREATE TABLE "copy"."orders" ("id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "region" text NOT NULL, ' +
        '"customer_code" varchar(20) NOT NULL, "total" numeric(12,2) DEFAULT 0 NOT NULL, ' +
        `"status" char(1) DEFAULT 'n', "placed_at" timestamptz(3) DEFAULT CURRENT_TIMESTAMP, ` +
        '"paid" boolean DEFAULT false, "note" text, "doc" jsonb, PRIMARY KEY ("id"))',
    );
    expect(ddl.comments).toEqual([`COMMENT ON COLUMN "copy"."orders"."total" IS 'Gross, in euros'`]);
    expect(ddl.indexes).toEqual([
      'CREATE UNIQUE INDEX "orders_code_status_key" ON "copy"."orders" ("customer_code", "status")',
      'CREATE INDEX "orders_customer_idx" ON "copy"."orders" ("region", "customer_code")',
      'CREATE INDEX "orders_placed_idx" ON "copy"."orders" ("placed_at")',
    ]);
    expect(ddl.foreignKeys).toEqual([
      'ALTER TABLE "copy"."orders" ADD CONSTRAINT "orders_customer_fkey" FOREIGN KEY ("region", "customer_code") ' +
        'REFERENCES "copy"."customers" ("region", "code") ON DELETE CASCADE',
    ]);
    expect(ddl.afterLoad).toEqual([
      `SELECT setval(pg_get_serial_sequence('"copy"."orders"', 'id'), coalesce(max("id"), 0) + 1, false) FROM "copy"."orders"`,
    ]);
  });

  it('round trip PostgreSQL → PostgreSQL: another schema, loaded, identities moved past the rows', async () => {
    await db.query('CREATE SCHEMA copy');
    const sources = await describeAll(introspector, [
      'shop.customers',
      'shop.orders',
      'shop.items',
      'shop.notes',
    ]);
    const { tables, deferred } = dependencyOrder(sources);
    expect(tables.map((t) => t.table.name)).toEqual(['customers', 'orders', 'items', 'notes']);
    expect(deferred.map((d) => d.foreignKey.name)).toEqual(['notes_parent_id_fkey']);
    const ddls = tables.map((schema) => tableDdl(schema, { table: `copy.${schema.table.name}` }));
    for (const ddl of ddls) for (const sql of [ddl.createTable, ...ddl.comments]) await db.query(sql);
    await db.query('INSERT INTO copy.customers SELECT * FROM shop.customers');
    await db.query(
      'INSERT INTO copy.orders (id, region, customer_code, total) SELECT id, region, customer_code, total FROM shop.orders',
    );
    for (const ddl of ddls)
      for (const sql of [...ddl.indexes, ...ddl.foreignKeys, ...ddl.afterLoad]) await db.query(sql);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO copy.orders (region, customer_code, status) VALUES ('us', 'c1', 'p') RETURNING id`,
    );
    expect(rows[0].id).toBe('3');

    for (const source of sources) {
      const copy = await introspector.describeTable(`copy.${source.table.name}`);
      expect(shape(copy)).toEqual(withChanges(source, {}));
      expect(copy.indexes.map((i) => i.name)).toEqual(
        source.indexes.filter((i) => i.name !== 'orders_total_cents_idx').map((i) => i.name),
      );
      expect(copy.table.comment).toBe(source.table.comment);
    }
  });

  it('round trip PostgreSQL → MySQL: same columns, keys, indexes and foreign keys', async () => {
    const sources = await describeAll(introspector, [
      'shop.customers',
      'shop.orders',
      'shop.items',
      'shop.notes',
    ]);
    const ddls = dependencyOrder(sources).tables.map((schema) =>
      mysqlTableDdl(schema, { table: `${DB}.${schema.table.name}` }),
    );
    for (const ddl of ddls) await runSql(mysql, ddl.createTable);
    for (const ddl of ddls) for (const sql of [...ddl.indexes, ...ddl.foreignKeys]) await runSql(mysql, sql);

    const copied = new MysqlIntrospector(myConnection);
    try {
      const copies = await describeAll(copied, ['customers', 'orders', 'items', 'notes']);
      const expected = {
        // A key column of text becomes VARCHAR(255): MySQL indexes no TEXT without a length.
        customers: { region: { length: 255 } },
        orders: {
          region: { length: 255 },
          // MySQL's DATETIME has no time zone (the writer stores UTC in it).
          placed_at: { type: 'timestamp' },
          // smallint → int and char(1) stay as they are; the rest as in PostgreSQL.
        },
        items: {},
        notes: {},
      };
      copies.forEach((copy, i) => {
        const name = sources[i].table.name as keyof typeof expected;
        expect(shape(copy), name).toEqual(withChanges(sources[i], expected[name]));
      });
      expect(copies[0].table.comment).toBe('Who buys');
      expect(copies[1].columns.find((c) => c.name === 'total')).toMatchObject({
        nativeType: 'decimal(12,2)',
        comment: 'Gross, in euros',
        default: '0.00',
      });
      expect(copies[1].columns.find((c) => c.name === 'paid')?.default).toBe('0');
      expect(copies[1].columns.find((c) => c.name === 'doc')?.type).toBe('json');
      expect(copies[3].foreignKeys.map((fk) => fk.name)).toEqual([
        'notes_order_fkey',
        'notes_parent_id_fkey',
      ]);
    } finally {
      await copied.close();
    }
  });
});
