import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import { ApiError } from '../../src-shared/api/errors';
import { createConnectionService } from '../connections/connection-service';
import { aesSecretBox } from '../connections/secret-box';
import { defaultRegistry } from '../default-registry';
import { isoNow } from '../jobs/clock';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createPreviewService, type PreviewApi } from './preview-service';

/*
 * The preview routes as the studio calls them: saved connections (a MariaDB user with a real
 * password), jobs whose input and output refer to them, and the password nowhere in any answer
 * or error.
 */

const db = `fustgo_test_preview_api_${randomBytes(4).toString('hex')}`;
const user = `fgp_${randomBytes(3).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(8).toString('hex')}`;
let dbs: Partial<TestDatabases> = {};
let dataDir: string;
let store: Store;
let preview: PreviewApi;
let ids: { pg: string; maria: string; lite: string; badMaria: string };
/** Everything the API said, answers and errors, to search for the password at the end. */
const said: string[] = [];

async function call<T>(promise: Promise<T>): Promise<T> {
  try {
    const result = await promise;
    said.push(JSON.stringify(result));
    return result;
  } catch (error) {
    said.push(
      error instanceof Error
        ? `${error.message} ${JSON.stringify((error as ApiError).details)}`
        : String(error),
    );
    throw error;
  }
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await call(promise).then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const jobs = () => createJobRepo(store.db);

async function saveJob(name: string, yaml: string): Promise<string> {
  const id = randomUUID();
  await jobs().insert({ id, name, description: '', config_yaml: yaml, flow_diagram: null }, isoNow());
  return id;
}

beforeAll(async () => {
  dbs = await createTestDatabases(db);
  const all = dbs as TestDatabases;
  await execOn(
    all,
    '',
    'postgresql',
    'CREATE TABLE items (id int PRIMARY KEY, email text, price numeric(10,2))',
  );
  await execOn(
    all,
    '',
    'postgresql',
    `INSERT INTO items SELECT i, 'user' || i || '@example.com', i * 1.25 FROM generate_series(1, 250) AS i`,
  );
  await execOn(all, '', 'mysql', 'CREATE TABLE items (id INT PRIMARY KEY, email TEXT)');
  await execOn(all, '', 'mysql', "INSERT INTO items VALUES (1, 'a@example.com'), (2, 'b@example.com')");
  await execOn(
    all,
    '',
    'mysql',
    `CREATE USER '${user}'@'%' IDENTIFIED BY '${PASSWORD}'`,
    `CREATE USER '${user}'@'localhost' IDENTIFIED BY '${PASSWORD}'`,
    `GRANT ALL ON ${db}.* TO '${user}'@'%'`,
    `GRANT ALL ON ${db}.* TO '${user}'@'localhost'`,
  );

  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-preview-api-'));
  const lite = new Database(join(dataDir, 'shop.db'));
  lite.exec(
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items VALUES (1, 'one'), (2, 'two')",
  );
  lite.close();

  store = await openStore({ dataDir });
  const registry = defaultRegistry();
  const connections = createConnectionService({
    db: store.db,
    registry,
    secrets: aesSecretBox(randomBytes(32), 'test key'),
    baseDir: dataDir,
  });
  preview = createPreviewService({ db: store.db, registry, connections, dataDir, examplesDir: dataDir }).api;
  const save = async (name: string, type: string, config: Record<string, unknown>) =>
    (await connections.api.createConnection({ name, type, config })).id;
  const server = (port: number, username: string, password: string) => ({
    host: '127.0.0.1',
    port,
    database: db,
    username,
    password,
  });
  ids = {
    pg: await save('pg-shop', 'postgresql', server(5432, 'postgres', PASSWORD)),
    maria: await save('maria-shop', 'mysql', server(3306, user, PASSWORD)),
    lite: await save('lite-shop', 'sqlite', { path: 'shop.db' }),
    badMaria: await save('maria-wrong', 'mysql', server(3306, user, WRONG_PASSWORD)),
  };
  await save('maria-down', 'mysql', server(1, user, PASSWORD));
});

afterAll(async () => {
  await store?.close();
  await execOn(
    dbs as TestDatabases,
    '',
    'mysql',
    `DROP USER IF EXISTS '${user}'@'%'`,
    `DROP USER IF EXISTS '${user}'@'localhost'`,
  );
  await dropTestDatabases(db, dbs);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('previews of saved connections', () => {
  it('preview a table on each saved connection', async () => {
    const pg = await call(preview.previewTable({ connection_id: ids.pg, table: 'public.items', limit: 5 }));
    expect(pg.source).toMatchObject({ label: 'pg-shop', type: 'postgresql', table: 'public.items' });
    expect(pg.rows[0]).toEqual([1, 'user1@example.com', '1.25']);
    expect(pg.columns.map((c) => c.native_type)).toEqual(['integer', 'text', 'numeric(10,2)']);

    const maria = await call(preview.previewTable({ connection_id: ids.maria, table: 'items' }));
    expect(maria.rows).toEqual([
      [1, 'a@example.com'],
      [2, 'b@example.com'],
    ]);
    expect(maria.row_count).toEqual({ kind: 'exact', value: 2 });

    // A relative SQLite path of a saved connection resolves in the data dir.
    const lite = await call(preview.previewTable({ connection_id: ids.lite, table: 'items' }));
    expect(lite.rows).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('run a query, count exactly, and list the tables to pick from', async () => {
    const query = await call(
      preview.previewQuery({ connection_id: ids.pg, sql: 'SELECT count(*) AS n FROM items WHERE id > 100' }),
    );
    expect(query.rows).toEqual([['150']]);
    expect(await call(preview.countRows({ connection_id: ids.pg, table: 'items' }))).toMatchObject({
      count: 250,
    });
    const tables = await call(preview.listPreviewTables({ connection_id: ids.pg }));
    expect(tables).toContainEqual({ name: 'public.items', kind: 'table' });
    const mariaTables = await call(preview.listPreviewTables({ connection_id: ids.maria }));
    expect(mariaTables.map((t) => t.name)).toEqual([`${db}.items`]);
  });

  it('mask columns on request', async () => {
    const result = await call(
      preview.previewTable({ connection_id: ids.maria, table: 'items', mask: { email: 'partial' } }),
    );
    expect(result.rows.map((row) => row[1])).toEqual(['a@*********om', 'b@*********om']);
    expect(result.columns[1]).toMatchObject({ name: 'email', masked: 'partial', type: 'string' });
  });

  it('refuse writes, and never say the password, even where a message would quote it', async () => {
    const insert = await failure(
      preview.previewQuery({ connection_id: ids.maria, sql: 'INSERT INTO items VALUES (3, NULL)' }),
    );
    expect(insert.message).toContain('Cannot execute statement in a READ ONLY transaction');
    const quoting = await failure(
      preview.previewQuery({ connection_id: ids.maria, sql: `SELECT * FROM \`${PASSWORD}\`` }),
    );
    expect(quoting.message).toContain("doesn't exist");
    expect(quoting.message).toContain('********');
    const denied = await failure(preview.previewTable({ connection_id: ids.badMaria, table: 'items' }));
    expect(denied.message).toMatch(/Access denied/);
  });

  it('say which connection or table is missing', async () => {
    expect((await failure(preview.previewTable({ connection_id: 'nope', table: 'items' }))).code).toBe(
      'not_found',
    );
    const missing = await failure(preview.previewTable({ connection_id: ids.pg, table: 'public.nowhere' }));
    expect(missing.message).toMatch(/table "public\.nowhere" not found in PostgreSQL/);
  });
});

describe('previews of a job', () => {
  const copyJob = `version: 1
input:
  type: postgresql
  connection: { ref: pg-shop }
  query: { table: public.items, columns: [id, email], filter: 'id > 240' }
output:
  type: mysql
  connection: { ref: maria-shop }
  write: { table: items_copy }
`;

  it('show the rows its input reads: the table, its columns and its filter', async () => {
    const id = await saveJob('copy-items', copyJob);
    const input = await call(preview.previewJob({ job_id: id, side: 'input' }));
    expect(input.source).toMatchObject({ label: 'job copy-items input', table: 'public.items' });
    expect(input.columns.map((c) => c.name)).toEqual(['id', 'email']);
    expect(input.rows.map((row) => row[0])).toEqual([241, 242, 243, 244, 245, 246, 247, 248, 249, 250]);
    expect(input.row_count).toEqual({ kind: 'exact', value: 10 });
  });

  it('show the target table as it is, or say the job will create it', async () => {
    const id = await saveJob('copy-items-target', copyJob);
    const missing = await failure(preview.previewJob({ job_id: id, side: 'output' }));
    expect(missing.message).toMatch(/^output\.write\.table: table "items_copy" not found in MySQL/);
    expect(missing.message).toContain('the job creates it when it first runs');

    await execOn(
      dbs as TestDatabases,
      '',
      'mysql',
      'CREATE TABLE items_copy (id INT, email TEXT)',
      "INSERT INTO items_copy VALUES (7, 'x')",
    );
    const target = await call(preview.previewJob({ job_id: id, side: 'output', mask: { email: 'hash' } }));
    expect(target.source).toMatchObject({
      label: 'job copy-items-target output',
      type: 'mysql',
      table: 'items_copy',
    });
    expect(target.rows).toHaveLength(1);
    expect(target.columns[1].masked).toBe('hash');
  });

  it('say a target database cannot be reached, not that the job will create its table', async () => {
    const id = await saveJob('copy-to-nowhere', copyJob.replace('ref: maria-shop', 'ref: maria-down'));
    const down = await failure(preview.previewJob({ job_id: id, side: 'output' }));
    expect(down.message).toMatch(/cannot connect to MySQL at 127\.0\.0\.1:1 /);
    expect(down.message).not.toContain('creates it');
  });

  it('resolve a SQLite input’s relative path in the job’s folder', async () => {
    const id = await saveJob(
      'lite-job',
      `version: 1
input:
  type: sqlite
  path: local.db
  query: { sql: 'SELECT name FROM things ORDER BY name DESC' }
output:
  type: file
  path: out.csv
`,
    );
    const folder = join(dataDir, 'jobs', id);
    mkdirSync(folder, { recursive: true });
    const local = new Database(join(folder, 'local.db'));
    local.exec("CREATE TABLE things (name TEXT); INSERT INTO things VALUES ('a'), ('b'), ('c')");
    local.close();
    const input = await call(preview.previewJob({ job_id: id, side: 'input', limit: 2 }));
    expect(input.rows).toEqual([['c'], ['b']]);
    expect(input.has_more).toBe(true);
    const output = await failure(preview.previewJob({ job_id: id, side: 'output' }));
    expect(output.message).toMatch(
      /^output\.type: a target preview reads a table of postgresql, mysql, sqlite; a file output has none/,
    );
  });

  it('read a non-SQL input through its component, stopped at the limit', async () => {
    const id = await saveJob(
      'generated',
      `version: 1
input:
  type: generate
  count: 1000000
  columns:
    - { name: id, generator: sequence }
    - { name: secret, generator: string, pattern: 'token-{n}' }
output:
  type: file
  path: out.csv
`,
    );
    const input = await call(
      preview.previewJob({ job_id: id, side: 'input', limit: 3, mask: { secret: 'partial' } }),
    );
    expect(input.source).toEqual({ label: 'job generated input', type: 'generate' });
    expect(input.rows).toEqual([
      [1, 't*****1'],
      [2, 't*****2'],
      [3, 't*****3'],
    ]);
    expect(input.has_more).toBe(true);
  });

  it('report a job whose config is invalid with its problems, and an unknown job', async () => {
    const id = await saveJob(
      'broken',
      'version: 1\ninput:\n  type: postgresql\n  connection: { ref: nope }\n',
    );
    const broken = await failure(preview.previewJob({ job_id: id, side: 'input' }));
    expect(broken.code).toBe('invalid_config');
    expect(broken.message).toMatch(/^job "broken" cannot be previewed: broken\.yaml:\d+:\d+: /);
    expect((await failure(preview.previewJob({ job_id: 'nope', side: 'input' }))).code).toBe('not_found');
  });
});

describe('the password', () => {
  it('appears in no answer and no error', () => {
    expect(said.length).toBeGreaterThan(15);
    for (const text of said) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(WRONG_PASSWORD);
    }
  });
});
