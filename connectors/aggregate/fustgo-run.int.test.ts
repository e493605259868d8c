import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFustgo } from '../../src-main/cli/test-cli';

/*
 * `fustgo run` of generate → enrichment (a SQLite lookup) → aggregate → CSV with
 * pipeline.channels 2: the totals per region are exact (checked against the same rows exported
 * raw and summed here in integer cents), the run says it used one lane, and the customers the
 * lookup does not know form the NULL region's group. Runs the built CLI when there is one
 * (`npx electron-vite build`), else the sources through tsx.
 */

let dir: string;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir, timeoutMs: 120_000 });
}

const REGIONS = ['north', 'east', 'south', 'west'];

const input = `input:
  type: generate
  count: 20000
  seed: 11
  batch_size: 700
  columns:
    - { name: id, generator: sequence }
    - { name: customer_id, generator: random_int, min: 1, max: 60 }
    - { name: qty, generator: random_int, min: 0, max: 9 }
    - { name: price, generator: decimal, min: 1, max: 500, scale: 2 }
`;

const totals = `version: 1
job: { name: sales-by-region }
${input}pipeline:
  channels: 2
  processors:
    - type: enrichment
      lookup: { type: sqlite, path: crm.db, table: customers }
      key: { id: customer_id }
      fields: { region: region }
      cache: { size: 16 }
    - type: aggregate
      group_by: [region]
      aggregates:
        orders: count(*)
        customers: count_distinct(customer_id)
        units: sum(qty)
        revenue: sum(qty * price)
        top_price: max(price)
        avg_price: avg(price)
output:
  type: file
  path: totals.csv
`;

const raw = `version: 1
job: { name: raw-sales }
${input}output:
  type: file
  path: raw.csv
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-aggregate-run-'));
  // Customers 1–50 are known, in four regions; 51–60 are not.
  const db = new Database(join(dir, 'crm.db'));
  db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, region TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO customers VALUES (?, ?)');
  for (let id = 1; id <= 50; id++) insert.run(id, REGIONS[id % 4]);
  db.close();
  writeFileSync(join(dir, 'totals.yaml'), totals);
  writeFileSync(join(dir, 'raw.yaml'), raw);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Cents of a decimal with two places ("12.30" → 1230n). */
const cents = (text: string) => BigInt(text.replace('.', ''));
const money = (units: bigint) => `${units / 100n}.${String(units % 100n).padStart(2, '0')}`;

describe('fustgo run with enrichment and aggregate', () => {
  it('writes one exact row per region from two requested lanes', () => {
    const exported = fustgo('run', 'raw.yaml');
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const run = fustgo('run', 'totals.yaml');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/read 20,000, written 5, failed 0/);
    expect(run.stdout).toContain(
      'note: pipeline.processors[1]: aggregate needs every row of the input in one place, so the run uses one lane, not 2',
    );

    // The expected totals, from the raw rows: integers and cents, nothing rounded.
    const expected = new Map<
      string,
      { orders: number; customers: Set<string>; units: bigint; revenue: bigint; top: bigint; prices: bigint }
    >();
    for (const line of readFileSync(join(dir, 'raw.csv'), 'utf8').trimEnd().split('\n').slice(1)) {
      const [, customer, qty, price] = line.split(',');
      const id = Number(customer);
      const region = id <= 50 ? REGIONS[id % 4] : '';
      const group = expected.get(region) ?? {
        orders: 0,
        customers: new Set(),
        units: 0n,
        revenue: 0n,
        top: 0n,
        prices: 0n,
      };
      group.orders++;
      group.customers.add(customer);
      group.units += BigInt(qty);
      group.revenue += BigInt(qty) * cents(price);
      group.prices += cents(price);
      if (cents(price) > group.top) group.top = cents(price);
      expected.set(region, group);
    }
    expect(expected.size).toBe(5);
    // avg(price) at PostgreSQL's division scale, 16 places for values of this size, rounded half up:
    // (cents / 100) / n = cents × 10^14 / n units of 10^-16.
    const average = (sumCents: bigint, n: number) => {
      const scaled = (sumCents * 10n ** 14n * 2n + BigInt(n)) / (2n * BigInt(n));
      const text = scaled.toString().padStart(17, '0');
      return `${text.slice(0, -16)}.${text.slice(-16)}`;
    };

    const lines = readFileSync(join(dir, 'totals.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('region,orders,customers,units,revenue,top_price,avg_price');
    const rows = lines.slice(1).sort();
    const want = [...expected]
      .map(
        ([region, g]) =>
          `${region},${g.orders},${g.customers.size},${g.units},${money(g.revenue)},${money(g.top)},${average(g.prices, g.orders)}`,
      )
      .sort();
    expect(rows).toEqual(want);
    const unknown = rows.find((row) => row.startsWith(','));
    expect(unknown?.split(',')[2]).toBe('10');
  });
});
