import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection } from 'mysql2';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMysql, runSql } from '../../connectors/mysql/connection';
import { toSqlLiteral } from '../../connectors/mysql/types';
import { rangeContains } from '../../connectors/shared/sql/key-ranges';
import { buildPlan, loadPipelineFile, type LoadedConfig } from '../config';
import { defaultRegistry } from '../default-registry';
import { silentLogger } from '../engine/component';
import { runPipeline } from '../engine/runtime';
import { verifyAndRepair } from './repair';
import { NotVerifiable } from './shape';
import { verifyPipeline, type VerifyReport } from './verify';

/*
 * Real copies, MariaDB → PostgreSQL (with a filter and renamed columns), PostgreSQL → MariaDB
 * and SQLite → PostgreSQL, made by the pipelines themselves; then `verify` finds them equal,
 * names exactly the ranges of a changed, a deleted and an added target row, and `--repair`
 * restores the changed and deleted rows while reporting (never deleting) the added one.
 */

const DB = `fustgo_test_verify_${randomBytes(4).toString('hex')}`;
const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let pgAdmin: Client;
let pg: Client;
let my: Connection;

const ROWS = 3000;
/** Ids 1..3000 with gaps (multiples of 97), so the added row can take a free key inside the span. */
const IDS = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id % 97 !== 0);
const CHANGED = 400;
const DELETED = 1500;
const ADDED = 2910;

/** One source row, in column order; every column NULL now and then. */
function sourceRow(id: number): unknown[] {
  const at = new Date(Date.UTC(2024, 0, 1) + id * 3_601_237);
  return [
    id,
    id % 11 === 0 ? null : (id % 7) - 3,
    BigInt(id) * 3_037_000_499n,
    id % 13 === 0 ? null : (id * 1.37).toFixed(2),
    id % 17 === 0 ? null : id / 7,
    id % 19 === 0 ? null : id % 3 === 0,
    id % 23 === 0 ? '' : `item ${id} 商品 🚀 "q" \\ é`,
    id % 2 === 0 ? null : `note\t${id}\n`,
    id % 29 === 0 ? null : new Date(Date.UTC(1990, 0, 1) + id * 86_400_000).toISOString().slice(0, 10),
    id % 31 === 0 ? null : at,
    id % 37 === 0 ? null : new Date(at.getTime() + 1234),
    id % 4 === 0 ? { i: id, tags: ['a', 'b'], price: 1.5, name: '中文' } : null,
    id % 5 === 0 ? Buffer.from([id & 255, (id >> 8) & 255, 0]) : null,
  ];
}

const NAMES = [
  'id',
  'qty',
  'big',
  'price',
  'ratio',
  'active',
  'name',
  'note',
  'born',
  'created',
  'updated',
  'doc',
  'raw',
];
const MY_DDL = `CREATE TABLE items (id INT PRIMARY KEY, qty INT, big BIGINT, price DECIMAL(12,2), ratio DOUBLE,
  active BOOLEAN, name VARCHAR(100), note TEXT, born DATE, created DATETIME(3), updated TIMESTAMP(3) NULL, doc JSON,
  raw BLOB) DEFAULT CHARSET=utf8mb4`;
const PG_DDL = `CREATE TABLE items (id int4 PRIMARY KEY, qty int4, big int8, price numeric(12,2), ratio float8,
  active bool, name varchar(100), note text, born date, created timestamp(3), updated timestamptz(3), doc jsonb, raw bytea)`;
const SQLITE_DDL = `CREATE TABLE items (id INTEGER PRIMARY KEY, qty INTEGER, big BIGINT, price DECIMAL TEXT, ratio REAL,
  active BOOLEAN, name TEXT, note TEXT, born DATE, created DATETIME, updated TIMESTAMP, doc JSON, raw BLOB)`;

const pgConnection = `{ host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }`;
const myConnection = `{ host: 127.0.0.1, port: 3306, database: ${DB}, username: root }`;

/** The three copies: the pipeline, and how to corrupt its target with SQL on the target database. */
const COPIES = {
  mariadbToPostgres: {
    yaml: `version: 1
input:
  type: mysql
  connection: ${myConnection}
  query: { table: items, filter: "id <> 13" }
pipeline:
  processors:
    - type: mapping
      fields: { item_id: id, qty: qty, big: big, price: price, ratio: ratio, active: active, title: name, note: note, born: born, created: created, updated: updated, doc: doc, raw: raw }
output:
  type: postgresql
  connection: ${pgConnection}
  write: { table: from_mariadb, batch_size: 500 }
  conflict: { key: [item_id] }
`,
    // 13 is in the source but filtered out: in the target it is a row the copy does not account for.
    added: 13,
    corrupt: [
      `UPDATE from_mariadb SET title = 'changed' WHERE item_id = ${CHANGED}`,
      `DELETE FROM from_mariadb WHERE item_id = ${DELETED}`,
      `INSERT INTO from_mariadb (item_id, title) VALUES (13, 'added')`,
    ],
    on: 'postgresql',
  },
  postgresToMariadb: {
    yaml: `version: 1
input:
  type: postgresql
  connection: ${pgConnection}
  query: { table: public.items }
output:
  type: mysql
  connection: ${myConnection}
  write: { table: from_pg, batch_size: 500 }
  conflict: { key: [id] }
`,
    added: ADDED,
    corrupt: [
      `UPDATE from_pg SET price = price + 0.01 WHERE id = ${CHANGED}`,
      `DELETE FROM from_pg WHERE id = ${DELETED}`,
      `INSERT INTO from_pg (id, name) VALUES (${ADDED}, 'added')`,
    ],
    on: 'mysql',
  },
  sqliteToPostgres: {
    yaml: `version: 1
input:
  type: sqlite
  path: items.db
  query: { table: items }
output:
  type: postgresql
  connection: ${pgConnection}
  write: { table: from_sqlite, batch_size: 500 }
  conflict: { key: [id] }
`,
    added: ADDED,
    corrupt: [
      `UPDATE from_sqlite SET created = created + interval '1 millisecond' WHERE id = ${CHANGED}`,
      `DELETE FROM from_sqlite WHERE id = ${DELETED}`,
      `INSERT INTO from_sqlite (id) VALUES (${ADDED})`,
    ],
    on: 'postgresql',
  },
} as const;

type CopyName = keyof typeof COPIES;

async function load(name: string, yaml: string): Promise<LoadedConfig> {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const result = await loadPipelineFile(file, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.loaded;
}

async function copy(name: string, yaml: string): Promise<void> {
  const loaded = await load(name, yaml);
  const signal = new AbortController().signal;
  const plan = await buildPlan(loaded, defaultRegistry(), { logger: silentLogger, signal });
  const result = await runPipeline(plan, { signal });
  expect(result.error).toBeNull();
}

async function onTarget(on: 'postgresql' | 'mysql', sql: string): Promise<void> {
  if (on === 'postgresql') await pg.query(sql);
  else await runSql(my, sql);
}

/** Indexes of the ranges holding `keys`. */
function rangesOf(report: VerifyReport, keys: number[]): number[] {
  return report.ranges
    .filter((check) => keys.some((key) => rangeContains(check.range, BigInt(key))))
    .map((check) => check.index);
}

const mismatched = (report: VerifyReport) => report.ranges.filter((r) => !r.match).map((r) => r.index);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fustgo-verify-'));
  const rows = IDS.map(sourceRow);

  my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  await runSql(my, `CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
  await runSql(my, `USE ${DB}`);
  await runSql(my, MY_DDL);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows
      .slice(i, i + 500)
      .map(
        (row) =>
          `(${row.map((v, c) => (NAMES[c] === 'doc' && v !== null ? my.escape(JSON.stringify(v)) : toSqlLiteral(v))).join(', ')})`,
      );
    await runSql(my, `INSERT INTO items VALUES ${values.join(', ')}`);
  }

  pgAdmin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${DB}`);
  pg = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB });
  await pg.connect();
  await pg.query(PG_DDL);
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const params = batch.flatMap((row) =>
      row.map((v) => {
        if (v === null || Buffer.isBuffer(v)) return v;
        if (v instanceof Date) return v.toISOString();
        return typeof v === 'object' ? JSON.stringify(v) : String(v);
      }),
    );
    const tuples = batch.map(
      (_, r) => `(${NAMES.map((_n, c) => `$${r * NAMES.length + c + 1}`).join(', ')})`,
    );
    // A zone in a timestamp (without time zone) literal is ignored: the UTC wall time is stored.
    await pg.query(`INSERT INTO items VALUES ${tuples.join(', ')}`, params);
  }

  const sqlite = new Database(path.join(dir, 'items.db'));
  sqlite.exec(SQLITE_DDL);
  const insert = sqlite.prepare(`INSERT INTO items VALUES (${NAMES.map(() => '?').join(', ')})`);
  sqlite.transaction(() => {
    for (const row of rows)
      insert.run(
        row.map((v) => {
          if (typeof v === 'boolean') return v ? 1 : 0;
          if (v instanceof Date) return v.toISOString();
          return v !== null && typeof v === 'object' && !Buffer.isBuffer(v) ? JSON.stringify(v) : v;
        }),
      );
  })();
  sqlite.close();

  for (const [name, { yaml }] of Object.entries(COPIES)) await copy(name, yaml);
}, 120_000);

afterAll(async () => {
  await pg?.end();
  await pgAdmin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await pgAdmin?.end();
  if (my) {
    await runSql(my, `DROP DATABASE IF EXISTS ${DB}`);
    my.destroy();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.keys(COPIES) as CopyName[])('verify %s', (name) => {
  const copyOf = COPIES[name];

  it('finds the copy equal, names the ranges of changed, deleted and added rows, and repairs all but the added one', async () => {
    const loaded = await load(name, copyOf.yaml);
    const before = await verifyPipeline(loaded);
    expect(before.notes.filter((n) => !n.startsWith('target columns'))).toEqual([]);
    expect(mismatched(before)).toEqual([]);
    expect(before.summary).toMatchObject({ ranges: 16, matched: 16, ok: true });
    expect(before.summary.sourceRows).toBe(name === 'mariadbToPostgres' ? IDS.length - 1 : IDS.length);
    expect(before.key?.origin).toBe('conflict.key');
    expect(before.columns).toHaveLength(NAMES.length);

    for (const sql of copyOf.corrupt) await onTarget(copyOf.on, sql);
    const changedRanges = rangesOf(before, [CHANGED, DELETED]);
    const addedRange = rangesOf(before, [copyOf.added]);
    const corrupted = await verifyPipeline(loaded);
    expect(mismatched(corrupted)).toEqual([...changedRanges, ...addedRange].sort((a, b) => a - b));
    expect(new Set([...changedRanges, ...addedRange]).size).toBe(3);

    const { report, repair } = await verifyAndRepair(loaded, { repair: true });
    expect(mismatched(report)).toEqual(mismatched(corrupted));
    if (!repair) throw new Error('no repair');
    expect(repair.ok).toBe(false);
    for (const range of repair.ranges) {
      expect(range.status).toBe('completed');
      expect(range.rowsCopied).toBeGreaterThan(0);
      if (addedRange.includes(range.index)) {
        expect(range.after.match).toBe(false);
        expect(range.extraRows).toBe(1);
        expect(range.extraKeys).toEqual([String(copyOf.added)]);
      } else expect(range.after.match).toBe(true);
    }
    const after = await verifyPipeline(loaded);
    expect(mismatched(after)).toEqual(addedRange);

    // The added row removed by hand, the copy is whole again.
    const keyColumn = name === 'mariadbToPostgres' ? 'item_id' : 'id';
    const table =
      name === 'mariadbToPostgres'
        ? 'from_mariadb'
        : name === 'postgresToMariadb'
          ? 'from_pg'
          : 'from_sqlite';
    await onTarget(copyOf.on, `DELETE FROM ${table} WHERE ${keyColumn} = ${copyOf.added}`);
    expect((await verifyPipeline(loaded)).summary.ok).toBe(true);
  });
});

describe('verify refuses what it cannot compare', () => {
  it('a pipeline with a filter processor, or an upsert without a unique key to repair on', async () => {
    const filtered = await load(
      'filtered',
      COPIES.sqliteToPostgres.yaml.replace(
        'output:',
        'pipeline:\n  processors:\n    - type: filter\n      condition: qty > 0\noutput:',
      ),
    );
    await expect(verifyPipeline(filtered)).rejects.toThrow(
      /pipeline\.processors\[0\]\.type: .*supports mapping processors only/,
    );

    // Copied without a conflict key: a table without primary key, which repair cannot upsert into.
    const yaml = COPIES.sqliteToPostgres.yaml
      .replace('from_sqlite', 'no_key')
      .replace('  conflict: { key: [id] }\n', '');
    await copy('no-key', yaml);
    const loaded = await load('no-key', yaml);
    const report = await verifyPipeline(loaded);
    expect(report.summary.ok).toBe(true);
    expect(report.key).toMatchObject({ origin: 'primary key', source: 'id', target: 'id' });
    await pg.query(`DELETE FROM no_key WHERE id = ${CHANGED}`);
    const error = await verifyAndRepair(loaded, { repair: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotVerifiable);
    expect((error as NotVerifiable).reason).toMatch(
      /target table no_key has no primary key or unique index on exactly those columns/,
    );
  });
});

describe('fustgo verify', () => {
  /** tsx by its path: the command runs in the test's folder, where no node_modules is. */
  const tsx = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

  /** The command from the sources (the built bundle may predate it). */
  function fustgo(...args: string[]) {
    const result = spawnSync(
      process.execPath,
      ['--import', tsx, path.join(root, 'src-main', 'cli', 'index.ts'), ...args],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints a line per range and exits 1 on a mismatch, 0 once repaired; JSON for machines; 2 when it cannot verify', async () => {
    const yaml = COPIES.sqliteToPostgres.yaml.replace('from_sqlite', 'cli_copy');
    await copy('cli', yaml);
    const matching = fustgo('verify', 'cli.yaml', '--ranges', '4');
    expect(matching.stderr).toBe('');
    expect(matching.code).toBe(0);
    expect(matching.stdout).toMatch(/^range +key interval +source rows +target rows +result$/m);
    expect(matching.stdout).toMatch(/^ +0 +\(-∞, \d+\) +\d[\d,]* +\d[\d,]* +match$/m);
    expect(matching.stdout).toMatch(/^all 4 ranges match; source 2,970 rows, target 2,970 rows/m);

    // In range 2 of 4, which has bounds on both sides.
    await pg.query(`UPDATE cli_copy SET name = 'changed' WHERE id = 1600`);
    const differing = fustgo('verify', 'cli.yaml', '--ranges', '4', '--json');
    expect(differing.code).toBe(1);
    const json = JSON.parse(differing.stdout) as VerifyReport;
    expect(json.summary).toMatchObject({ ranges: 4, matched: 3, mismatched: 1, ok: false });
    expect(json.ranges.find((r) => !r.match)?.range).toMatchObject({ from: expect.any(String) as string });

    const repaired = fustgo('verify', 'cli.yaml', '--ranges', '4', '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/^repair: upsert on id$/m);
    expect(repaired.stdout).toMatch(/^ {2}range \d \[\d+, \d+\): [\d,]+ rows copied again → match$/m);

    writeFileSync(
      path.join(dir, 'not-sql.yaml'),
      'version: 1\ninput:\n  type: generate\n  count: 1\n  columns: [{ name: id, generator: sequence }]\noutput:\n  type: file\n  path: x.csv\n',
    );
    const invalid = fustgo('verify', 'not-sql.yaml');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /^not-sql\.yaml:3:\d+: input\.type: verify compares tables of SQL databases/m,
    );
  }, 120_000);
});
