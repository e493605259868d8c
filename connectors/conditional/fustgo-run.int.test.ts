import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFustgo } from '../../src-main/cli/test-cli';
import {
  createTestDatabases,
  dropTestDatabases,
  rowsOn,
  type TestDatabases,
} from '../shared/sql/test-databases';

/*
 * `fustgo run` with a conditional closing the chain: 20,000 generated orders in two lanes, three
 * branches and an else into a PostgreSQL table, a SQLite file and two CSV files. A plain copy of
 * the same input into one CSV is the oracle the counts per target are checked against.
 */

const DB = 'fustgo_conditional_cli';
let dir: string;
let dbs: Partial<TestDatabases> = {};

const input = `input:
  type: generate
  count: 20000
  seed: 11
  columns:
    - { name: id, generator: sequence, start: 1 }
    - { name: region, generator: choice, values: [EU, US, APAC, LATAM], null_rate: 0.05 }
    - { name: amount, generator: random_int, min: 1, max: 1000 }
`;

const branching = `version: 1
job: { name: orders-by-region }
${input}pipeline:
  channels: 2
  processors:
    - type: conditional
      branches:
        - name: big
          when: amount > 900
          processors:
            - type: mapping
              fields: { order_id: id, region: region, amount: amount }
          output:
            type: postgresql
            connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }
            write: { table: big_orders, create_table: true }
        - name: eu
          when: region = 'EU'
          output: { type: sqlite, path: eu.db, write: { table: eu_orders, create_table: true } }
        - when: region = 'US'
          output: { type: file, path: us.csv }
      else:
        processors:
          - type: filter
            condition: region IS NOT NULL
        output: { type: file, path: rest.csv }
`;

const copy = `version: 1
job: { name: orders-all }
${input}output: { type: file, path: all.csv }
`;

/** The rows of a CSV file the file output wrote, as objects (no quoting in these values). */
function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, file), 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

describe('fustgo run: conditional', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-conditional-'));
    dbs = await createTestDatabases(DB);
    writeFileSync(join(dir, 'branching.yaml'), branching);
    writeFileSync(join(dir, 'copy.yaml'), copy);
  });
  afterAll(async () => {
    await dropTestDatabases(DB, dbs);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each row where the first TRUE condition says, and counts the rest as dropped', async () => {
    const oracle = runFustgo(['run', 'copy.yaml'], { cwd: dir });
    expect(oracle.code, oracle.stderr).toBe(0);
    const all = csvRows('all.csv');
    expect(all).toHaveLength(20000);
    const big = all.filter((r) => Number(r.amount) > 900);
    const eu = all.filter((r) => !(Number(r.amount) > 900) && r.region === 'EU');
    const us = all.filter((r) => !(Number(r.amount) > 900) && r.region === 'US');
    const rest = all.filter((r) => !(Number(r.amount) > 900) && r.region !== 'EU' && r.region !== 'US');
    const restKept = rest.filter((r) => r.region !== '');
    // The generator gave every way rows, so the test says something about each.
    for (const way of [big, eu, us, restKept]) expect(way.length).toBeGreaterThan(500);
    const dropped = rest.length - restKept.length;
    expect(dropped).toBeGreaterThan(100);

    const result = runFustgo(['run', 'branching.yaml'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const ids = (rows: Record<string, string>[]) => rows.map((r) => Number(r.id)).sort((a, b) => a - b);

    const pg = (await rowsOn(dbs as TestDatabases, '', 'postgresql', 'SELECT order_id FROM big_orders')).map(
      ([id]) => Number(id),
    );
    expect(pg.sort((a, b) => a - b)).toEqual(ids(big));
    const sqlite = (
      await rowsOn(dbs as TestDatabases, join(dir, 'eu.db'), 'sqlite', 'SELECT id FROM eu_orders')
    ).map(([id]) => Number(id));
    expect(sqlite.sort((a, b) => a - b)).toEqual(ids(eu));
    expect(ids(csvRows('us.csv'))).toEqual(ids(us));
    expect(ids(csvRows('rest.csv'))).toEqual(ids(restKept));
    expect(big.length + eu.length + us.length + restKept.length + dropped).toBe(20000);

    const n = (count: number) => count.toLocaleString('en-US');
    const written = big.length + eu.length + us.length + restKept.length;
    expect(result.stdout).toContain(`completed: read 20,000, written ${n(written)}, failed 0`);
    const lines = result.stdout.split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
    expect(lines).toContain('branch output in written failed');
    expect(lines).toContain(`big postgresql ${n(big.length)} ${n(big.length)} 0`);
    expect(lines).toContain(`eu sqlite ${n(eu.length)} ${n(eu.length)} 0`);
    expect(lines).toContain(`region = 'US' file ${n(us.length)} ${n(us.length)} 0`);
    expect(lines).toContain(`else file ${n(rest.length)} ${n(restKept.length)} 0`);
    expect(lines).toContain(`rows: 20,000 read = ${n(written)} written + ${n(dropped)} dropped`);
  });
});
