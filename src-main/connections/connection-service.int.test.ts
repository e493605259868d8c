import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import { defaultRegistry } from '../default-registry';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createConnectionService, type ConnectionService } from './connection-service';
import { headlessSecretBox } from './secret-box';

const DB = 'fustgo_conn_svc';
const MY_USER = 'fustgo_conn_user';
const MY_PASSWORD = 'Pw-for-conn-test-7f3a';
const PG_PASSWORD = 'Pg-secret-never-shown-91c2';

let dbs: TestDatabases;
let dataDir: string;
let store: Store;
let service: ConnectionService;

beforeAll(async () => {
  dbs = await createTestDatabases(DB);
  await runSql(dbs.my, `CREATE USER IF NOT EXISTS '${MY_USER}'@'%' IDENTIFIED BY '${MY_PASSWORD}'`);
  await runSql(dbs.my, `GRANT SELECT ON ${DB}.* TO '${MY_USER}'@'%'`);
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-conn-'));
  store = await openStore({ dataDir });
  service = createConnectionService({
    db: store.db,
    registry: defaultRegistry(),
    secrets: headlessSecretBox(dataDir, {}),
    baseDir: dataDir,
  });
});

afterAll(async () => {
  await store?.close();
  if (dbs) await runSql(dbs.my, `DROP USER IF EXISTS '${MY_USER}'@'%'`);
  await dropTestDatabases(DB, dbs ?? {});
  rmSync(dataDir, { recursive: true, force: true });
});

const mysqlFields = (password: string) => ({
  host: '127.0.0.1',
  port: 3306,
  database: DB,
  username: MY_USER,
  password,
});

describe('saved connections', () => {
  it('keeps secrets out of every response and out of the store file, and resolves them for pipelines', async () => {
    const created = await service.api.createConnection({
      name: 'warehouse',
      type: 'postgresql',
      description: 'the DW',
      config: { host: '127.0.0.1', database: DB, username: 'postgres', password: PG_PASSWORD },
    });
    expect(created).toMatchObject({ name: 'warehouse', type: 'postgresql', secrets_set: ['password'] });
    expect(created.config).toEqual({ host: '127.0.0.1', database: DB, username: 'postgres' });
    const responses = [
      created,
      await service.api.listConnections({}),
      await service.api.getConnection({ id: created.id }),
    ];
    expect(JSON.stringify(responses)).not.toContain(PG_PASSWORD);
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('fustgo.db'))) {
      expect(readFileSync(join(dataDir, file)).includes(PG_PASSWORD)).toBe(false);
    }
    expect(await service.resolver.resolve('warehouse')).toEqual({
      type: 'postgresql',
      placement: 'connection',
      fields: { host: '127.0.0.1', database: DB, username: 'postgres', password: PG_PASSWORD },
    });
    expect(await service.resolver.resolve('nope')).toBeUndefined();

    const tested = await service.api.testConnection({ id: created.id });
    expect(tested.ok).toBe(true);
    expect(tested.message).toMatch(/^connected: PostgreSQL \d+/);
  });

  it('tests a draft before saving and says why it fails, never with the password', async () => {
    const good = await service.api.testConnection({ type: 'mysql', config: mysqlFields(MY_PASSWORD) });
    expect(good).toMatchObject({ ok: true });
    expect(good.message).toMatch(/MariaDB|MySQL/);
    const bad = await service.api.testConnection({ type: 'mysql', config: mysqlFields('wrong-Pw-5521') });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/Access denied for user 'fustgo_conn_user'/);
    expect(bad.message).not.toContain('wrong-Pw-5521');
    await expect(
      service.api.testConnection({ type: 'mysql', config: { host: '127.0.0.1' } }),
    ).rejects.toThrow(/invalid mysql connection: config: missing required field "database"/);
  });

  it('keeps a stored password an edit leaves out and clears it when emptied', async () => {
    const saved = await service.api.createConnection({
      name: 'shop',
      type: 'mysql',
      config: mysqlFields(MY_PASSWORD),
    });
    const edited = await service.api.updateConnection({
      id: saved.id,
      config: { ...mysqlFields(MY_PASSWORD), password: undefined, port: 3306 },
    });
    expect(edited.secrets_set).toEqual(['password']);
    expect((await service.api.testConnection({ id: saved.id })).ok).toBe(true);
    // Testing the form being edited: a password left out is the saved one.
    const { password: _left, ...withoutPassword } = mysqlFields('');
    expect((await service.api.testConnection({ id: saved.id, config: withoutPassword })).ok).toBe(true);
    const cleared = await service.api.updateConnection({ id: saved.id, config: mysqlFields('') });
    expect(cleared.secrets_set).toEqual([]);
    expect((await service.api.testConnection({ id: saved.id })).ok).toBe(false);
  });

  it('refuses deleting or renaming a connection jobs use, naming the jobs', async () => {
    const saved = await service.api.createConnection({
      name: 'used',
      type: 'sqlite',
      config: { path: join(dataDir, 'shop.db') },
    });
    await createJobRepo(store.db).insert(
      {
        id: 'j1',
        name: 'nightly orders',
        description: '',
        config_yaml:
          'version: 1\ninput:\n  type: sqlite\n  connection: { ref: used }\n  query: { table: t }\noutput: { type: file, path: o.csv }\n',
        flow_diagram: null,
      },
      new Date().toISOString(),
    );
    expect((await service.api.getConnection({ id: saved.id })).used_by).toEqual([
      { id: 'j1', name: 'nightly orders' },
    ]);
    await expect(service.api.deleteConnection({ id: saved.id })).rejects.toThrow(
      'connection "used" is used by job "nightly orders": change or delete them first',
    );
    await expect(service.api.updateConnection({ id: saved.id, name: 'renamed' })).rejects.toThrow(
      /cannot be renamed while jobs refer to it by name: nightly orders/,
    );
    await createJobRepo(store.db).delete('j1');
    expect(await service.api.deleteConnection({ id: saved.id })).toEqual({ deleted: true });
  });

  it('refuses a duplicate name and a connector without saved connections', async () => {
    await expect(
      service.api.createConnection({ name: 'warehouse', type: 'sqlite', config: { path: 'x.db' } }),
    ).rejects.toThrow('a connection named "warehouse" already exists');
    await expect(service.api.createConnection({ name: 'g', type: 'generate', config: {} })).rejects.toThrow(
      /"generate" has no saved connections \(those that do: sqlite, postgresql, mysql\)/,
    );
  });
});
