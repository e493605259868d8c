import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import { CLI_BUILT, runFustgo } from './test-cli';

/*
 * Saved connections on the command line: `fustgo connections add` stores one with its password
 * encrypted, `fustgo run` resolves `connection: { ref }`, and the password shows nowhere — not in
 * any output, the store, the logs or the files the run leaves.
 */

const DB = 'fustgo_cli_conns';
const USER = 'fustgo_cli_conn_user';
const PASSWORD = 'Cli-Pw-never-printed-58e1';
let dir: string;
let dbs: TestDatabases;
const outputs: string[] = [];

function fustgo(args: string[], input?: string) {
  const result = runFustgo(args, {
    cwd: dir,
    env: { MY_PASSWORD: PASSWORD },
    ...(input !== undefined ? { input } : {}),
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** Every file under a folder, for grepping. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((f) => join(folder, f))
    .filter((f) => statSync(f).isFile());
}

const pipeline = `version: 1
job: { name: customers-by-ref }
input:
  type: mysql
  connection: { ref: shop }
  query: { table: customers }
output:
  type: postgresql
  connection: { ref: warehouse }
  write: { table: customers, create_table: true }
`;

describe.skipIf(!CLI_BUILT)('fustgo connections and connection: { ref }', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-cli-conns-'));
    dbs = await createTestDatabases(DB);
    await runSql(dbs.my, `CREATE USER IF NOT EXISTS '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await runSql(dbs.my, `GRANT SELECT ON ${DB}.* TO '${USER}'@'%'`);
    await runSql(dbs.my, 'CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40))');
    await runSql(dbs.my, "INSERT INTO customers VALUES (1, 'Ada'), (2, '王芳'), (3, 'Linus')");
    writeFileSync(join(dir, 'copy.yaml'), pipeline);
  });
  afterAll(async () => {
    if (dbs) await runSql(dbs.my, `DROP USER IF EXISTS '${USER}'@'%'`);
    await dropTestDatabases(DB, dbs ?? {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves connections, tests them and runs a pipeline that refers to them by name', async () => {
    const shop = fustgo(
      [
        'connections',
        'add',
        'shop',
        '--type',
        'mysql',
        '--set',
        'host=127.0.0.1',
        '--set',
        'port=3306',
        '--set',
        `database=${DB}`,
        '--set',
        `username=${USER}`,
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    );
    expect(shop.code, shop.stderr).toBe(0);
    expect(shop.stdout).toContain('saved connection "shop" (mysql)');
    const warehouse = fustgo([
      'connections',
      'add',
      'warehouse',
      '--type',
      'postgresql',
      '--set',
      'host=127.0.0.1',
      '--set',
      `database=${DB}`,
      '--set',
      'username=postgres',
      '--password-env',
      'MY_PASSWORD',
    ]);
    expect(warehouse.code, warehouse.stderr).toBe(0);
    expect(statSync(join(dir, 'home', 'secret.key')).mode & 0o777).toBe(0o600);

    const listed = fustgo(['connections', 'list']);
    expect(listed.stdout).toContain(
      `shop  mysql  host=127.0.0.1 port=3306 database=${DB} username=${USER} password=********`,
    );
    expect(fustgo(['connections', 'test', 'shop']).stdout).toMatch(/^shop: connected: (MariaDB|MySQL) /);

    const run = fustgo(['run', 'copy.yaml']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('read 3, written 3');
    const copied = await dbs.pg.query('SELECT id, name FROM customers ORDER BY id');
    expect(copied.rows).toEqual([
      { id: 1, name: 'Ada' },
      { id: 2, name: '王芳' },
      { id: 3, name: 'Linus' },
    ]);
  });

  it('says plainly when a ref names no saved connection or the password is wrong', () => {
    writeFileSync(join(dir, 'typo.yaml'), pipeline.replace('ref: shop', 'ref: shopp'));
    const typo = fustgo(['validate', 'typo.yaml']);
    expect(typo.code).toBe(1);
    expect(typo.stdout).toContain(
      'typo.yaml:5:17: input.connection.ref: no saved connection "shopp" (known: shop, warehouse)',
    );

    const wrong = fustgo(
      ['connections', 'add', 'shop', '--type', 'mysql', '--password-stdin'],
      'Wrong-Pw-not-shown-0b7\n',
    );
    expect(wrong.code, wrong.stderr).toBe(0);
    const failed = fustgo(['run', 'copy.yaml']);
    expect(failed.code).toBe(1);
    expect(failed.stderr + failed.stdout).toMatch(/Access denied for user 'fustgo_cli_conn_user'/);
    expect(failed.stderr + failed.stdout).not.toContain('Wrong-Pw-not-shown-0b7');
    const removed = fustgo(['connections', 'remove', 'shop']);
    expect(removed.code).toBe(0);
  });

  it('never shows the password: not in any output, the store, the logs or the files the runs left', () => {
    expect(outputs.join('\n')).not.toContain(PASSWORD);
    for (const file of filesUnder(dir)) {
      expect(readFileSync(file).includes(PASSWORD), file).toBe(false);
    }
  });
});
