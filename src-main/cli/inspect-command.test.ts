import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCommand, type InspectOptions } from './inspect-command';

let dir: string;

const pipeline = (input: string, output: string) => `version: 1
input:
${input}
output:
${output}
`;
const SQLITE_INPUT = '  type: sqlite\n  path: data/shop.db\n  query: { table: orders }';
const FILE_OUTPUT = '  type: file\n  path: out.csv\n  format: csv';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-inspect-'));
  writeFileSync(join(dir, 'copy.yaml'), pipeline(SQLITE_INPUT, FILE_OUTPUT));
  writeFileSync(
    join(dir, 'to-sqlite.yaml'),
    pipeline(
      FILE_OUTPUT.replace('out.csv', 'in.csv'),
      '  type: sqlite\n  path: missing.db\n  write: { table: t }',
    ),
  );
  writeFileSync(
    join(dir, 'invalid.yaml'),
    pipeline('  type: sqlite\n  query: { table: orders }', FILE_OUTPUT),
  );
  mkdirSync(join(dir, 'data'));
  const db = new Database(join(dir, 'data', 'shop.db'));
  db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) UNIQUE);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
      total DECIMAL(12,2) DEFAULT 0);
    CREATE INDEX orders_customer ON orders (customer_id);
    INSERT INTO customers (email) VALUES ('a@x'), ('b@x');
    ANALYZE;`);
  db.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inspect(file: string, options: InspectOptions = {}) {
  let out = '';
  let err = '';
  const code = await inspectCommand(join(dir, file), options, {
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}

describe('fustgo inspect', () => {
  it('lists the tables of the input database, then describes one', async () => {
    const list = await inspect('copy.yaml');
    expect(list).toEqual({
      code: 0,
      err: '',
      out: [
        'databases: main',
        'TABLE      KIND   ROWS (EST.)  COMMENT',
        'customers  table  ~2',
        'orders     table',
        '',
      ].join('\n'),
    });

    const one = await inspect('copy.yaml', { table: 'orders' });
    expect(one.code).toBe(0);
    expect(one.out).toBe(
      [
        'orders (table)',
        'COLUMN       TYPE           LOGICAL  NULL  DEFAULT  NOTES',
        'id           INTEGER        int      no             auto increment',
        'customer_id  INTEGER        int      no',
        'total        DECIMAL(12,2)  decimal  yes   0',
        'primary key: (id)',
        'indexes:',
        '  orders_customer  (customer_id)',
        'foreign keys:',
        '  orders_customer_id_fkey  (customer_id) → customers (id)',
        '',
      ].join('\n'),
    );

    const json = await inspect('copy.yaml', { table: 'customers', json: true });
    expect(JSON.parse(json.out)).toMatchObject({
      table: { name: 'customers', kind: 'table', rowEstimate: 2 },
      primaryKey: ['id'],
      indexes: [{ name: 'customers_email_key', columns: ['email'], unique: true }],
    });
    const tables = await inspect('copy.yaml', { json: true });
    expect(JSON.parse(tables.out)).toMatchObject({
      databases: ['main'],
      tables: [{ name: 'customers' }, { name: 'orders' }],
    });
  });

  it('says so when the side has no database, or the database or table is not there', async () => {
    expect(await inspect('copy.yaml', { side: 'output' })).toEqual({
      code: 1,
      out: '',
      err: 'error: the output "file" has no database to inspect (inspect works with the outputs sqlite, postgresql, mysql)\n',
    });
    const missingFile = await inspect('to-sqlite.yaml', { side: 'output' });
    expect(missingFile.code).toBe(1);
    expect(missingFile.err).toMatch(/^error: cannot open SQLite database .*missing\.db/);
    const missingTable = await inspect('copy.yaml', { table: 'nope' });
    expect(missingTable.code).toBe(1);
    expect(missingTable.err).toMatch(/^error: table "nope" not found in SQLite database/);
  });

  it('reports an invalid pipeline as validate does, with exit code 2', async () => {
    const result = await inspect('invalid.yaml');
    expect(result.code).toBe(2);
    expect(result.err).toContain('input');
    expect(result.err).toContain('path');
  });
});
