import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import { CLI_BUILT, runFustgo } from './test-cli';

/*
 * A filter right after a SQL input: what MariaDB can evaluate goes into the source query (fewer
 * rows read), the filter still decides every row, so MariaDB's case-insensitive text comparison
 * never changes the result; `--explain` shows the plan without running.
 */

const DB = 'fustgo_pushdown';
let dir: string;
let dbs: TestDatabases;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir });
}

const pipeline = `version: 1
job: { name: paid-orders }
input:
  type: mysql
  connection: { host: 127.0.0.1, port: 3306, database: ${DB}, username: root }
  query: { table: orders }
pipeline:
  processors:
    - type: filter
      condition: qty > 2 AND status = 'paid' AND UPPER(note) <> 'TEST'
output:
  type: sqlite
  path: out.db
  write: { table: orders, create_table: true }
`;

describe.skipIf(!CLI_BUILT)('filter pushdown', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-pushdown-'));
    dbs = await createTestDatabases(DB);
    await runSql(
      dbs.my,
      'CREATE TABLE orders (id INT PRIMARY KEY, qty INT, status VARCHAR(20), note VARCHAR(20))',
    );
    const rows: string[] = [];
    for (let id = 1; id <= 1000; id++) {
      const status = id % 10 === 0 ? 'Paid' : id % 2 === 0 ? 'paid' : 'void';
      rows.push(`(${id}, ${id % 5}, '${status}', '${id % 7 === 0 ? 'test' : 'ok'}')`);
    }
    await runSql(dbs.my, `INSERT INTO orders VALUES ${rows.join(', ')}`);
    writeFileSync(join(dir, 'paid.yaml'), pipeline);
  });
  afterAll(async () => {
    await dropTestDatabases(DB, dbs ?? {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('--explain shows what the database evaluates and what stays in the pipeline', () => {
    const explained = fustgo('run', 'paid.yaml', '--explain');
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('input: mysql · table orders');
    expect(explained.stdout).toContain("  WHERE `qty` > 2 AND `status` = 'paid'");
    expect(explained.stdout).toContain(
      "pushdown: pipeline.processors[0] (filter) keeps UPPER(note) <> 'TEST' in the pipeline: computed values are evaluated in the pipeline",
    );
    expect(existsSync(join(dir, 'out.db'))).toBe(false);
  });

  it('reads fewer rows and writes exactly what the filter keeps, whatever MariaDB’s collation', () => {
    const run = fustgo('run', 'paid.yaml');
    expect(run.code, run.stderr).toBe(0);
    // qty in (3, 4) and status paid or Paid (MariaDB ignores case): 2 of every 5 ids among the even ones.
    expect(run.stdout).toContain('read 200,');
    const db = new Database(join(dir, 'out.db'), { readonly: true });
    const written = db.prepare('SELECT id, status FROM orders ORDER BY id').all() as {
      id: number;
      status: string;
    }[];
    db.close();
    const expected = [];
    for (let id = 1; id <= 1000; id++) {
      if (id % 5 > 2 && id % 2 === 0 && id % 10 !== 0 && id % 7 !== 0) expected.push(id);
    }
    expect(written.map((r) => r.id)).toEqual(expected);
    expect(written.every((r) => r.status === 'paid')).toBe(true);
  });
});
