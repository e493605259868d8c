import { describe, expect, it } from 'vitest';
import { fixedConnections, loadAndValidateText, type CheckResult } from '../../src-main/config';
import { createRegistry } from '../../src-main/engine/registry';
import { components } from '../index';

/*
 * The enrichment processor in a pipeline file: saved connections named by `lookup.connection.ref`
 * are resolved by the loader before the processor sees its config, and validation locates
 * problems in the lookup.
 */

const registry = createRegistry(components);
const connections = fixedConnections({
  warehouse: {
    type: 'postgresql',
    fields: { host: 'db.internal', port: 5433, database: 'crm', username: 'etl', password: 's3cret' },
    placement: 'connection',
  },
  crm_file: { type: 'sqlite', fields: { path: 'data/crm.db' }, placement: 'root' },
});

const pipeline = (lookup: string) => `version: 1
input:
  type: generate
  count: 10
  columns:
    - { name: id, generator: sequence }
    - { name: customer_id, generator: random_int, min: 1, max: 9 }
pipeline:
  processors:
    - type: enrichment
      lookup: ${lookup}
      key: { id: customer_id }
      fields: { customer: name }
output:
  type: file
  path: out.csv
`;

const check = (lookup: string): Promise<CheckResult> =>
  loadAndValidateText(pipeline(lookup), 'p.yaml', '/pipelines', registry, { connections, env: {} });

const lookupOf = (result: CheckResult) => {
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return (result.loaded.config.pipeline?.processors?.[0] as unknown as { lookup: unknown }).lookup;
};

describe('enrichment in a pipeline file', () => {
  it('resolves a saved PostgreSQL connection in the lookup, fields beside ref winning', async () => {
    expect(
      lookupOf(
        await check(
          '{ type: postgresql, connection: { ref: warehouse, database: crm_eu }, table: customers }',
        ),
      ),
    ).toEqual({
      type: 'postgresql',
      connection: {
        host: 'db.internal',
        port: 5433,
        database: 'crm_eu',
        username: 'etl',
        password: 's3cret',
      },
      table: 'customers',
    });
  });

  it('resolves a saved SQLite connection to the lookup’s path', async () => {
    expect(
      lookupOf(await check('{ type: sqlite, connection: { ref: crm_file }, table: customers }')),
    ).toEqual({
      type: 'sqlite',
      path: 'data/crm.db',
      table: 'customers',
    });
  });

  it('locates problems: a saved connection of another kind, a missing table, an unknown lookup type', async () => {
    const problems = async (lookup: string) => {
      const result = await check(lookup);
      return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(await problems('{ type: mysql, connection: { ref: warehouse }, table: customers }')).toEqual([
      'pipeline.processors[0].lookup.connection.ref: connection "warehouse" is a postgresql connection, not mysql',
    ]);
    expect(await problems('{ type: sqlite, path: crm.db }')).toEqual([
      'pipeline.processors[0].lookup: missing required field "table"',
    ]);
    const unknown = await problems('{ type: redis, table: customers }');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(
      /^pipeline\.processors\[0\]\.lookup\.type: must be one of: "postgresql", "mysql", "sqlite", "http", "static"/,
    );
  });

  it('checks the key against the input’s columns before anything runs', async () => {
    const result = await loadAndValidateText(
      pipeline('{ type: static, rows: [{ id: 1, name: Ada }] }').replace(
        'key: { id: customer_id }',
        'key: { id: customer }',
      ),
      'p.yaml',
      '/pipelines',
      registry,
      { env: {} },
    );
    expect(result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'pipeline.processors[0].key.id: unknown column "customer" (did you mean "customer_id"?)',
    ]);
  });
});
