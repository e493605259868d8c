import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { RunLauncher } from '../jobs/run-launcher';
import { createServices, type Services } from '../services';

/*
 * The step preview route as the studio calls it, through the composed services: a job made from
 * the generate-to-csv example, unsaved YAML from the editor, and a PostgreSQL table of 200,000 rows
 * read through a saved connection. Nothing is ever written: no output file, no target table.
 */

const EXAMPLES = resolve('resources/examples');
const db = `fustgo_test_step_preview_${randomBytes(4).toString('hex')}`;
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

beforeAll(async () => {
  dbs = await createTestDatabases(db);
  await dbs.pg!.query(
    `CREATE TABLE orders (id bigint PRIMARY KEY, qty int NOT NULL, price numeric(10,2), created_at timestamptz);
     INSERT INTO orders SELECT g, g % 4, (g % 1000) / 10.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
       FROM generate_series(1, 200000) g`,
  );
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-step-preview-api-'));
  services = await createServices({ dataDir, examplesDir: EXAMPLES, launcher: unusedLauncher });
  api = services.api;
}, 60_000);

afterAll(async () => {
  await services?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await dropTestDatabases(db, dbs);
});

describe('previewSteps', () => {
  it('runs a saved job’s first rows through its steps without writing its output', async () => {
    const yaml = readFileSync(join(EXAMPLES, 'generate-to-csv.yaml'), 'utf8');
    const job = await api.createJob({ name: 'orders-demo', config_yaml: yaml });
    const result = await api.previewSteps({ job_id: job.id, limit: 50 });
    expect(result.limit).toBe(50);
    expect(result.input.rows).toHaveLength(50);
    expect(result.input.has_more).toBe(true);
    const [filter, mapping] = result.steps;
    expect(filter).toMatchObject({ path: 'pipeline.processors[0]', type: 'filter', rows_in: 50 });
    expect(filter.rows_out + filter.dropped).toBe(50);
    expect(filter.rows.every((row) => Number(row[2]) > 0 && row[4] !== 'void')).toBe(true);
    expect(mapping.columns.map((c) => c.name)).toEqual([
      'order_id',
      'customer_id',
      'qty',
      'price',
      'status',
      'created_at',
    ]);
    expect(mapping.rows_in).toBe(filter.rows_out);
    // JSON-safe as any preview: decimals as text, timestamps as ISO 8601.
    expect(typeof mapping.rows[0][3]).toBe('string');
    expect(mapping.rows[0][5]).toMatch(/^2024-\d\d-\d\dT/);
    expect(existsSync(join(dataDir, 'jobs', job.id, 'output'))).toBe(false);
  });

  it('previews the editor’s unsaved YAML in the job’s place, and refuses an invalid one with its problems', async () => {
    const yaml = readFileSync(join(EXAMPLES, 'generate-to-csv.yaml'), 'utf8');
    const job = await api.createJob({ name: 'orders-draft', config_yaml: yaml });
    const draft = yaml.replace("condition: qty > 0 AND status <> 'void'", "condition: status = 'void'");
    const result = await api.previewSteps({ job_id: job.id, config_yaml: draft, limit: 40 });
    expect(result.steps[0].rows.every((row) => row[4] === 'void')).toBe(true);

    const invalid = await failure(
      api.previewSteps({
        job_id: job.id,
        config_yaml: draft.replace('customer_id: user_id', 'customer_id: usr'),
      }),
    );
    expect(invalid.code).toBe('invalid_config');
    expect(invalid.message).toMatch(/pipeline\.processors\[1\]\.fields\.customer_id: .*usr/);
    expect(invalid.details).toEqual([
      expect.objectContaining({ path: 'pipeline.processors[1].fields.customer_id' }),
    ]);
    expect((await failure(api.previewSteps({ job_id: 'nope' }))).code).toBe('not_found');
    expect((await failure(api.previewSteps({}))).code).toBe('bad_request');
  });

  it('reads the first rows of a 200,000-row PostgreSQL table over a saved connection and creates no target', async () => {
    await api.createConnection({
      name: 'pg-steps',
      type: 'postgresql',
      description: '',
      config: { host: '127.0.0.1', port: 5432, database: db, username: 'postgres' },
    });
    const yaml = `version: 1
input:
  type: postgresql
  connection: { ref: pg-steps }
  query: { table: public.orders }
pipeline:
  processors:
    - type: filter
      condition: qty > 0
    - type: transform
      fields: { amount: qty * price }
output:
  type: postgresql
  connection: { ref: pg-steps }
  write: { table: orders_copy }
`;
    const started = performance.now();
    const result = await api.previewSteps({ config_yaml: yaml, limit: 100 });
    const took = performance.now() - started;
    expect(took).toBeLessThan(5000);
    expect(result.input.columns).toEqual([
      { name: 'id', type: 'bigint', native_type: 'int8' },
      { name: 'qty', type: 'int', native_type: 'int4' },
      { name: 'price', type: 'decimal', native_type: 'numeric' },
      { name: 'created_at', type: 'timestamptz', native_type: 'timestamptz' },
    ]);
    expect(result.input.rows).toHaveLength(100);
    expect(result.input.has_more).toBe(true);
    const [filter, transform] = result.steps;
    expect(filter.dropped).toBe(25); // every fourth id has qty 0
    expect(transform.columns.at(-1)).toMatchObject({ name: 'amount', type: 'decimal' });
    expect(transform.rows[0]).toEqual(['1', 1, '0.10', '2024-01-01T00:01:00.000Z', '0.10']);
    const target = await dbs.pg!.query(`SELECT to_regclass('public.orders_copy') AS t`);
    expect(target.rows[0].t).toBeNull();
  });
});
