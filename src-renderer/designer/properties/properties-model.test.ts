import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionType } from '../../../src-shared/api/connection-model';
import { buildNode } from '../../../src-shared/forms/nested-form-model';
import { connectionEdits, connectionTestInput, savedFieldsOf } from './connection-edits';
import { nodeProblemIssues } from './node-problems';
import { groupFields, groupOfField } from './property-groups';
import { pickerFor, tableOfSection } from './sql-fields';

const node = (key: string) => buildNode(key, [key], { type: 'string' }, undefined, false);

describe('property groups', () => {
  it('puts an output’s fields in connection, query / write, performance, error handling, other', () => {
    const nodes = ['connection', 'write', 'conflict', 'pre_sql', 'retry', 'fetch', 'notes'].map(node);
    expect(groupFields('output', nodes).map(({ group, nodes: n }) => [group, n.map((x) => x.key)])).toEqual([
      ['connection', ['connection']],
      ['query', ['write', 'conflict', 'pre_sql']],
      ['performance', ['fetch']],
      ['errors', ['retry']],
      ['other', ['notes']],
    ]);
  });

  it('puts a processor’s fields in processing, but for performance and error handling', () => {
    expect(
      ['fields', 'columns', 'lookup', 'cache', 'on_error', 'on_miss'].map((n) =>
        groupOfField('processor', n),
      ),
    ).toEqual(['processing', 'processing', 'processing', 'performance', 'errors', 'errors']);
  });
});

describe('server problems of a node', () => {
  it('keeps the problems inside the node, at paths relative to it', () => {
    const problems = [
      {
        file: 'a.yaml',
        line: 4,
        col: 5,
        path: 'pipeline.processors[1].fields.total',
        message: 'unknown column "qty"',
      },
      { file: 'a.yaml', line: 2, col: 3, path: 'pipeline.processors[10].condition', message: 'other node' },
      { file: 'a.yaml', line: 3, col: 3, path: 'pipeline.processors[1]', message: 'the node itself' },
      { file: 'a.yaml', line: 9, col: 3, path: 'output.write.table', message: 'elsewhere' },
    ];
    expect(nodeProblemIssues(problems, 'pipeline.processors[1]')).toEqual([
      { path: ['fields', 'total'], message: 'unknown column "qty"' },
      { path: [], message: 'the node itself' },
    ]);
    expect(nodeProblemIssues(problems, 'output')).toEqual([
      { path: ['write', 'table'], message: 'elsewhere' },
    ]);
  });
});

describe('SQL pickers', () => {
  it('knows the fields that name a table or a column', () => {
    expect(pickerFor(['query', 'table'])).toBe('table');
    expect(pickerFor(['write', 'table'])).toBe('table');
    expect(pickerFor(['query', 'tables', 0])).toBe('table');
    expect(pickerFor(['query', 'columns', 3])).toBe('column');
    expect(pickerFor(['conflict', 'key', 0])).toBe('column');
    expect(pickerFor(['query', 'split_key'])).toBe('column');
    expect(pickerFor(['incremental', 'column'])).toBe('column');
    expect(pickerFor(['query', 'filter'])).toBeNull();
    expect(tableOfSection({ query: { table: 'public.orders' } })).toBe('public.orders');
    expect(tableOfSection({ write: { table: 'orders' } })).toBe('orders');
    expect(tableOfSection({ query: { sql: 'SELECT 1' } })).toBeUndefined();
  });
});

describe('saved connections', () => {
  const postgres: ConnectionType = {
    type: 'postgresql',
    title: 'PostgreSQL',
    schema: { properties: { host: {}, port: {}, database: {}, username: {}, password: {} } },
    secret_fields: ['password'],
  };
  const sqlite: ConnectionType = {
    type: 'sqlite',
    title: 'SQLite',
    schema: { properties: { path: {} } },
    secret_fields: [],
  };
  const saved = (name: string, config: Record<string, unknown>): Connection => ({
    id: `id-${name}`,
    name,
    type: 'x',
    description: '',
    config,
    secrets_set: [],
    created_at: '',
    updated_at: '',
  });

  it('writes a ref in place of the fields, and the saved fields (never secrets) back inline', () => {
    const warehouse = saved('warehouse', { host: 'dw', database: 'dw' });
    expect(
      connectionEdits('connection', postgres, { connection: { host: 'x' } }, warehouse, undefined),
    ).toEqual([{ path: ['connection'], value: { ref: 'warehouse' } }]);
    expect(
      connectionEdits('connection', postgres, { connection: { ref: 'warehouse' } }, null, warehouse),
    ).toEqual([{ path: ['connection'], value: { host: 'dw', database: 'dw' } }]);
  });

  it('puts a sqlite ref beside the section’s fields, which it then fills', () => {
    const local = saved('local', { path: '/data/shop.db' });
    expect(savedFieldsOf(sqlite)).toEqual(['path']);
    expect(connectionEdits('root', sqlite, { path: 'a.db' }, local, undefined)).toEqual([
      { path: ['connection'], value: { ref: 'local' } },
      { path: ['path'], value: undefined },
    ]);
    expect(connectionEdits('root', sqlite, { connection: { ref: 'local' } }, null, local)).toEqual([
      { path: ['connection'], value: undefined },
      { path: ['path'], value: '/data/shop.db' },
    ]);
  });

  it('tests the saved connection with the fields written beside its ref, or the fields written', () => {
    const warehouse = saved('warehouse', { host: 'dw', database: 'dw' });
    expect(
      connectionTestInput(
        'connection',
        postgres,
        { connection: { ref: 'warehouse', database: 'staging' } },
        warehouse,
      ),
    ).toEqual({
      id: 'id-warehouse',
      type: 'postgresql',
      config: { host: 'dw', database: 'staging' },
    });
    expect(
      connectionTestInput('connection', postgres, { connection: { host: 'h', password: 'p' } }, undefined),
    ).toEqual({
      type: 'postgresql',
      config: { host: 'h', password: 'p' },
    });
    expect(connectionTestInput('root', sqlite, { path: 'a.db', query: {} }, undefined)).toEqual({
      type: 'sqlite',
      config: { path: 'a.db' },
    });
  });
});
