import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  rowsOn,
  type TestDatabases,
  type TestTarget,
} from '../../connectors/shared/sql/test-databases';
import { buildPlan, loadAndValidate, type LoadedConfig } from '../config';
import { explainPipeline } from '../cli/explain';
import { defaultRegistry } from '../default-registry';
import { silentLogger } from '../engine/component';
import { runPipeline, type RunResult } from '../engine/runtime';
import { runFustgo } from '../cli/test-cli';
import { runElt } from './run-elt';

/*
 * The same pipeline run ETL (rows transformed in the engine) and ELT (loaded raw, transformed by
 * the target as SQL) into PostgreSQL, MariaDB and a SQLite file gives the same table, and the
 * staging table is gone afterwards.
 */

const DB = 'fustgo_elt';
let dir: string;
let dbs: TestDatabases;
const registry = defaultRegistry();

const OUTPUTS: Record<TestTarget, string> = {
  postgresql: `type: postgresql\n  connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }`,
  mysql: `type: mysql\n  connection: { host: 127.0.0.1, port: 3306, database: ${DB}, username: root }`,
  sqlite: 'type: sqlite\n  path: out.db',
};

function pipeline(target: TestTarget, jobType: 'ETL' | 'ELT', table: string): string {
  return `version: 1
job: { name: orders-${jobType}, type: ${jobType} }
input:
  type: generate
  count: 2000
  seed: 11
  columns:
    - { name: id, generator: sequence }
    - { name: qty, generator: random_int, min: 0, max: 9 }
    - { name: status, generator: choice, values: [paid, pending, void] }
    - { name: price, generator: decimal, min: 1, max: 500, scale: 2 }
    - { name: note, generator: choice, values: [ok, check, spam] }
pipeline:
  processors:
    - type: filter
      condition: qty > 2 AND status <> 'void' AND price BETWEEN 5 AND 450
    - type: filter
      mode: exclude
      condition: note IN ('spam')
    - type: mapping
      fields: { order_id: id, state: status, qty: qty, price: price }
    - type: transform
      fields:
        label: "UPPER(state) || '-' || CASE WHEN qty > 6 THEN 'big' ELSE 'small' END"
output:
  ${OUTPUTS[target]}
  write: { table: ${table} }
`;
}

async function load(
  target: TestTarget,
  jobType: 'ETL' | 'ELT',
  table: string,
  edit = (yaml: string) => yaml,
): Promise<LoadedConfig> {
  const file = join(dir, `${target}-${jobType}.yaml`);
  writeFileSync(file, edit(pipeline(target, jobType, table)));
  const checked = await loadAndValidate(file, registry, { env: {} });
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.loaded;
}

async function run(
  target: TestTarget,
  jobType: 'ETL' | 'ELT',
  table: string,
  edit?: (yaml: string) => string,
): Promise<RunResult> {
  const loaded = await load(target, jobType, table, edit);
  const ctx = { logger: silentLogger, signal: new AbortController().signal };
  return jobType === 'ELT'
    ? runElt(loaded, registry, ctx)
    : runPipeline(await buildPlan(loaded, registry, ctx), ctx);
}

/** The table's rows in order, every value as text (drivers differ in how they return numbers). */
async function rowsOf(target: TestTarget, table: string): Promise<string[][]> {
  const rows = await rowsOn(
    dbs,
    join(dir, 'out.db'),
    target,
    `SELECT order_id, state, qty, price, label FROM ${table} ORDER BY order_id`,
  );
  return rows.map((row) => row.map((value) => String(value)));
}

async function tablesOf(target: TestTarget): Promise<string[]> {
  const sql =
    target === 'postgresql'
      ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
      : target === 'mysql'
        ? `SELECT table_name FROM information_schema.tables WHERE table_schema = '${DB}'`
        : "SELECT name FROM sqlite_master WHERE type = 'table'";
  return (await rowsOn(dbs, join(dir, 'out.db'), target, sql)).map((row) => String(row[0])).sort();
}

describe('ELT mode', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-elt-'));
    dbs = await createTestDatabases(DB);
  });
  afterAll(async () => {
    await dropTestDatabases(DB, dbs ?? {});
    rmSync(dir, { recursive: true, force: true });
  });

  for (const target of ['postgresql', 'mysql', 'sqlite'] as const) {
    it(`writes the same ${target} table as ETL, and drops its staging table`, async () => {
      const etl = await run(target, 'ETL', 'orders_etl');
      expect(etl.status, etl.error ?? '').toBe('completed');
      const elt = await run(target, 'ELT', 'orders_elt');
      expect(elt.status, elt.error ?? '').toBe('completed');
      expect(elt.records_read).toBe(2000);
      expect(elt.records_written).toBe(etl.records_written);
      expect(elt.records_written).toBeGreaterThan(300);
      expect(elt.notes.join('\n')).toMatch(
        /loaded 2000 rows into staging table orders_elt__fustgo_elt_[0-9a-f]{8}/,
      );

      const etlRows = await rowsOf(target, 'orders_etl');
      expect(await rowsOf(target, 'orders_elt')).toEqual(etlRows);
      expect(await tablesOf(target)).toContain('orders_elt');
      expect((await tablesOf(target)).filter((t) => t.includes('fustgo_elt'))).toEqual([]);

      // A second run appends through the existing table.
      const again = await run(target, 'ELT', 'orders_elt');
      expect(again.records_written).toBe(etl.records_written);
      expect((await rowsOf(target, 'orders_elt')).length).toBe(2 * etlRows.length);
      expect((await tablesOf(target)).filter((t) => t.includes('fustgo_elt'))).toEqual([]);
    });

    it(`aggregates in ${target} as the engine does: GROUP BY after the filters`, async () => {
      const aggregate = (yaml: string) =>
        yaml.replace(
          / {4}- type: filter\n {6}mode: exclude[\s\S]*?\noutput:/,
          '    - type: aggregate\n      group_by: [status]\n      aggregates: { orders: "count(*)", units: "sum(qty)", top: "max(qty)" }\noutput:',
        );
      const etl = await run(target, 'ETL', 'totals_etl', aggregate);
      expect(etl.status, etl.error ?? '').toBe('completed');
      const elt = await run(target, 'ELT', 'totals_elt', aggregate);
      expect(elt.status, elt.error ?? '').toBe('completed');
      const totals = async (table: string) =>
        (
          await rowsOn(
            dbs,
            join(dir, 'out.db'),
            target,
            `SELECT status, orders, units, top FROM ${table} ORDER BY status`,
          )
        ).map((row) => row.map((value) => String(value)));
      const etlTotals = await totals('totals_etl');
      expect(etlTotals.map((row) => row[0])).toEqual(['paid', 'pending']);
      expect(await totals('totals_elt')).toEqual(etlTotals);
    });
  }

  for (const target of ['postgresql', 'mysql', 'sqlite'] as const) {
    /** Runs the edited pipeline ETL into `<name>_etl` and ELT into `<name>_elt`; both must complete. */
    async function bothWays(name: string, edit: (yaml: string, table: string) => string): Promise<void> {
      for (const jobType of ['ETL', 'ELT'] as const) {
        const table = `${name}_${jobType.toLowerCase()}`;
        const result = await run(target, jobType, table, (yaml) => edit(yaml, table));
        expect(result.status, `${jobType}: ${result.error ?? ''}`).toBe('completed');
      }
    }
    const beforeMapping = (steps: string) => (yaml: string) =>
      yaml.replace('    - type: mapping\n', `${steps}    - type: mapping\n`);
    const writing = (mode: string, key?: string) => (yaml: string, table: string) =>
      yaml.replace(
        `write: { table: ${table} }`,
        `write: { table: ${table}, mode: ${mode} }${key ? `\n  conflict: { key: [${key}] }` : ''}`,
      );

    it(`deduplicates in ${target} as the engine does: the first or last row of each key, after the filters`, async () => {
      for (const keep of ['first', 'last']) {
        const dedup = beforeMapping(
          `    - type: deduplicate\n      key: [status, qty]\n      keep: ${keep}\n`,
        );
        await bothWays(`dedup_${keep}`, dedup);
        const etlRows = await rowsOf(target, `dedup_${keep}_etl`);
        // paid / pending × qty 3..9
        expect(etlRows.length).toBe(14);
        expect(await rowsOf(target, `dedup_${keep}_elt`)).toEqual(etlRows);
      }
    });

    it(`writes keyed modes in ${target} as the engine's writers: the last row of each key wins`, async () => {
      // SQLite's writer offers insert, upsert and merge.
      const sqlite = target === 'sqlite';
      for (const mode of sqlite ? ['upsert', 'merge'] : ['upsert', 'merge', 'replace']) {
        // Twice: the second run meets every key already in the table.
        for (let i = 0; i < 2; i++) await bothWays(`keyed_${mode}`, writing(mode, 'qty'));
        const etlRows = await rowsOf(target, `keyed_${mode}_etl`);
        expect(etlRows.map((row) => row[2]).sort()).toEqual(['3', '4', '5', '6', '7', '8', '9']);
        expect(await rowsOf(target, `keyed_${mode}_elt`), mode).toEqual(etlRows);
      }
      if (sqlite) return;
      for (let i = 0; i < 2; i++) await bothWays('emptied', writing('truncate_insert'));
      const etlRows = await rowsOf(target, 'emptied_etl');
      expect(etlRows.length).toBeGreaterThan(300);
      expect(await rowsOf(target, 'emptied_elt')).toEqual(etlRows);
    });

    it(`sends each row to the table of the first branch it matches in ${target}, as ETL`, async () => {
      const branchOutput = (table: string) =>
        `\n          output:\n            ${OUTPUTS[target].replace(/\n {2}/g, '\n            ')}\n            write: { table: ${table} }`;
      const branches = (yaml: string, table: string) =>
        yaml.replace(
          /\noutput:[\s\S]*$/,
          `
    - type: conditional
      branches:
        - name: big
          when: qty > 6${branchOutput(`${table}_big`)}
        - name: paid
          when: state = 'paid'
          processors:
            - type: filter
              condition: price < 300${branchOutput(`${table}_paid`)}
      else:
        processors:
          - type: deduplicate
            key: [state]${branchOutput(`${table}_rest`).replace(/\n {2}/g, '\n')}
`,
        );
      await bothWays('routed', branches);
      for (const branch of ['big', 'paid', 'rest']) {
        const etlRows = await rowsOf(target, `routed_etl_${branch}`);
        expect(etlRows.length, branch).toBeGreaterThan(0);
        expect(await rowsOf(target, `routed_elt_${branch}`), branch).toEqual(etlRows);
      }
      expect((await rowsOf(target, 'routed_elt_big')).every((row) => Number(row[2]) > 6)).toBe(true);
      expect((await rowsOf(target, 'routed_elt_rest')).map((row) => row[1])).toEqual(['pending']);
    });
  }

  it('compares text as MariaDB does: its collation ignores case, ETL does not', async () => {
    const capitalVoid = (yaml: string) => yaml.replace('[paid, pending, void]', '[paid, pending, Void]');
    const etl = await run('mysql', 'ETL', 'orders_case_etl', capitalVoid);
    const elt = await run('mysql', 'ELT', 'orders_case_elt', capitalVoid);
    const voids = async (table: string) =>
      (await rowsOn(dbs, '', 'mysql', `SELECT COUNT(*) FROM ${table} WHERE BINARY state = 'Void'`))[0][0];
    expect(Number(await voids('orders_case_etl'))).toBeGreaterThan(0);
    expect(Number(await voids('orders_case_elt'))).toBe(0);
    expect(elt.records_written).toBeLessThan(etl.records_written);
  });

  it('drops the staging table when the SQL fails, and says why', async () => {
    const loaded = await load('postgresql', 'ELT', 'orders_bad');
    // A target whose column refuses the rows: the INSERT … SELECT fails as a whole.
    await dbs.pg.query(
      'CREATE TABLE orders_bad (order_id INT, state TEXT, qty INT, price NUMERIC, label VARCHAR(3))',
    );
    const result = await runElt(loaded, registry, {
      logger: silentLogger,
      signal: new AbortController().signal,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/too long/);
    expect(result.records_written).toBe(0);
    expect(result.watermark).toBeUndefined();
    expect((await dbs.pg.query('SELECT count(*)::int AS n FROM orders_bad')).rows[0].n).toBe(0);
    expect(await tablesOf('postgresql')).not.toContainEqual(expect.stringContaining('fustgo_elt'));
  });

  it('fustgo validate locates a processor the target cannot run; fustgo run reports the INSERT’s rows', () => {
    const refused = pipeline('sqlite', 'ELT', 'orders_cli').replace(
      'label: "UPPER(state)',
      'day: "DATE_FORMAT(NOW(), \'%Y-%m-%d\')"\n        label: "UPPER(state)',
    );
    writeFileSync(join(dir, 'refused.yaml'), refused);
    const validated = runFustgo(['validate', 'refused.yaml'], { cwd: dir });
    expect(validated.code).toBe(1);
    expect(validated.stdout + validated.stderr).toContain(
      'refused.yaml:24:15: pipeline.processors[3].fields.day: DATE_FORMAT has no SQLite equivalent in ELT mode',
    );
    writeFileSync(join(dir, 'cli.yaml'), pipeline('sqlite', 'ELT', 'orders_cli'));
    const ran = runFustgo(['run', 'cli.yaml'], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^completed: read 2,000, written \d{3},/);
    expect(ran.stdout).toContain('the processors ran in SQLite as SQL, in one transaction');
    expect(ran.stdout).toMatch(/ELT: \d{3} rows into orders_cli \(insert\)/);
  });

  it('--explain prints the staging table and the generated SQL', async () => {
    const lines = await explainPipeline(await load('mysql', 'ELT', 'orders_elt'), registry);
    const text = lines.join('\n');
    expect(text).toContain(
      'ELT: the input is loaded as it is into staging table orders_elt__fustgo_elt_<random> in MySQL',
    );
    expect(text).toContain(
      'in one transaction (missing tables are created before it: MySQL cannot roll back DDL):\n' +
        '    when orders_elt is missing, it is created as an ETL run creates it\n' +
        '    INSERT INTO `orders_elt` (`order_id`, `state`, `qty`, `price`, `label`) ' +
        'SELECT `id` AS `order_id`, `status` AS `state`, `qty` AS `qty`, `price` AS `price`, ' +
        "CONCAT(CONCAT(UPPER(`status`), '-'), (CASE WHEN (`qty` > 6) THEN 'big' ELSE 'small' END)) AS `label` " +
        'FROM `orders_elt__fustgo_elt_<random>` ' +
        "WHERE (((`qty` > 2) AND (`status` <> 'void')) AND (`price` BETWEEN 5 AND 450)) AND ((`note` IN ('spam')) IS NOT TRUE)",
    );
    expect(text).toContain(
      'afterwards, also on failure: DROP TABLE IF EXISTS `orders_elt__fustgo_elt_<random>`',
    );
    expect(text).not.toContain('pushdown');
  });
});
