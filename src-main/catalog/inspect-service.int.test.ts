import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import { fixedConnections } from '../config';
import { defaultRegistry } from '../default-registry';
import type { RunLauncher } from '../jobs/run-launcher';
import { createServices, type Services } from '../services';
import { openStore, type Store } from '../store/open-store';
import { createInspectService } from './inspect-service';

/*
 * inspectComponent as the designer calls it, through the composed services, against the local
 * PostgreSQL and MariaDB (a database of its own on each) and SQLite files in a job's folder:
 * connections written in the node, with `${VAR}`s, and saved ones; bad passwords, closed ports,
 * and a server that never answers.
 */

const EXAMPLES = resolve('resources/examples');
const DB = `fustgo_test_inspect_${randomBytes(4).toString('hex')}`;
const MY_USER = `${DB}_user`;
const MY_PASSWORD = 'Inspect-pw-3f9c1e';
const WRONG_PASSWORD = 'Wrong-pw-77a1b2';
const unusedLauncher: RunLauncher = {
  launch() {
    throw new Error('no run is started in this test');
  },
};

let dbs: Partial<TestDatabases> = {};
let dataDir: string;
let services: Services;
let api: StudioApi;

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

const pgConnection = { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' };
const myConnection = (password: string) => ({
  host: '127.0.0.1',
  port: '${FUSTGO_TEST_INSPECT_MY_PORT}',
  database: DB,
  username: MY_USER,
  password,
});

beforeAll(async () => {
  dbs = await createTestDatabases(DB);
  await dbs.pg!.query(
    `CREATE SCHEMA sales;
     CREATE TABLE sales.orders (id bigint, line int, qty int NOT NULL, note text, PRIMARY KEY (id, line));
     COMMENT ON TABLE sales.orders IS 'order lines';
     CREATE VIEW public.big_orders AS SELECT id, qty FROM sales.orders WHERE qty > 10`,
  );
  await runSql(
    dbs.my!,
    'CREATE TABLE customers (id int PRIMARY KEY, name varchar(200) NOT NULL, born date) COMMENT = "people"',
  );
  await runSql(dbs.my!, `CREATE USER IF NOT EXISTS '${MY_USER}'@'%' IDENTIFIED BY '${MY_PASSWORD}'`);
  await runSql(dbs.my!, `GRANT SELECT ON ${DB}.* TO '${MY_USER}'@'%'`);
  process.env.FUSTGO_TEST_INSPECT_MY_PORT = '3306';
  process.env.FUSTGO_TEST_INSPECT_MY_PASSWORD = MY_PASSWORD;
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-inspect-api-'));
  services = await createServices({ dataDir, examplesDir: EXAMPLES, launcher: unusedLauncher });
  api = services.api;
}, 60_000);

afterAll(async () => {
  await services?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (dbs.my) await runSql(dbs.my, `DROP USER IF EXISTS '${MY_USER}'@'%'`);
  await dropTestDatabases(DB, dbs);
  delete process.env.FUSTGO_TEST_INSPECT_MY_PORT;
  delete process.env.FUSTGO_TEST_INSPECT_MY_PASSWORD;
});

describe('inspectComponent on PostgreSQL', () => {
  it('lists every schema’s tables and views, and describes a table’s columns with its key', async () => {
    const listed = await api.inspectComponent({
      kind: 'input',
      type: 'postgresql',
      section: { type: 'postgresql', connection: pgConnection, query: { table: 'sales.orders' } },
    });
    expect(listed).toEqual({
      tables: expect.arrayContaining([
        { qualified_name: 'sales.orders', kind: 'table', row_estimate: null, comment: 'order lines' },
        expect.objectContaining({ qualified_name: 'public.big_orders', kind: 'view' }),
      ]),
    });

    const described = await api.inspectComponent({
      kind: 'output',
      type: 'postgresql',
      section: { connection: pgConnection },
      table: 'sales.orders',
    });
    expect(described).toEqual({
      columns: [
        {
          name: 'id',
          type: 'bigint',
          native_type: 'bigint',
          nullable: false,
          primary_key_position: 1,
          comment: null,
        },
        {
          name: 'line',
          type: 'int',
          native_type: 'integer',
          nullable: false,
          primary_key_position: 2,
          comment: null,
        },
        {
          name: 'qty',
          type: 'int',
          native_type: 'integer',
          nullable: false,
          primary_key_position: null,
          comment: null,
        },
        {
          name: 'note',
          type: 'string',
          native_type: 'text',
          nullable: true,
          primary_key_position: null,
          comment: null,
        },
      ],
    });
  });

  it('reads a saved connection’s database, and names the saved connection when it fails', async () => {
    await api.createConnection({ name: 'inspect-pg', type: 'postgresql', config: pgConnection });
    const listed = await api.inspectComponent({
      kind: 'input',
      type: 'postgresql',
      section: { connection: { ref: 'inspect-pg' } },
    });
    expect('tables' in listed && listed.tables.map((t) => t.qualified_name)).toContain('sales.orders');

    const missing = await failure(
      api.inspectComponent({
        kind: 'input',
        type: 'postgresql',
        section: { connection: { ref: 'inspect-pg' } },
        table: 'sales.nope',
      }),
    );
    expect(missing.code).toBe('bad_request');
    expect(missing.message).toMatch(/^connection "inspect-pg": table "sales\.nope" not found/);

    const unknown = await failure(
      api.inspectComponent({ kind: 'input', type: 'postgresql', section: { connection: { ref: 'nope' } } }),
    );
    expect(unknown.message).toMatch(/^connection\.ref: no saved connection "nope" \(known: inspect-pg\)/);
  });

  it('says which host refused, and what a connection lacks before trying', async () => {
    const refused = await failure(
      api.inspectComponent({
        kind: 'input',
        type: 'postgresql',
        section: { connection: { ...pgConnection, port: 1 } },
      }),
    );
    expect(refused.code).toBe('bad_request');
    expect(refused.message).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1 database/);

    const incomplete = await failure(
      api.inspectComponent({
        kind: 'input',
        type: 'postgresql',
        section: { connection: { host: 'db1', port: 'x', username: 'etl' } },
      }),
    );
    expect(incomplete.message).toMatch(/missing required field "database"/);
    expect(incomplete.message).toMatch(/connection\.port: must be integer/);
  });
});

describe('inspectComponent on MariaDB', () => {
  it('lists and describes with the password from ${VAR}', async () => {
    const section = { connection: myConnection('${FUSTGO_TEST_INSPECT_MY_PASSWORD}') };
    expect(await api.inspectComponent({ kind: 'input', type: 'mysql', section })).toEqual({
      tables: [{ qualified_name: `${DB}.customers`, kind: 'table', row_estimate: 0, comment: 'people' }],
    });
    const described = await api.inspectComponent({
      kind: 'input',
      type: 'mysql',
      section,
      table: 'customers',
    });
    expect(
      'columns' in described && described.columns.map((c) => [c.name, c.native_type, c.primary_key_position]),
    ).toEqual([
      ['id', 'int', 1],
      ['name', 'varchar(200)', null],
      ['born', 'date', null],
    ]);
  });

  it('refuses a bad password with the server’s reason, naming the database and never the password', async () => {
    const denied = await failure(
      api.inspectComponent({
        kind: 'output',
        type: 'mysql',
        section: { connection: myConnection(WRONG_PASSWORD) },
      }),
    );
    expect(denied.code).toBe('bad_request');
    expect(denied.message).toMatch(
      new RegExp(
        `cannot connect to MySQL at 127\\.0\\.0\\.1:3306 database "${DB}": Access denied for user '${MY_USER}'`,
      ),
    );
    expect(denied.message).not.toContain(WRONG_PASSWORD);

    const unset = await failure(
      api.inspectComponent({
        kind: 'input',
        type: 'mysql',
        section: {
          connection: myConnection('${FUSTGO_TEST_INSPECT_UNSET}'),
          query: { sql: '${ALSO_UNSET}' },
        },
      }),
    );
    expect(unset.message).toBe(
      'connection.password: environment variable "FUSTGO_TEST_INSPECT_UNSET" is not set',
    );
  });
});

describe('inspectComponent on SQLite', () => {
  it('resolves a relative path in the job’s folder', async () => {
    const yaml = readFileSync(join(EXAMPLES, 'generate-to-csv.yaml'), 'utf8');
    const job = await api.createJob({ name: 'inspect-sqlite', config_yaml: yaml });
    const folder = join(dataDir, 'jobs', job.id, 'data');
    mkdirSync(folder, { recursive: true });
    const db = new Database(join(folder, 'shop.db'));
    db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, total DECIMAL(10,2), status TEXT NOT NULL);
             CREATE VIEW paid AS SELECT id FROM orders WHERE status = 'paid'`);
    db.close();

    const section = { type: 'sqlite', path: 'data/shop.db', query: { table: 'orders' } };
    expect(await api.inspectComponent({ kind: 'input', type: 'sqlite', section, job_id: job.id })).toEqual({
      tables: [
        { qualified_name: 'orders', kind: 'table', row_estimate: null, comment: null },
        { qualified_name: 'paid', kind: 'view', row_estimate: null, comment: null },
      ],
    });
    expect(
      await api.inspectComponent({ kind: 'input', type: 'sqlite', section, job_id: job.id, table: 'orders' }),
    ).toEqual({
      columns: [
        {
          name: 'id',
          type: 'int',
          native_type: 'INTEGER',
          nullable: false,
          primary_key_position: 1,
          comment: null,
        },
        {
          name: 'total',
          type: 'decimal',
          native_type: 'DECIMAL(10,2)',
          nullable: true,
          primary_key_position: null,
          comment: null,
        },
        {
          name: 'status',
          type: 'string',
          native_type: 'TEXT',
          nullable: false,
          primary_key_position: null,
          comment: null,
        },
      ],
    });

    // Without the job, the path resolves in the data dir, where there is no such file (and none is made).
    const elsewhere = await failure(api.inspectComponent({ kind: 'input', type: 'sqlite', section }));
    expect(elsewhere.message).toMatch(/cannot open SQLite database .*data[/\\]shop\.db/);
  });

  it('refuses components without a database and unknown jobs', async () => {
    const generate = await failure(
      api.inspectComponent({ kind: 'input', type: 'generate', section: { count: 3 } }),
    );
    expect(generate.message).toBe('the generate input has no database to inspect');
    const job = await failure(
      api.inspectComponent({ kind: 'input', type: 'sqlite', section: { path: 'x.db' }, job_id: 'nope' }),
    );
    expect(job.code).toBe('not_found');
  });
});

describe('inspectComponent time box', () => {
  let silent: Server;
  let store: Store;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never says a word, as a firewall that drops packets would look to a driver.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'fustgo-inspect-box-')) });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));
    await store.close();
  });

  it('gives up on a server that does not answer, naming it', async () => {
    const { api: inspect } = createInspectService({
      db: store.db,
      registry: defaultRegistry(),
      connections: fixedConnections({}),
      dataDir: tmpdir(),
      examplesDir: EXAMPLES,
      timeoutMs: 300,
    });
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const late = await failure(
      inspect.inspectComponent({
        kind: 'input',
        type: 'postgresql',
        section: { connection: { ...pgConnection, port, password: 'Never-shown-9d2' } },
      }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(late.message).toBe(`postgresql at 127.0.0.1:${port} database "${DB}": no answer within 0.3 s`);
  });
});
