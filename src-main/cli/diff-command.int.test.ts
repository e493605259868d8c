import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import type { SchemaDiff } from '../../src-shared/api/diff-model';
import { CLI_BUILT, runFustgo } from './test-cli';

/*
 * `fustgo diff` (the built command) on a MariaDB → PostgreSQL pipeline: the comparison table,
 * the DDL as a script, JSON, --apply, and the exit codes (0 fits, 1 the run would fail, 2 an
 * invalid config or an output without tables, 3 a database it cannot reach).
 */

const DB = `fustgo_test_cli_diff_${randomBytes(4).toString('hex')}`;
let dir: string;
let dbs: TestDatabases | undefined;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir });
}

const pipeline = (output: string, port = 3306) => `version: 1
job: { name: customers-to-pg }
input:
  type: mysql
  connection: { host: 127.0.0.1, port: ${port}, database: ${DB}, username: root }
  query: { table: customers }
output:
${output}
`;

const postgresOutput = (table: string, more = '') => `  type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }
  write: { table: ${table}${more} }`;

describe.skipIf(!CLI_BUILT)('fustgo diff', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-diff-cli-'));
    dbs = await createTestDatabases(DB);
    await execOn(
      dbs,
      '',
      'mysql',
      'CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200), score VARCHAR(10))',
    );
    await execOn(
      dbs,
      '',
      'postgresql',
      'CREATE TABLE customers (id integer PRIMARY KEY, name varchar(50) NOT NULL, score integer)',
    );
    writeFileSync(join(dir, 'diff.yaml'), pipeline(postgresOutput('customers')));
    writeFileSync(join(dir, 'missing.yaml'), pipeline(postgresOutput('nowhere')));
    writeFileSync(
      join(dir, 'missing-off.yaml'),
      pipeline(postgresOutput('nowhere', ', create_table: false')),
    );
    writeFileSync(join(dir, 'to-file.yaml'), pipeline('  type: file\n  path: out.csv'));
    writeFileSync(join(dir, 'invalid.yaml'), pipeline('  type: postgresql\n  write: { table: customers }'));
    writeFileSync(join(dir, 'unreachable.yaml'), pipeline(postgresOutput('customers'), 1));
  });

  afterAll(async () => {
    await dropTestDatabases(DB, dbs ?? {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the comparison and exits 1 when the run would fail', () => {
    const run = fustgo('diff', 'diff.yaml');
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'diff diff.yaml',
      `  source  mysql 127.0.0.1/${DB}`,
      `  target  postgresql 127.0.0.1/${DB}`,
      '',
    ]);
    expect(lines[4]).toBe(`${DB}.customers → customers`);
    expect(lines[5]).toMatch(/^ {2}SOURCE +TYPE +TARGET +TYPE +STATUS +SUGGESTED +WHY$/);
    expect(lines[7]).toMatch(
      /^ {2}name +varchar\(100\) +name +character varying\(50\) +warning +varchar\(100\) +values longer than 50 are refused \(the source allows 100\)$/,
    );
    expect(lines[8]).toMatch(
      /^ {2}email +varchar\(200\) +- +missing in target \* +varchar\(200\) +the target table has no such column/,
    );
    expect(lines[9]).toMatch(
      /^ {2}score +varchar\(10\) +score +integer +incompatible \* +varchar\(10\) +text goes into integer/,
    );
    expect(run.stdout).toContain(
      '1 compatible, 1 warning, 1 incompatible, 1 missing in target: the run would fail as the target is (rows marked *)',
    );
    expect(run.stdout).toContain(
      '3 DDL statements would fit the target: --ddl shows them, --apply runs them',
    );
  });

  it('prints the DDL as a script with --ddl, and the whole diff as JSON with --json', () => {
    const ddl = fustgo('diff', 'diff.yaml', '--ddl');
    expect(ddl.code).toBe(1);
    expect(ddl.stdout.split('\n')).toEqual([
      `-- schema diff: DDL for PostgreSQL (postgresql 127.0.0.1/${DB}); run them in one transaction`,
      '',
      `-- ${DB}.customers → customers`,
      'ALTER TABLE "customers" ALTER COLUMN "name" TYPE varchar(100) USING "name"::varchar(100);',
      'ALTER TABLE "customers" ADD COLUMN "email" varchar(200);',
      'ALTER TABLE "customers" ALTER COLUMN "score" TYPE varchar(10) USING "score"::varchar(10);',
      '',
    ]);
    const json = fustgo('diff', 'diff.yaml', '--json');
    const diff = JSON.parse(json.stdout) as SchemaDiff;
    expect(diff.ok).toBe(false);
    expect(diff.tables[0].rows.map((r) => r.status)).toEqual([
      'compatible',
      'warning',
      'missing_in_target',
      'incompatible',
    ]);
  });

  it('exits 0 for a missing table the run creates, 1 when create_table is off', () => {
    const created = fustgo('diff', 'missing.yaml');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('(the table does not exist)');
    expect(created.stdout).toContain('note: the table does not exist: the run creates it');
    const off = fustgo('diff', 'missing-off.yaml');
    expect(off.code).toBe(1);
    expect(off.stdout).toContain('write.create_table is off');
  });

  it('exits 2 for an invalid config or an output without tables, 3 for a database it cannot reach', () => {
    const invalid = fustgo('diff', 'invalid.yaml');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^invalid\.yaml:\d+:\d+: output: /);
    const file = fustgo('diff', 'to-file.yaml');
    expect(file.code).toBe(2);
    expect(file.stderr.trim()).toBe(
      'to-file.yaml:8:3: output.type: the schema diff compares with a database table (outputs postgresql, mysql, sqlite); a file output has none',
    );
    const down = fustgo('diff', 'unreachable.yaml');
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^error: .*127\.0\.0\.1:1/);
  });

  it('applies the DDL with --apply and compares again', () => {
    const run = fustgo('diff', 'diff.yaml', '--apply');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('applied 3 statements to PostgreSQL: the statements ran in one transaction');
    const after = run.stdout.slice(run.stdout.indexOf('after applying:'));
    expect(after).toContain('4 compatible: the pipeline can write into the target as it is');
    expect(fustgo('diff', 'diff.yaml').code).toBe(0);
  });
});
