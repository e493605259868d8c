import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mysql2';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMysql, runSql } from '../../connectors/mysql/connection';
import { CLI_BUILT, runFustgo } from './test-cli';

/*
 * `fustgo run` (the built command) copying a whole MariaDB database into PostgreSQL: the summary
 * is followed by one line per table; a table pattern that matches nothing is a config error at
 * its place in the file. Against the local servers, in databases of its own.
 */

const DB = `fustgo_test_cli_tables_${randomBytes(4).toString('hex')}`;
let dir: string;
let my: Connection | undefined;
let pgAdmin: Client | undefined;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir });
}

const pipeline = (tables: string) => `version: 1
job: { name: shop-move }
input:
  type: mysql
  connection: { host: 127.0.0.1, port: 3306, database: ${DB}, username: root }
  query: { tables: ${tables}, exclude: [tmp_*] }
pipeline:
  channels: 2
output:
  type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }
  write: { table: "*" }
`;

describe.skipIf(!CLI_BUILT)('fustgo run with query.tables', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-tables-'));
    writeFileSync(join(dir, 'move.yaml'), pipeline('["*"]'));
    writeFileSync(join(dir, 'typo.yaml'), pipeline('[customers, ordres]'));
    my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
    await runSql(my, `CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
    await runSql(my, `USE ${DB}`);
    for (const statement of [
      'CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL)',
      `CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2),
        CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))`,
      'CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)',
      'CREATE TABLE tmp_scratch (x INT)',
      `INSERT INTO customers (name) SELECT CONCAT('c', seq) FROM seq_1_to_1200`,
      'INSERT INTO orders SELECT seq, seq % 1200 + 1, seq / 4 FROM seq_1_to_3500',
      'ANALYZE TABLE customers, orders, notes',
    ])
      await runSql(my, statement);
    pgAdmin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await pgAdmin.connect();
    await pgAdmin.query(`CREATE DATABASE ${DB}`);
  });

  afterAll(async () => {
    if (my) {
      await runSql(my, `DROP DATABASE IF EXISTS ${DB}`);
      my.destroy();
    }
    await pgAdmin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await pgAdmin?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one line per table after the summary', () => {
    const run = fustgo('run', 'move.yaml');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    const summary = lines.findIndex((l) => l.startsWith('completed: read 4,700, written 4,700, failed 0'));
    expect(summary).toBeGreaterThanOrEqual(0);
    expect(lines.slice(summary + 1, summary + 5)).toEqual([
      `  table${' '.repeat(DB.length + 8)}read  written  failed`,
      `  ${DB}.customers  1,200    1,200       0`,
      `  ${DB}.notes          0        0       0`,
      `  ${DB}.orders     3,500    3,500       0`,
    ]);
    expect(run.stdout).toContain('note: query.tables: 3 tables, 2 read at a time, largest first');
    expect(run.stdout).toMatch(
      /note: created 3 tables before loading; after loading built 1 index, 1 foreign key and 1 sequence reset in/,
    );
  });

  it('names a table pattern that matches nothing at its place in the file', () => {
    const run = fustgo('run', 'typo.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'typo.yaml:6:12: input.query.tables: no table matches "ordres" (among 4 tables)',
    );
  });
});
