import { describe, expect, it } from 'vitest';
import type { Job } from '../../src-shared/api/model';
import { jobsUsingTable } from './job-usage';

const job = (name: string, config_yaml: string): Job => ({
  id: `id-${name}`,
  name,
  description: '',
  config_yaml,
  flow_diagram: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  state: 'ready',
  enabled: true,
});

const JOBS: Job[] = [
  job(
    'reads-orders',
    `version: 1
input: { type: postgresql, connection: { ref: warehouse }, query: { table: shop.orders } }
output: { type: file, path: out.csv }`,
  ),
  job(
    'reads-bare-name',
    `version: 1
input: { type: postgresql, connection: { ref: warehouse }, query: { table: orders, filter: "qty > 0" } }
output: { type: file, path: out.csv }`,
  ),
  job(
    'copies-shop',
    `version: 1
input: { type: postgresql, connection: { ref: warehouse }, query: { tables: ["shop.*"], exclude: [shop.audit] } }
output: { type: postgresql, connection: { ref: warehouse }, write: { table: "archive.*" } }`,
  ),
  job(
    'writes-orders-in-a-branch',
    `version: 1
input: { type: generate, count: 1 }
pipeline:
  processors:
    - type: conditional
      branches:
        - when: "1 = 1"
          output: { type: postgresql, connection: { ref: warehouse }, write: { table: shop.orders } }
output: { type: file, path: rest.csv }`,
  ),
  job(
    'other-connection',
    `version: 1
input: { type: postgresql, connection: { ref: staging }, query: { table: shop.orders } }
output: { type: file, path: out.csv }`,
  ),
  job('broken-yaml', 'version: 1\ninput: [unclosed'),
];

describe('jobs that use a catalog table', () => {
  it('finds readers by query.table (qualified or bare), query.tables patterns, and writers anywhere', () => {
    expect(jobsUsingTable(JOBS, 'warehouse', { schema: 'shop', name: 'orders', kind: 'table' })).toEqual([
      { id: 'id-reads-orders', name: 'reads-orders', access: 'read' },
      { id: 'id-reads-bare-name', name: 'reads-bare-name', access: 'read' },
      { id: 'id-copies-shop', name: 'copies-shop', access: 'read' },
      { id: 'id-writes-orders-in-a-branch', name: 'writes-orders-in-a-branch', access: 'write' },
    ]);
  });

  it('leaves out excluded tables and matches write patterns', () => {
    expect(jobsUsingTable(JOBS, 'warehouse', { schema: 'shop', name: 'audit', kind: 'table' })).toEqual([]);
    expect(jobsUsingTable(JOBS, 'warehouse', { schema: 'archive', name: 'orders', kind: 'table' })).toEqual([
      { id: 'id-reads-bare-name', name: 'reads-bare-name', access: 'read' },
      { id: 'id-copies-shop', name: 'copies-shop', access: 'write' },
    ]);
  });

  it('ignores other connections and YAML that does not parse', () => {
    expect(jobsUsingTable(JOBS, 'staging', { schema: 'shop', name: 'orders', kind: 'table' })).toEqual([
      { id: 'id-other-connection', name: 'other-connection', access: 'read' },
    ]);
    expect(jobsUsingTable(JOBS, 'nowhere', { name: 'orders', kind: 'table' })).toEqual([]);
  });
});
