import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlIntrospector } from '../../connectors/mysql/introspect';
import { PostgresIntrospector } from '../../connectors/postgresql/introspect';
import type { SqlConnection } from '../../connectors/shared/sql/config';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  rowsOn,
  type TestDatabases,
  type TestTarget,
} from '../../connectors/shared/sql/test-databases';
import { SqliteIntrospector } from '../../connectors/sqlite/introspect';
import { ApiError } from '../../src-shared/api/errors';
import type { PreviewResult } from '../../src-shared/api/preview-model';
import { hashMask } from './masking';
import { countRows, previewQuery, previewTable } from './preview';
import { sqlPreviewTarget, type PreviewTarget } from './preview-target';

/*
 * Previews against the real PostgreSQL, MariaDB and a SQLite file: exact values of every kind,
 * the limit, statistics, masking, exact counts (and their timeout, cancelled on the server), and
 * statements that would write, refused by the database itself.
 */

const db = `fustgo_test_preview_${randomBytes(4).toString('hex')}`;
const ROWS = 250;
const dir = mkdtempSync(join(tmpdir(), 'fustgo-preview-'));
const sqliteFile = join(dir, 'shop.db');
const pgConnection: SqlConnection = { host: '127.0.0.1', port: 5432, database: db, username: 'postgres' };
const myConnection: SqlConnection = { host: '127.0.0.1', port: 3306, database: db, username: 'root' };
let dbs: Partial<TestDatabases> = {};

const TABLES: Record<TestTarget, string> = {
  postgresql: `CREATE TABLE items (id bigint PRIMARY KEY, price numeric(30,9), big bigint, created timestamp(6),
    day date, payload bytea, doc jsonb, email text, note varchar(50))`,
  mysql: `CREATE TABLE items (id BIGINT PRIMARY KEY, price DECIMAL(30,9), big BIGINT, created DATETIME(6),
    day DATE, payload BLOB, doc JSON, email TEXT, note VARCHAR(50))`,
  sqlite: `CREATE TABLE items (id INTEGER PRIMARY KEY, price DECIMAL TEXT, big BIGINT, created DATETIME,
    day DATE, payload BLOB, doc JSON, email TEXT, note VARCHAR(50))`,
};

const FIRST_ROWS: Record<TestTarget, string> = {
  postgresql: `INSERT INTO items VALUES
    (1, 12345678901234567890.123456789, 9007199254740993, '2024-02-29 13:04:05.123456', '2024-02-29',
      '\\x00ff', '{"tags": ["a", "b"], "n": 1}', 'alice@example.com', 'first'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  mysql: `INSERT INTO items VALUES
    (1, 12345678901234567890.123456789, 9007199254740993, '2024-02-29 13:04:05.123456', '2024-02-29',
      X'00ff', '{"tags": ["a", "b"], "n": 1}', 'alice@example.com', 'first'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  sqlite: `INSERT INTO items VALUES
    (1, '12345678901234567890.123456789', 9007199254740993, '2024-02-29T13:04:05.123456Z', '2024-02-29',
      X'00ff', '{"tags":["a","b"],"n":1}', 'alice@example.com', 'first'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
};

/** Rows 3…ROWS: emails of 10 people, notes cycling through 3 words. */
const moreRows = (target: TestTarget) => {
  const ts = target === 'sqlite' ? "'2024-01-01T00:00:00Z'" : "'2024-01-01 00:00:00'";
  return `INSERT INTO items (id, price, big, created, email, note) VALUES ${Array.from(
    { length: ROWS - 2 },
    (_, k) => {
      const id = k + 3;
      return `(${id}, '${id}.5', ${id * 1000}, ${ts}, 'user${id % 10}@example.com', '${['red', 'green', 'blue'][id % 3]}')`;
    },
  ).join(', ')}`;
};

const targets: Record<TestTarget, PreviewTarget> = {
  postgresql: sqlPreviewTarget(
    'postgresql',
    { connection: pgConnection },
    { label: 'pg', baseDir: dir, openIntrospector: async () => new PostgresIntrospector(pgConnection) },
  ),
  mysql: sqlPreviewTarget(
    'mysql',
    { connection: myConnection },
    { label: 'maria', baseDir: dir, openIntrospector: async () => new MysqlIntrospector(myConnection) },
  ),
  sqlite: sqlPreviewTarget(
    'sqlite',
    { path: 'shop.db' },
    { label: 'lite', baseDir: dir, openIntrospector: async () => new SqliteIntrospector(sqliteFile) },
  ),
};

const TARGETS: TestTarget[] = ['postgresql', 'mysql', 'sqlite'];

beforeAll(async () => {
  dbs = await createTestDatabases(db);
  for (const target of TARGETS) {
    await execOn(
      dbs as TestDatabases,
      sqliteFile,
      target,
      TABLES[target],
      FIRST_ROWS[target],
      moreRows(target),
    );
  }
  await execOn(dbs as TestDatabases, sqliteFile, 'postgresql', 'ANALYZE items');
  await execOn(dbs as TestDatabases, sqliteFile, 'mysql', 'ANALYZE TABLE items');
  await execOn(
    dbs as TestDatabases,
    sqliteFile,
    'postgresql',
    'CREATE VIEW slow AS SELECT 1 AS slept FROM pg_sleep(5)',
  );
  await execOn(dbs as TestDatabases, sqliteFile, 'mysql', 'CREATE VIEW slow AS SELECT SLEEP(5) AS slept');
});

afterAll(async () => {
  await dropTestDatabases(db, dbs);
  rmSync(dir, { recursive: true, force: true });
});

/** The values of one column of a preview, by name. */
const column = (result: PreviewResult, name: string) => {
  const at = result.columns.findIndex((c) => c.name === name);
  return { info: result.columns[at], values: result.rows.map((row) => row[at]) };
};

/** The ApiError a call fails with. */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.each(TARGETS)('preview on %s', (target) => {
  it('reads exact values of every kind, JSON-safe, with native and logical types', async () => {
    const result = await previewTable(targets[target], 'items', { limit: 2 });
    expect(result.columns.map((c) => c.name)).toEqual([
      'id',
      'price',
      'big',
      'created',
      'day',
      'payload',
      'doc',
      'email',
      'note',
    ]);
    expect(result.columns.map((c) => c.type)).toEqual([
      target === 'sqlite' ? 'int' : 'bigint',
      'decimal',
      'bigint',
      'timestamp',
      'date',
      'bytes',
      'json',
      'string',
      'string',
    ]);
    const nativeOf = (name: string) => column(result, name).info.native_type.toLowerCase();
    const priceType: Record<TestTarget, string> = {
      postgresql: 'numeric(30,9)',
      mysql: 'decimal(30,9)',
      sqlite: 'decimal text',
    };
    expect(nativeOf('price')).toBe(priceType[target]);
    expect(nativeOf('note')).toMatch(/varchar\(50\)|character varying\(50\)/);
    const [first, second] = result.rows;
    expect(first).toEqual([
      target === 'sqlite' ? 1 : '1',
      '12345678901234567890.123456789',
      '9007199254740993',
      '2024-02-29T13:04:05.123456Z',
      '2024-02-29',
      { $bytes: '00ff', length: 2 },
      { tags: ['a', 'b'], n: 1 },
      'alice@example.com',
      'first',
    ]);
    expect(second.slice(1)).toEqual([null, null, null, null, null, null, null, null]);
    // Everything survives a JSON round trip unchanged (what the API sends).
    expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
  });

  it('honours the limit, says more rows follow, and gives the row count it knows', async () => {
    const ten = await previewTable(targets[target], 'items', { limit: 10 });
    expect(ten.rows).toHaveLength(10);
    expect(ten.has_more).toBe(true);
    expect(ten.source.sql).toMatch(/LIMIT 11$/);
    if (target === 'sqlite') expect(ten.row_count).toEqual({ kind: 'unknown' });
    else expect(ten.row_count.kind).toBe('estimate');
    if (target === 'postgresql') expect(ten.row_count.value).toBe(ROWS);

    const all = await previewTable(targets[target], 'items', { limit: 1000 });
    expect(all.rows).toHaveLength(ROWS);
    expect(all.has_more).toBe(false);
    expect(all.row_count).toEqual({ kind: 'exact', value: ROWS });
  });

  it('describes each column over the sample: NULLs, distinct values, samples', async () => {
    const result = await previewTable(targets[target], 'items', { limit: 100 });
    const note = column(result, 'note').info.stats;
    expect(note.nulls).toBe(1);
    expect(note.null_ratio).toBeCloseTo(0.01);
    expect(note.distinct).toBe(4);
    expect(note.samples).toEqual(['first', 'red', 'green', 'blue']);
    expect(column(result, 'day').info.stats).toMatchObject({ nulls: 99, distinct: 1 });
  });

  it('runs a custom query as written, cut at the limit, its ORDER BY kept', async () => {
    const result = await previewQuery(targets[target], 'SELECT id, email FROM items ORDER BY id DESC;', {
      limit: 5,
    });
    expect(result.rows.map((row) => Number(row[0]))).toEqual([250, 249, 248, 247, 246]);
    expect(result.has_more).toBe(true);
    expect(result.row_count).toEqual({ kind: 'unknown' });
  });

  it('shows a query whose columns share a name', async () => {
    const result = await previewQuery(
      targets[target],
      'SELECT a.id, b.id FROM items a JOIN items b ON b.id = a.id + 1 ORDER BY a.id',
      { limit: 3 },
    );
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'id']);
    expect(result.rows.map((row) => row.map(Number))).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('refuses statements that write, with the database’s own message, and changes nothing', async () => {
    const refusal: Record<TestTarget, RegExp> = {
      postgresql: /cannot execute (INSERT|DROP TABLE) in a read-only transaction/,
      mysql: /Cannot execute statement in a READ ONLY transaction/,
      sqlite: /attempt to write a readonly database/,
    };
    const insert = await failure(
      previewQuery(targets[target], "INSERT INTO items (id, email) VALUES (9999, 'x@example.com')"),
    );
    expect(insert.message).toMatch(refusal[target]);
    const drop = await failure(previewQuery(targets[target], 'DROP TABLE items'));
    expect(drop.message).toMatch(refusal[target]);
    // Two statements in one: refused as a whole, so the second never runs.
    await failure(previewQuery(targets[target], 'SELECT 1; DROP TABLE items'));
    const count = await rowsOn(dbs as TestDatabases, sqliteFile, target, 'SELECT COUNT(*) FROM items');
    expect(Number(count[0][0])).toBe(ROWS);
  });

  it('masks chosen columns before the values leave, statistics over the masked values', async () => {
    const result = await previewTable(targets[target], 'items', {
      limit: 12,
      mask: { email: 'hash', note: 'partial' },
    });
    const email = column(result, 'email');
    expect(email.info).toMatchObject({ masked: 'hash', type: 'string' });
    expect(email.values[0]).toBe(hashMask('alice@example.com'));
    expect(email.values[1]).toBeNull();
    expect(JSON.stringify(result)).not.toContain('@example.com');
    expect(email.info.stats.samples).toContain(hashMask('alice@example.com'));
    const note = column(result, 'note');
    expect(note.values.slice(0, 4)).toEqual(['f***t', null, 'r*d', 'g***n']);
    expect(note.info.stats.samples).toEqual(['f***t', 'r*d', 'g***n', 'b**e']);

    const typo = await failure(previewTable(targets[target], 'items', { mask: { emial: 'hash' } }));
    expect(typo.code).toBe('bad_request');
    expect(typo.message).toContain('mask.emial: no column "emial"');
  });

  it('counts rows exactly on request', async () => {
    const count = await countRows(targets[target], 'items');
    expect(count).toMatchObject({ table: 'items', count: ROWS });
  });

  it('names a missing table and its database', async () => {
    const missing = await failure(previewTable(targets[target], 'nowhere'));
    expect(missing.message).toMatch(/nowhere/);
    expect(missing.message).toMatch(target === 'sqlite' ? /SQLite|shop\.db/ : new RegExp(db));
  });
});

describe.each(['postgresql', 'mysql'] as const)('a slow count on %s', (target) => {
  it('is cancelled on the server once its timeout passes', async () => {
    const started = Date.now();
    const error = await failure(countRows(targets[target], 'slow', { timeoutMs: 300 }));
    expect(error.message).toBe(
      `counting the rows of slow on ${targets[target].label} was stopped after 0.3 s`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
