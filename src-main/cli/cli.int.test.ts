import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runFustgo } from './test-cli';

/*
 * The `fustgo` command as scripts use it: exit codes and output. Runs the built CLI
 * when there is one, else the sources through tsx.
 */

let dir: string;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir });
}

const pipeline = (count: number) => `version: 1
job: { name: numbers }
input:
  type: generate
  count: ${count}
  seed: 7
  columns:
    - { name: id, generator: sequence }
output:
  type: file
  path: numbers.csv
  format: csv
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-cli-'));
  writeFileSync(join(dir, 'numbers.yaml'), pipeline(5));
  writeFileSync(
    join(dir, 'unknown.yaml'),
    'version: 1\ninput:\n  type: generat\noutput:\n  type: file\n  path: x.csv\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fustgo CLI', () => {
  it('prints help and version', () => {
    const help = fustgo('--help');
    expect(help.code).toBe(0);
    for (const name of ['validate', 'run', 'serve', 'plugins']) expect(help.stdout).toContain(name);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(fustgo('--version').stdout.trim()).toBe(pkg.version);
  });

  it('validate exits 0 for a valid file and 1 with located problems otherwise', () => {
    const valid = fustgo('validate', 'numbers.yaml');
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
    const invalid = fustgo('validate', 'numbers.yaml', 'unknown.yaml');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^unknown\.yaml:3:\d+: input\.type: .*generate/m);
  });

  it('run writes the output, prints the summary and exits 0', () => {
    const run = fustgo('run', 'numbers.yaml', '--set', 'input.count=3');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/read 3, written 3, failed 0, in .*rows\/s/);
    expect(readFileSync(join(dir, 'numbers.csv'), 'utf8').trim().split('\n')).toEqual(['id', '1', '2', '3']);
  });

  it('run exits 1 on a failed run and says where the data went', () => {
    writeFileSync(
      join(dir, 'fails.yaml'),
      pipeline(5).replace(
        'output:\n  type: file\n  path: numbers.csv\n  format: csv\n',
        'output:\n  type: sqlite\n  path: fails.db\n  write: { table: missing, create_table: false }\n',
      ),
    );
    const run = fustgo('run', 'fails.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^failed: read \d+, written 0/m);
    expect(run.stdout).toContain(
      `note: 0 rows were committed to table "missing" in ${join(dir, 'fails.db')}`,
    );
    expect(run.stderr).toMatch(/^error: output: .*table "missing" does not exist/m);
  });

  it('run exits 2 on an invalid config', () => {
    const run = fustgo('run', 'unknown.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^unknown\.yaml:3:\d+: input\.type/m);
  });

  it('plugins --json lists every component with its kind', () => {
    const plugins = fustgo('plugins', '--json');
    expect(plugins.code).toBe(0);
    const list = JSON.parse(plugins.stdout) as { kind: string; name: string; description: string }[];
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'input', name: 'generate' }),
        expect.objectContaining({ kind: 'output', name: 'file' }),
        expect.objectContaining({ kind: 'processor', name: 'filter' }),
      ]),
    );
    expect(fustgo('plugins').stdout).toMatch(/^KIND\s+NAME\s+CATEGORY\s+STATUS\s+DESCRIPTION/);
  });

  it('runs every shipped example as it is, with the right output', () => {
    // A copy, so the runs write their output/ beside the copy and not into the repository.
    cpSync(join(REPO_ROOT, 'resources', 'examples'), join(dir, 'examples'), { recursive: true });
    const out = (name: string) => join(dir, 'examples', 'output', name);
    for (const example of ['generate-to-csv', 'csv-to-sqlite', 'sqlite-to-jsonl']) {
      const run = fustgo('run', join('examples', `${example}.yaml`));
      expect(run.stderr, example).toBe('');
      expect(run.code, example).toBe(0);
    }

    const orders = readFileSync(out('orders.csv'), 'utf8').trimEnd().split('\n');
    expect(orders[0]).toBe('order_id,customer_id,qty,price,status,created_at');
    const rows = orders.slice(1).map((line) => line.split(','));
    expect(rows.length).toBeGreaterThan(6000);
    expect(rows.every((r) => Number(r[2]) > 0 && r[4] !== 'void')).toBe(true);

    const db = new Database(out('countries.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM countries').get()).toEqual({ n: 249 });
      expect(db.prepare("SELECT name_zh, region, numeric FROM countries WHERE iso2 = 'CN'").get()).toEqual({
        name_zh: '中国',
        region: 'Asia',
        numeric: 156,
      });
    } finally {
      db.close();
    }
    // Upsert: a second run leaves no duplicates.
    expect(fustgo('run', join('examples', 'csv-to-sqlite.yaml')).code).toBe(0);
    const again = new Database(out('countries.db'), { readonly: true });
    try {
      expect(again.prepare('SELECT COUNT(*) AS n FROM countries').get()).toEqual({ n: 249 });
    } finally {
      again.close();
    }

    const products = readFileSync(out('products.jsonl'), 'utf8').trimEnd().split('\n');
    expect(products.map((line) => (JSON.parse(line) as { sku: string }).sku)).toHaveLength(7);
    expect(JSON.parse(products[0])).toMatchObject({
      sku: 'TEA-001',
      name: 'Longjing green tea 龙井',
      price: '68.00',
    });
  });

  it('writes gzip when the output path ends in .gz', () => {
    writeFileSync(join(dir, 'gz.yaml'), pipeline(3).replace('path: numbers.csv', 'path: numbers.csv.gz'));
    expect(fustgo('run', 'gz.yaml').code).toBe(0);
    expect(gunzipSync(readFileSync(join(dir, 'numbers.csv.gz'))).toString('utf8')).toBe('id\n1\n2\n3\n');
  });
});
