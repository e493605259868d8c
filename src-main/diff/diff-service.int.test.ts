import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { ApiError } from '../../src-shared/api/errors';
import { defaultRegistry } from '../default-registry';
import { isoNow } from '../jobs/clock';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createDiffService, type DiffApi } from './diff-service';

/*
 * The schema diff routes as the studio calls them: a saved job reading a PostgreSQL table into a
 * PostgreSQL table that lacks a column; the DDL applied only as the diff generates it now.
 */

const DB = `fustgo_test_diff_api_${randomBytes(4).toString('hex')}`;
const SECRET = `pw-${randomBytes(8).toString('hex')}`;
let dbs: Partial<TestDatabases> = {};
let dataDir: string;
let store: Store;
let api: DiffApi;

async function saveJob(name: string, yaml: string): Promise<string> {
  const id = randomUUID();
  await createJobRepo(store.db).insert(
    { id, name, description: '', config_yaml: yaml, flow_diagram: null },
    isoNow(),
  );
  return id;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const pgConnection = `{ host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }`;

describe('the schema diff API', () => {
  beforeAll(async () => {
    dbs = await createTestDatabases(DB);
    await execOn(
      dbs as TestDatabases,
      '',
      'postgresql',
      'CREATE TABLE src (id int PRIMARY KEY, email varchar(120), city text)',
      'CREATE TABLE dst (id int PRIMARY KEY, email varchar(120))',
    );
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-diff-api-'));
    store = await openStore({ dataDir });
    api = createDiffService({ db: store.db, registry: defaultRegistry(), dataDir, examplesDir: dataDir }).api;
  });

  afterAll(async () => {
    await store?.close();
    await dropTestDatabases(DB, dbs);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('diffs a job, refuses statements it did not generate, and applies the ones it did', async () => {
    const id = await saveJob(
      'src-to-dst',
      `version: 1
input: { type: postgresql, connection: ${pgConnection}, query: { table: src } }
output: { type: postgresql, connection: ${pgConnection}, write: { table: dst } }
`,
    );
    const diff = await api.diffJobSchema({ job_id: id });
    expect(diff.tables[0].rows.map((r) => `${r.source?.name} ${r.status}`)).toEqual([
      'id compatible',
      'email compatible',
      'city missing_in_target',
    ]);
    const statements = diff.tables[0].statements.map((s) => s.sql);
    expect(statements).toEqual(['ALTER TABLE "dst" ADD COLUMN "city" text']);

    const refused = await failure(api.applyJobDdl({ job_id: id, statements: ['DROP TABLE dst'] }));
    expect(refused.code).toBe('conflict');
    expect(refused.details).toEqual({ statements });

    expect(await api.applyJobDdl({ job_id: id, statements })).toMatchObject({
      applied: statements,
      transactional: true,
      database: 'PostgreSQL',
    });
    expect((await api.diffJobSchema({ job_id: id })).ok).toBe(true);
    expect(
      await rowsOn(
        dbs as TestDatabases,
        '',
        'postgresql',
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'dst' ORDER BY ordinal_position",
      ),
    ).toEqual([['id'], ['email'], ['city']]);
    const stale = await failure(api.applyJobDdl({ job_id: id, statements }));
    expect(stale).toMatchObject({
      code: 'conflict',
      message: 'the target needs no change any more: compare again',
    });
  });

  it('says what it cannot compare, and never shows a password', async () => {
    expect((await failure(api.diffJobSchema({ job_id: 'nope' }))).code).toBe('not_found');
    const toFile = await saveJob(
      'to-file',
      `version: 1
input: { type: postgresql, connection: ${pgConnection}, query: { table: src } }
output: { type: file, path: out.csv }
`,
    );
    const file = await failure(api.diffJobSchema({ job_id: toFile }));
    expect(file.code).toBe('bad_request');
    expect(file.message).toMatch(/^output\.type: the schema diff compares with a database table/);
    const denied = await saveJob(
      'denied',
      `version: 1
input: { type: mysql, connection: { host: 127.0.0.1, port: 3306, database: ${DB}, username: root, password: ${SECRET} }, query: { table: src } }
output: { type: postgresql, connection: ${pgConnection}, write: { table: dst } }
`,
    );
    const error = await failure(api.diffJobSchema({ job_id: denied }));
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/denied/i);
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(SECRET);
  });
});
