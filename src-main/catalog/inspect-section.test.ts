import { describe, expect, it } from 'vitest';
import { fixedConnections } from '../config';
import { defaultRegistry } from '../default-registry';
import type { ComponentSpec } from '../engine/component';
import { inspectableConfig, substituteSectionEnv } from './inspect-section';

const registry = defaultRegistry();
const spec = (kind: 'input' | 'output', type: string): ComponentSpec => {
  const found = registry.get(kind, type);
  if (!found) throw new Error(`no ${kind} ${type}`);
  return found;
};
const connections = fixedConnections({
  warehouse: {
    type: 'postgresql',
    placement: 'connection',
    fields: { host: 'dw', database: 'dw', username: 'etl', password: 'Saved-secret-1' },
  },
  files: { type: 'sqlite', placement: 'root', fields: { path: 'saved.db' } },
});
const env = { PG_PASSWORD: 'From-env-secret', PORT: '6543' };

describe('substituteSectionEnv', () => {
  it('substitutes every string and reads a whole value as YAML would unquoted', () => {
    const missing: { path: string; name: string }[] = [];
    expect(
      substituteSectionEnv(
        { connection: { port: '${PORT}', host: 'db-${PORT}' }, list: ['${NOPE}', 3], flag: '${B:-true}' },
        env,
        '',
        missing,
      ),
    ).toEqual({ connection: { port: 6543, host: 'db-6543' }, list: ['', 3], flag: true });
    expect(missing).toEqual([{ path: 'list[0]', name: 'NOPE' }]);
  });
});

describe('inspectableConfig', () => {
  it('substitutes, fills defaults and keeps the substituted password as a secret', async () => {
    const inspectable = await inspectableConfig(
      spec('input', 'postgresql'),
      {
        type: 'postgresql',
        connection: { host: 'db1', database: 'shop', username: 'etl', password: '${PG_PASSWORD}' },
        // Not where the database is: an unset variable here does not matter.
        query: { sql: 'SELECT ${NOT_SET}' },
      },
      { env, connections },
    );
    expect(inspectable.config.connection).toMatchObject({
      host: 'db1',
      port: 5432,
      password: 'From-env-secret',
    });
    expect(inspectable.secrets).toEqual(['From-env-secret']);
    expect(inspectable.label).toBe('postgresql at db1:5432 database "shop"');
    expect(inspectable.savedName).toBeUndefined();
  });

  it('merges a saved connection under the fields written beside its ref', async () => {
    const inspectable = await inspectableConfig(
      spec('output', 'postgresql'),
      { connection: { ref: 'warehouse', database: 'staging' } },
      { env, connections },
    );
    expect(inspectable.config.connection).toMatchObject({
      host: 'dw',
      database: 'staging',
      password: 'Saved-secret-1',
    });
    expect(inspectable.secrets).toEqual(['Saved-secret-1']);
    expect(inspectable.label).toBe('connection "warehouse"');

    const sqlite = await inspectableConfig(
      spec('input', 'sqlite'),
      { connection: { ref: 'files' } },
      { env, connections },
    );
    expect(sqlite.config.path).toBe('saved.db');
  });

  it('refuses what leaves the database unknown, naming the field', async () => {
    const refused = (section: Record<string, unknown>, type = 'postgresql') =>
      inspectableConfig(spec('input', type), section, { env, connections });
    await expect(
      refused({ connection: { host: 'db1', database: 'x', username: 'u', password: '${NOPE}' } }),
    ).rejects.toThrow('connection.password: environment variable "NOPE" is not set');
    await expect(refused({ connection: { ref: 'files' } })).rejects.toThrow(
      'connection.ref: connection "files" is a sqlite connection, not postgresql',
    );
    await expect(refused({ query: { table: 'orders' } })).rejects.toThrow(
      'missing required field "connection"',
    );
    await expect(refused({ query: { table: 'orders' } }, 'sqlite')).rejects.toThrow(
      'missing required field "path"',
    );
    await expect(refused({ path: '', query: { table: 'orders' } }, 'sqlite')).rejects.toThrow(
      'path: must not be empty',
    );
  });

  it('leaves the rest of the section alone: an unfinished query does not stop listing tables', async () => {
    const inspectable = await inspectableConfig(
      spec('input', 'sqlite'),
      { path: 'data/${PORT}.db', query: { columns: ['id'] } },
      { env, connections },
    );
    expect(inspectable.config.path).toBe('data/6543.db');
    expect(inspectable.label).toBe('sqlite file "data/6543.db"');
    expect(inspectable.secrets).toEqual([]);
  });
});
