import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext } from '../shared/processor-testing';
import type { SqlConnection } from '../shared/sql/config';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  type TestDatabases,
} from '../shared/sql/test-databases';
import { testContext } from '../shared/test-support';
import { enrichmentProcessor } from './spec';
import { runBatch } from './test-support';

/*
 * Enrichment from a table on the real PostgreSQL and MariaDB: types from the table's catalog,
 * values as each database's input reads them, composite keys, misses, a missing table.
 */

const name = `fustgo_test_enrich_${randomBytes(4).toString('hex')}`;
const connections: Record<'postgresql' | 'mysql', SqlConnection> = {
  postgresql: { host: '127.0.0.1', port: 5432, database: name, username: 'postgres' },
  mysql: { host: '127.0.0.1', port: 3306, database: name, username: 'root' },
};
let dbs: Partial<TestDatabases> = {};

const TABLES = {
  postgresql: [
    `CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, credit numeric(12,2), since timestamptz, vip boolean)`,
    `CREATE TABLE prices (sku text, region text, price numeric(10,3), PRIMARY KEY (sku, region))`,
  ],
  mysql: [
    `CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, credit DECIMAL(12,2), since DATETIME(3), vip BOOLEAN)`,
    `CREATE TABLE prices (sku VARCHAR(20), region VARCHAR(20), price DECIMAL(10,3), PRIMARY KEY (sku, region))`,
  ],
};

const FILL = [
  `INSERT INTO customers VALUES (7, 'Ada', 1200.50, '2021-03-04 05:06:07.123', true), (8, 'Grace', 80.00, NULL, false), (9, '王小明', -0.01, '2024-01-01 00:00:00', NULL)`,
  `INSERT INTO prices VALUES ('A-1', 'eu', 19.990), ('A-1', 'us', 21.500), ('B-2', 'eu', 5.000)`,
];

beforeAll(async () => {
  dbs = await createTestDatabases(name);
  for (const target of ['postgresql', 'mysql'] as const)
    await execOn(dbs as TestDatabases, '', target, ...TABLES[target], ...FILL);
});

afterAll(async () => {
  await dropTestDatabases(name, dbs);
});

const orders: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'customer_id', type: 'int' },
  { name: 'sku', type: 'string' },
  { name: 'region', type: 'string' },
];

const ROWS = [
  [1, 7, 'A-1', 'eu'],
  [2, 8, 'A-1', 'us'],
  [3, 10, 'B-2', 'us'],
  [4, 9, 'B-2', 'eu'],
  [5, 7, null, 'eu'],
];

describe.each(['postgresql', 'mysql'] as const)('enrichment from %s', (type) => {
  it('adds the customer’s fields, typed and valued as the input reads them', async () => {
    const processor = enrichmentProcessor.create(
      {
        lookup: { type, connection: connections[type], table: 'customers', batch_size: 2 },
        key: { id: 'customer_id' },
        fields: { customer: 'name', credit: 'credit', since: 'since', vip: 'vip' },
      },
      testContext(),
    );
    await processor.open?.();
    try {
      const bound = processor.bind(orders);
      expect(bound.columns.slice(4).map((c) => `${c.name}:${c.type}`)).toEqual([
        'customer:string',
        'credit:decimal',
        `since:${type === 'postgresql' ? 'timestamptz' : 'timestamp'}`,
        'vip:bool',
      ]);
      const out = await runBatch(bound, ROWS, failOnReject);
      expect(out.map((row) => row.slice(4))).toEqual([
        ['Ada', '1200.50', new Date('2021-03-04T05:06:07.123Z'), true],
        ['Grace', '80.00', null, false],
        [null, null, null, null],
        ['王小明', '-0.01', new Date('2024-01-01T00:00:00Z'), null],
        ['Ada', '1200.50', new Date('2021-03-04T05:06:07.123Z'), true],
      ]);
    } finally {
      await processor.close?.();
    }
  });

  it('matches a key of two columns, and dead-letters the rows that match nothing', async () => {
    const processor = enrichmentProcessor.create(
      {
        lookup: { type, connection: connections[type], table: 'prices' },
        key: { sku: 'sku', region: 'region' },
        fields: ['price'],
        on_miss: 'dead_letter',
      },
      testContext(),
    );
    await processor.open?.();
    try {
      const ctx = collectingContext();
      const out = await runBatch(processor.bind(orders), ROWS, ctx);
      expect(out.map((row) => [row[0], row[4]])).toEqual([
        [1, '19.990'],
        [2, '21.500'],
        [4, '5.000'],
      ]);
      expect(ctx.rejected.map((r) => r.error)).toEqual([
        `no match for key sku=B-2, region=us in table "prices" in ${type === 'postgresql' ? 'PostgreSQL' : 'MySQL'} at 127.0.0.1:${connections[type].port} database "${name}"`,
        `no match for key sku=NULL, region=eu in table "prices" in ${type === 'postgresql' ? 'PostgreSQL' : 'MySQL'} at 127.0.0.1:${connections[type].port} database "${name}"`,
      ]);
    } finally {
      await processor.close?.();
    }
  });

  it('fails to start on a table that does not exist, naming it', async () => {
    const processor = enrichmentProcessor.create(
      {
        lookup: { type, connection: connections[type], table: 'customer' },
        key: { id: 'customer_id' },
        fields: ['name'],
      },
      testContext(),
    );
    await expect(processor.open?.()).rejects.toThrow(/table "customer" not found/);
    await processor.close?.();
  });
});
