import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  rowsOn,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import type { SchemaDiff } from '../../src-shared/api/diff-model';
import { loadAndValidate } from '../config';
import { defaultRegistry } from '../default-registry';
import { applyStatements, DdlApplyError, diffPipeline, diffStatements } from './schema-diff';

/*
 * The schema diff against the local MariaDB and PostgreSQL (and SQLite files), in databases of
 * its own: what a pipeline writes beside a target that is too short, lacks a column and has a
 * wrong type; the DDL applied; the diff again.
 */

const DB = `fustgo_test_diff_${randomBytes(4).toString('hex')}`;
const registry = defaultRegistry();
const mariadb = `{ host: 127.0.0.1, port: 3306, database: ${DB}, username: root }`;
const postgres = `{ host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }`;
let dbs: TestDatabases;
let dir: string;
let sqliteFile: string;

async function diffOf(name: string, yaml: string): Promise<{ diff: SchemaDiff; file: string }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `version: 1\njob: { name: ${name} }\n${yaml}`);
  const checked = await loadAndValidate(file, registry);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return { diff: await diffPipeline(checked.loaded, { registry }), file };
}

async function apply(file: string, statements: string[]) {
  const checked = await loadAndValidate(file, registry);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return applyStatements(checked.loaded, statements, { registry });
}

/** Each row as `source → target status (codes)`. */
const rowsOf = (diff: SchemaDiff, table = 0) =>
  diff.tables[table].rows.map(
    (row) =>
      `${row.source ? `${row.source.name} ${row.source.native_type}` : '-'} → ${row.target ? `${row.target.name} ${row.target.native_type}` : '-'}: ${row.status} (${row.reasons.map((r) => r.code).join(', ')})`,
  );

describe('schema diff against the local databases', () => {
  beforeAll(async () => {
    dbs = await createTestDatabases(DB);
    dir = mkdtempSync(join(tmpdir(), 'fustgo-diff-'));
    sqliteFile = join(dir, 'target.db');
    await execOn(
      dbs,
      sqliteFile,
      'mysql',
      `CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200),
        score VARCHAR(10), created_at DATETIME(6), balance DECIMAL(12,2) NOT NULL DEFAULT 0)`,
      "INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '7', '2024-01-02 03:04:05.123456', 10.5)",
      'CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(14,4))',
    );
    await execOn(
      dbs,
      sqliteFile,
      'postgresql',
      `CREATE TABLE customers (id integer PRIMARY KEY, name varchar(50) NOT NULL, score integer,
        created_at timestamp(6), balance numeric(12,2) NOT NULL DEFAULT 0, note text)`,
      "INSERT INTO customers VALUES (1, 'Ada', 5, '2024-01-01 00:00:00', 0, 'kept')",
      'CREATE TABLE orders (id numeric(20,0) PRIMARY KEY, customer_id integer NOT NULL)',
      `CREATE TABLE products (id integer PRIMARY KEY, sku varchar(20) NOT NULL, price numeric(10,2),
        updated_at timestamptz(6) NOT NULL DEFAULT now())`,
      "INSERT INTO products VALUES (1, 'SKU-1', 9.99)",
    );
  });

  afterAll(async () => {
    await dropTestDatabases(DB, dbs ?? {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('compares a MariaDB table with a PostgreSQL table, applies the DDL in one transaction and then fits', async () => {
    const pipeline = `input:
  type: mysql
  connection: ${mariadb}
  query: { table: customers }
output:
  type: postgresql
  connection: ${postgres}
  write: { table: customers, mode: upsert }
  conflict: { key: [id] }
`;
    const { diff, file } = await diffOf('customers', pipeline);
    expect(diff.source).toBe('mysql 127.0.0.1/' + DB);
    expect(diff.target).toBe('postgresql 127.0.0.1/' + DB);
    expect(rowsOf(diff)).toEqual([
      'id int → id integer: compatible (fits)',
      'name varchar(100) → name character varying(50): warning (length_shorter)',
      'email varchar(200) → -: missing_in_target (no_such_column)',
      'score varchar(10) → score integer: incompatible (text_to_typed)',
      'created_at datetime(6) → created_at timestamp(6) without time zone: compatible (fits)',
      'balance decimal(12,2) → balance numeric(12,2): compatible (fits)',
      '- → note text: missing_in_source (left_null)',
    ]);
    expect(diff.ok).toBe(false);
    expect(diff.counts).toEqual({
      compatible: 3,
      warning: 1,
      incompatible: 1,
      missing_in_source: 1,
      missing_in_target: 1,
    });
    const statements = diffStatements(diff);
    expect(statements).toEqual([
      'ALTER TABLE "customers" ALTER COLUMN "name" TYPE varchar(100) USING "name"::varchar(100)',
      'ALTER TABLE "customers" ADD COLUMN "email" varchar(200)',
      'ALTER TABLE "customers" ALTER COLUMN "score" TYPE varchar(10) USING "score"::varchar(10)',
    ]);

    const applied = await apply(file, statements);
    expect(applied).toMatchObject({ applied: statements, transactional: true, database: 'PostgreSQL' });
    const after = (await diffOf('customers', pipeline)).diff;
    expect(after.tables[0].rows.map((r) => r.status)).toEqual([
      'compatible',
      'compatible',
      'compatible',
      'compatible',
      'compatible',
      'compatible',
      'missing_in_source',
    ]);
    expect(after.ok).toBe(true);
    expect(diffStatements(after)).toEqual([]);
    // The rows the table held are still there, converted.
    expect(
      await rowsOn(dbs, sqliteFile, 'postgresql', 'SELECT id, name, score, note FROM customers'),
    ).toEqual([[1, 'Ada', '5', 'kept']]);
  });

  it('rolls a failing statement back in PostgreSQL, leaving the table as it was', async () => {
    const { file } = await diffOf(
      'rollback',
      `input:
  type: mysql
  connection: ${mariadb}
  query: { table: orders }
output:
  type: postgresql
  connection: ${postgres}
  write: { table: orders }
`,
    );
    const failing = apply(file, [
      'ALTER TABLE "orders" ADD COLUMN "total" numeric(14,4)',
      'ALTER TABLE "orders" ALTER COLUMN "nope" TYPE text',
    ]);
    await expect(failing).rejects.toThrow(DdlApplyError);
    await expect(failing).rejects.toThrow(/statement 2 of 2 failed: .*nope.*nothing was changed/);
    expect(
      await rowsOn(
        dbs,
        sqliteFile,
        'postgresql',
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position",
      ),
    ).toEqual([['id'], ['customer_id']]);
  });

  it('carries sizes through a mapping into the CREATE TABLE of a missing table', async () => {
    const pipeline = `input:
  type: mysql
  connection: ${mariadb}
  query: { table: customers, columns: [id, name, balance] }
pipeline:
  processors:
    - type: mapping
      fields: { customer_id: id, full_name: name, balance: balance }
output:
  type: postgresql
  connection: ${postgres}
  write: { table: public.customer_names }
  conflict: { key: [customer_id] }
`;
    const { diff, file } = await diffOf('names', pipeline);
    expect(diff.tables[0]).toMatchObject({
      target_table: 'public.customer_names',
      target_exists: false,
      ok: true,
    });
    expect(rowsOf(diff)).toEqual([
      'customer_id int → -: missing_in_target (table_missing)',
      'full_name varchar(100) → -: missing_in_target (table_missing)',
      'balance decimal(12,2) → -: missing_in_target (table_missing)',
    ]);
    expect(diffStatements(diff)).toEqual([
      'CREATE TABLE "public"."customer_names" ("customer_id" integer NOT NULL, "full_name" varchar(100) NOT NULL, "balance" numeric(12,2) DEFAULT 0.00 NOT NULL, PRIMARY KEY ("customer_id"))',
    ]);
    await apply(file, diffStatements(diff));
    const after = (await diffOf('names', pipeline)).diff;
    expect(after.tables[0].rows.map((r) => r.status)).toEqual(['compatible', 'compatible', 'compatible']);
  });

  it('fits a MariaDB target with MODIFY COLUMN, each statement committed on its own', async () => {
    await execOn(
      dbs,
      sqliteFile,
      'mysql',
      `CREATE TABLE products (id INT PRIMARY KEY, sku VARCHAR(10) NOT NULL COMMENT 'stock code',
        updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`,
    );
    const pipeline = `input:
  type: postgresql
  connection: ${postgres}
  query: { table: products }
output:
  type: mysql
  connection: ${mariadb}
  write: { table: products }
`;
    const { diff, file } = await diffOf('products', pipeline);
    expect(rowsOf(diff)).toEqual([
      'id integer → id int: compatible (fits)',
      'sku character varying(20) → sku varchar(10): warning (length_shorter)',
      'price numeric(10,2) → -: missing_in_target (no_such_column)',
      'updated_at timestamp(6) with time zone → updated_at datetime(6): warning (zone_dropped)',
    ]);
    expect(diff.transactional_ddl).toBe(false);
    const statements = diffStatements(diff);
    expect(statements).toEqual([
      "ALTER TABLE `products` MODIFY COLUMN `sku` VARCHAR(20) NOT NULL COMMENT 'stock code'",
      'ALTER TABLE `products` ADD COLUMN `price` DECIMAL(10,2)',
    ]);
    const applied = await apply(file, statements);
    expect(applied.transactional).toBe(false);
    expect(applied.note.text).toBe('MySQL committed each DDL statement on its own');
    const after = (await diffOf('products', pipeline)).diff;
    expect(after.tables[0].rows.map((r) => r.status)).toEqual([
      'compatible',
      'compatible',
      'compatible',
      'warning',
    ]);
    expect(after.ok).toBe(true);
    // MODIFY kept the comment.
    expect(
      await rowsOn(
        dbs,
        sqliteFile,
        'mysql',
        `SELECT COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${DB}' AND TABLE_NAME = 'products' AND COLUMN_NAME = 'sku'`,
      ),
    ).toEqual([['stock code']]);
  });

  it('adds a column to a SQLite file and says what SQLite cannot alter', async () => {
    await execOn(
      dbs,
      sqliteFile,
      'sqlite',
      'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER)',
    );
    const pipeline = `input:
  type: mysql
  connection: ${mariadb}
  query: { table: customers, columns: [id, name, email, score] }
output:
  type: sqlite
  path: target.db
  write: { table: customers }
`;
    const { diff, file } = await diffOf('to-sqlite', pipeline);
    expect(rowsOf(diff)).toEqual([
      'id int → id INTEGER: compatible (fits)',
      'name varchar(100) → name TEXT: compatible (fits)',
      'email varchar(200) → -: missing_in_target (no_such_column)',
      'score varchar(10) → score INTEGER: incompatible (text_to_typed)',
    ]);
    expect(diffStatements(diff)).toEqual(['ALTER TABLE "customers" ADD COLUMN "email" VARCHAR(200)']);
    expect(diff.tables[0].notes.map((n) => n.code)).toEqual(['cannot_alter', 'sizes_not_enforced']);
    await apply(file, diffStatements(diff));
    const after = (await diffOf('to-sqlite', pipeline)).diff;
    expect(after.tables[0].rows.map((r) => r.status)).toEqual([
      'compatible',
      'compatible',
      'compatible',
      'incompatible',
    ]);
    expect(after.ok).toBe(false);
  });

  it('diffs each table of a whole-database copy under the pattern’s names', async () => {
    const { diff } = await diffOf(
      'tables',
      `input:
  type: mysql
  connection: ${mariadb}
  query: { tables: [customers, orders] }
output:
  type: postgresql
  connection: ${postgres}
  write: { table: "stg_*" }
`,
    );
    expect(diff.tables.map((t) => [t.source_table, t.target_table, t.target_exists])).toEqual([
      [`${DB}.customers`, 'stg_customers', false],
      [`${DB}.orders`, 'stg_orders', false],
    ]);
    expect(diffStatements(diff)).toEqual([
      'CREATE TABLE "stg_customers" ("id" integer NOT NULL, "name" varchar(100) NOT NULL, "email" varchar(200), "score" varchar(10), "created_at" timestamp(6), "balance" numeric(12,2) DEFAULT 0.00 NOT NULL, PRIMARY KEY ("id"))',
      'CREATE TABLE "stg_orders" ("id" numeric(20,0) NOT NULL, "customer_id" integer NOT NULL, "total" numeric(14,4), PRIMARY KEY ("id"))',
    ]);
  });

  it('reads a query’s columns from its first row', async () => {
    const { diff } = await diffOf(
      'query',
      `input:
  type: postgresql
  connection: ${postgres}
  query: { sql: "SELECT id, sku AS name FROM products" }
output:
  type: postgresql
  connection: ${postgres}
  write: { table: customers }
`,
    );
    expect(diff.tables[0].source_table).toBe('query');
    expect(diff.tables[0].notes.map((n) => n.code)).toEqual(['columns_from_rows']);
    expect(rowsOf(diff).slice(0, 2)).toEqual([
      'id int4 → id integer: compatible (fits)',
      'name varchar → name character varying(100): warning (length_unbounded)',
    ]);
  });
});
