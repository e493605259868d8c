import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../default-registry';
import { loadAndValidateText } from './check';
import { fixedConnections, hasConnectionRefs, type ResolvedConnection } from './connection-refs';
import { formatProblem } from './problem';

const warehouse: ResolvedConnection = {
  type: 'postgresql',
  placement: 'connection',
  fields: { host: 'db.internal', port: 5433, database: 'dw', username: 'etl', password: 'hunter2-secret' },
};
const localFile: ResolvedConnection = {
  type: 'sqlite',
  placement: 'root',
  fields: { path: '/data/shop.db' },
};
const connections = fixedConnections({ warehouse, local_file: localFile });

async function load(yaml: string, resolver = connections) {
  const result = await loadAndValidateText(yaml, 'p.yaml', '/tmp', defaultRegistry(), {
    env: {},
    ...(resolver ? { connections: resolver } : {}),
  });
  return result.ok
    ? { config: result.loaded.config, lines: [] }
    : { config: null, lines: result.problems.map(formatProblem) };
}

describe('connection: { ref }', () => {
  it('puts the saved connection in place of the ref, fields beside it winning', async () => {
    const { config, lines } = await load(`version: 1
input:
  type: sqlite
  connection: { ref: local_file }
  query: { table: orders }
output:
  type: postgresql
  connection: { ref: warehouse, database: staging }
  write: { table: orders }
`);
    expect(lines).toEqual([]);
    expect(config?.input).toMatchObject({ type: 'sqlite', path: '/data/shop.db' });
    expect(config?.input).not.toHaveProperty('connection');
    expect(config?.output).toMatchObject({
      connection: {
        host: 'db.internal',
        port: 5433,
        database: 'staging',
        username: 'etl',
        password: 'hunter2-secret',
      },
    });
  });

  it('reports an unknown name, a wrong type and a missing store at the ref, without the follow-on field errors', async () => {
    const yaml = `version: 1
input:
  type: mysql
  connection: { ref: warehouse }
  query: { table: orders }
output:
  type: postgresql
  connection:
    ref: warehous
  write: { table: orders }
`;
    expect((await load(yaml)).lines).toEqual([
      'p.yaml:4:17: input.connection.ref: connection "warehouse" is a postgresql connection, not mysql',
      'p.yaml:9:5: output.connection.ref: no saved connection "warehous" (known: warehouse, local_file)',
    ]);
    expect((await load(yaml, null as never)).lines[0]).toBe(
      'p.yaml:4:17: input.connection.ref: saved connections are not available here, so "warehouse" cannot be resolved',
    );
  });

  it('says why a saved connection cannot be used, without its secrets', async () => {
    const broken = {
      resolve: () =>
        Promise.reject(new Error('the secret does not decrypt with the key from FUSTGO_SECRET_KEY')),
      names: async () => ['warehouse'],
    };
    const { lines } = await load(
      'version: 1\ninput: { type: sqlite, path: a.db, query: { table: t } }\noutput: { type: postgresql, connection: { ref: warehouse }, write: { table: t } }\n',
      broken,
    );
    expect(lines).toEqual([
      'p.yaml:3:43: output.connection.ref: connection "warehouse" cannot be used: the secret does not decrypt with the key from FUSTGO_SECRET_KEY',
    ]);
  });

  it('tells whether a config refers to saved connections', () => {
    expect(hasConnectionRefs({ input: { type: 'mysql', connection: { ref: 'a' } } })).toBe(true);
    expect(hasConnectionRefs({ input: { type: 'mysql', connection: { host: 'h' } } })).toBe(false);
  });
});
