import Database from 'better-sqlite3';
import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column, Row } from '../../../src-main/engine/batch';
import { buildPlan, formatProblem, loadAndValidateText } from '../../../src-main/config';
import { defaultRegistry } from '../../../src-main/default-registry';
import { silentLogger, type Output } from '../../../src-main/engine/component';
import { runPipeline } from '../../../src-main/engine/runtime';
import { mysqlOutput } from '../../mysql/spec';
import { postgresqlOutput } from '../../postgresql/spec';
import { sqliteOutput } from '../../sqlite/spec';
import { createTestDatabases, dropTestDatabases, execOn, rowsOn, type TestTarget } from './test-databases';
import { tempContext } from '../test-support';
import type { SqlConnection } from './config';
import { discardedNote, stagingTableName } from './merge';

/*
 * write.mode merge on each SQL database: rows are staged while the run goes (the target does not
 * change), then merged in one transaction when it ends well (new keys inserted, existing ones
 * updated, the last staged row of a key winning); a failed run or a failed merge leaves the target
 * exactly as it was and no staging table behind. Rows the target refuses are rejected as they are
 * staged, as in the other modes.
 */

type Target = TestTarget;
const TARGETS: Target[] = ['postgresql', 'mysql', 'sqlite'];

const suffix = randomBytes(4).toString('hex');
const PG_DB = `fustgo_test_merge_${suffix}`;
const MY_DB = `fustgo_test_merge_${suffix}`;
const pgConnection: SqlConnection = { host: '127.0.0.1', port: 5432, database: PG_DB, username: 'postgres' };
const myConnection: SqlConnection = { host: '127.0.0.1', port: 3306, database: MY_DB, username: 'root' };
const temp = tempContext('merge');
const SQLITE_FILE = path.join(temp.dir, 'merge.db');

let pg: Client;
let my: Connection;

beforeAll(async () => {
  ({ pg, my } = await createTestDatabases(PG_DB));
});

afterAll(async () => {
  await dropTestDatabases(PG_DB, { pg, my });
  temp.dispose();
});

/** Runs statements in the target database (each a single statement). */
const exec = (target: Target, ...statements: string[]) =>
  execOn({ pg, my }, SQLITE_FILE, target, ...statements);
const rowsOf = (target: Target, sql: string) => rowsOn({ pg, my }, SQLITE_FILE, target, sql);

/** The tables of the test database whose name says they are staging tables. */
async function stagingTables(target: Target): Promise<string[]> {
  const sql = {
    postgresql: "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE '%fustgo_stage%'",
    mysql: `SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${MY_DB}' AND TABLE_NAME LIKE '%fustgo_stage%'`,
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%fustgo_stage%'",
  }[target];
  return (await rowsOf(target, sql)).map((r) => String(r[0])).sort();
}

const WHERE: Record<Target, (table: string) => string> = {
  postgresql: (table) => `"${table}" in PostgreSQL database "${PG_DB}"`,
  mysql: (table) => `"${table}" in MySQL database "${MY_DB}"`,
  sqlite: (table) => `"${table}" in ${SQLITE_FILE}`,
};

/** A merge output into `table` on `conflict.key` id. */
async function mergeOutput(
  target: Target,
  table: string,
  more: { batch_size?: number; post_sql?: string[] } = {},
): Promise<Output> {
  const write = { table, mode: 'merge' as const, batch_size: more.batch_size ?? 1000 };
  const conflict = { key: ['id'] };
  if (target === 'postgresql')
    return postgresqlOutput.create(
      { connection: pgConnection, write, conflict, post_sql: more.post_sql },
      temp.ctx,
    );
  if (target === 'mysql')
    return mysqlOutput.create(
      { connection: myConnection, write, conflict, post_sql: more.post_sql },
      temp.ctx,
    );
  return sqliteOutput.create({ path: SQLITE_FILE, write, conflict }, temp.ctx);
}

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'name', type: 'string' },
  { name: 'qty', type: 'int' },
];

/** The same table in every database: NOT NULL name, so a NULL is a bad row. */
const createTarget = (table: string) =>
  `CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT, note VARCHAR(20) DEFAULT 'kept')`;
const SEED = (table: string) =>
  `INSERT INTO ${table} (id, name, qty, note) VALUES (1, 'one', 1, 'x'), (2, 'two', 2, 'y')`;
const SEEDED = [
  [1, 'one', 1, 'x'],
  [2, 'two', 2, 'y'],
];

const NULL_NAME: Record<Target, string | RegExp> = {
  postgresql: /^null value in column "name" of relation "merged" violates not-null constraint/,
  mysql: "Column 'name' cannot be null",
  sqlite: 'NOT NULL constraint failed: merged.name',
};

describe.each(TARGETS)('%s merge', (target) => {
  it('stages without touching the table, then inserts, updates and keeps the last row of a key, at once', async () => {
    await exec(target, createTarget('merged'), SEED('merged'));
    if (target !== 'sqlite') await exec(target, 'CREATE TABLE audit (n INT)');
    const output = await mergeOutput(target, 'merged', {
      batch_size: 2,
      post_sql: ['INSERT INTO audit SELECT COUNT(*) FROM merged'],
    });
    // Lane 0: key 2 updated twice (across batches), key 3 new and repeated in one batch, a bad row.
    expect(
      await output.write(
        {
          columns,
          rows: [
            [2, 'two v1', 20],
            [3, 'three v1', 30],
            [3, 'three v2', 31],
            [5, null, 5],
          ],
        },
        0,
      ),
    ).toEqual({ rejected: [{ index: 3, error: expect.stringMatching(NULL_NAME[target]) as unknown }] });
    // Lane 1 stages at the same time, over its own connection.
    await Promise.all([
      output.write({ columns, rows: [[2, 'two v2', 22]] }, 0),
      output.write({ columns, rows: [[4, 'four', 4]] }, 1),
    ]);
    expect(await rowsOf(target, 'SELECT id, name, qty, note FROM merged ORDER BY id')).toEqual(SEEDED);
    expect(await stagingTables(target)).toEqual([expect.stringMatching(/^merged__fustgo_stage_/)]);

    expect(await output.close()).toBeUndefined();
    expect(await rowsOf(target, 'SELECT id, name, qty, note FROM merged ORDER BY id')).toEqual([
      [1, 'one', 1, 'x'],
      [2, 'two v2', 22, 'y'],
      [3, 'three v2', 31, 'kept'],
      [4, 'four', 4, 'kept'],
    ]);
    expect(await stagingTables(target)).toEqual([]);
    // post_sql ran after the merge.
    if (target !== 'sqlite') expect((await rowsOf(target, 'SELECT n FROM audit')).map(Number)).toEqual([4]);
  });

  it('a failed run leaves the table exactly as it was, and no staging table', async () => {
    await exec(target, createTarget('kept'), SEED('kept'));
    const output = await mergeOutput(target, 'kept', { batch_size: 2 });
    await output.write(
      {
        columns,
        rows: [
          [1, 'changed', 9],
          [7, 'new', 7],
          [8, 'new', 8],
        ],
      },
      0,
    );
    await output.write({ columns, rows: [[9, 'new', 9]] }, 1);
    expect(await output.close(new Error('the run failed'))).toBe(discardedNote(WHERE[target]('kept'), 4));
    expect(await rowsOf(target, 'SELECT id, name, qty, note FROM kept ORDER BY id')).toEqual(SEEDED);
    expect(await stagingTables(target)).toEqual([]);
  });

  it('a merge the table refuses writes nothing, says so, and leaves no staging table', async () => {
    // What the staging table cannot check, as it involves other rows or (MySQL, SQLite) a CHECK.
    const breaker =
      target === 'postgresql'
        ? 'CREATE UNIQUE INDEX refusing_name ON refusing (name)'
        : target === 'mysql'
          ? 'ALTER TABLE refusing ADD CONSTRAINT qty_positive CHECK (qty > 0)'
          : 'CREATE TABLE refusing (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT CHECK (qty > 0), note VARCHAR(20))';
    if (target === 'sqlite') await exec(target, breaker, SEED('refusing'));
    else await exec(target, createTarget('refusing'), SEED('refusing'), breaker);
    const output = await mergeOutput(target, 'refusing');
    const rows: Row[] =
      target === 'postgresql'
        ? [
            [2, 'same', 2],
            [3, 'same', 3],
          ]
        : [
            [2, 'fine', 2],
            [3, 'negative', -3],
          ];
    expect(await output.write({ columns, rows }, 0)).toBeUndefined();
    const refused = output.close();
    await expect(refused).rejects.toThrow(
      `${discardedNote(WHERE[target]('refusing'), 2)}: the merge failed: `,
    );
    expect(await rowsOf(target, 'SELECT id, name, qty, note FROM refusing ORDER BY id')).toEqual(SEEDED);
    expect(await stagingTables(target)).toEqual([]);
  });

  it('refuses a key without a unique constraint at the first batch, leaving no staging table', async () => {
    await exec(target, 'CREATE TABLE unkeyed (id INT, name VARCHAR(20), qty INT)');
    const output = await mergeOutput(target, 'unkeyed');
    await expect(output.write({ columns, rows: [[1, 'a', 1]] }, 0)).rejects.toThrow(
      {
        postgresql: 'there is no unique or exclusion constraint matching the ON CONFLICT specification',
        mysql: `merge needs a primary key or unique index on conflict.key (id) in table ${WHERE.mysql('unkeyed')}`,
        sqlite: 'ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint',
      }[target],
    );
    expect(await output.close(new Error('the run failed'))).toBe(discardedNote(WHERE[target]('unkeyed'), 0));
    expect(await stagingTables(target)).toEqual([]);
  });

  it('creates a missing table, and drops staging tables killed runs left more than a day ago', async () => {
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    const leftover = stagingTableName('fresh', dayAgo);
    const recent = stagingTableName('fresh', new Date(Date.now() - 3600_000));
    const others = stagingTableName('fresh_other', dayAgo);
    for (const name of [leftover, recent, others]) await exec(target, `CREATE TABLE ${name} (id INT)`);
    const output = await mergeOutput(target, 'fresh');
    await output.write(
      {
        columns,
        rows: [
          [1, 'a', 1],
          [1, 'b', 2],
        ],
      },
      0,
    );
    expect(await output.close()).toBeUndefined();
    expect(await rowsOf(target, 'SELECT id, name, qty FROM fresh')).toEqual([[1, 'b', 2]]);
    expect(await stagingTables(target)).toEqual([recent, others].sort());
    for (const name of [recent, others]) await exec(target, `DROP TABLE ${name}`);
    // A run that stages nothing changes nothing.
    const empty = await mergeOutput(target, 'fresh');
    expect(await empty.close()).toBeUndefined();
    expect(await rowsOf(target, 'SELECT id, name, qty FROM fresh')).toEqual([[1, 'b', 2]]);
  });
});

/** The output section of a pipeline merging into `table`. */
function outputYaml(target: Target, table: string): string {
  const write = `write: { table: ${table}, mode: merge, batch_size: 100 }\n  conflict: { key: [id] }`;
  if (target === 'postgresql')
    return `type: postgresql\n  connection: { host: 127.0.0.1, port: 5432, database: ${PG_DB}, username: postgres }\n  ${write}`;
  if (target === 'mysql')
    return `type: mysql\n  connection: { host: 127.0.0.1, port: 3306, database: ${MY_DB}, username: root }\n  ${write}`;
  return `type: sqlite\n  path: merge.db\n  ${write}`;
}

describe.each(TARGETS)('%s merge in a run', (target) => {
  it('a run that fails past error_limit leaves the table as it was, and says so', async () => {
    const source = new Database(path.join(temp.dir, 'source.db'));
    source.exec('DROP TABLE IF EXISTS src; CREATE TABLE src (id INTEGER, name TEXT, qty INTEGER)');
    const insert = source.prepare('INSERT INTO src VALUES (?, ?, ?)');
    // 2,000 rows, two of them without a name: the second fails the run.
    source.transaction(() => {
      for (let id = 1; id <= 2000; id++) insert.run(id, id === 700 || id === 1500 ? null : `n${id}`, id);
    })();
    source.close();
    const table = 'run_target';
    await exec(target, createTarget(table), SEED(table));
    const yaml = `version: 1
job: { name: merge-${target} }
input:
  type: sqlite
  path: source.db
  query: { table: src }
  fetch: { size: 250 }
pipeline:
  error_limit: 1
  dead_letter: { path: rejected-${target}.jsonl }
output:
  ${outputYaml(target, table)}
`;
    const registry = defaultRegistry({});
    const checked = await loadAndValidateText(yaml, 'merge.yaml', temp.dir, registry, { env: {} });
    if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
    const signal = new AbortController().signal;
    const result = await runPipeline(
      await buildPlan(checked.loaded, registry, { logger: silentLogger, signal }),
      {
        signal,
      },
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^error_limit 1 exceeded: 2 rows rejected/);
    const discarded = `merge: nothing was written to table ${WHERE[target](table)}; `;
    expect(result.notes.filter((note) => note.startsWith(discarded))).toEqual([
      expect.stringMatching(/\d staged rows were discarded$/),
    ]);
    expect(await rowsOf(target, `SELECT id, name, qty, note FROM ${table} ORDER BY id`)).toEqual(SEEDED);
    expect(await stagingTables(target)).toEqual([]);
  });
});

describe('postgresql merge staging', () => {
  it('checks the table’s CHECK constraints as rows are staged, naming the table', async () => {
    await exec(
      'postgresql',
      'CREATE TABLE checked (id int PRIMARY KEY, name text NOT NULL, qty int CHECK (qty > 0))',
    );
    const output = await mergeOutput('postgresql', 'public.checked');
    expect(
      await output.write(
        {
          columns,
          rows: [
            [1, 'a', 1],
            [2, 'b', -2],
          ],
        },
        0,
      ),
    ).toEqual({
      rejected: [
        {
          index: 1,
          error: expect.stringMatching(
            /^new row for relation "checked" violates check constraint "checked_qty_check"/,
          ) as unknown,
        },
      ],
    });
    expect(await output.close()).toBeUndefined();
    expect(await rowsOf('postgresql', 'SELECT id FROM checked')).toEqual([[1]]);
  });
});
