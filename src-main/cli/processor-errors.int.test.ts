import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFustgo } from './test-cli';

/*
 * `fustgo run` over a CSV file with bad values, through transform, json_decode and filter into
 * SQLite: every row read is written, dropped, skipped or a dead letter, and the summary, the
 * dead-letter file and the table agree. Runs the built CLI when there is one
 * (`npx electron-vite build`), else the sources through tsx.
 */

let dir: string;
let home: string;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir, home: home });
}

/** Ten orders as a shop exports them; rows 3, 5, 6 and 8 are bad, row 9 has nothing ordered. */
const CSV = `id,customer,qty,price,ordered_at,meta
1,张伟,2,19.90,05/03/2024 09:15,"{""channel"": ""web""}"
2,Ada,1,5,05/03/2024 23:40,"{""channel"": ""app"", ""coupon"": ""SPRING""}"
3,Grace,two,7.50,06/03/2024 10:00,"{""channel"": ""web""}"
4,李娜,3,0.333,06/03/2024 11:30,"{""channel"": ""shop""}"
5,Edsger,1,n/a,07/03/2024 08:00,"{""channel"": ""web""}"
6,Barbara,1,12.00,31/02/2024 08:00,"{""channel"": ""web""}"
7,Alan,4,2.25,07/03/2024 12:00,"{""channel"": ""app""}"
8,Linus,1,3.00,08/03/2024 09:00,"{""channel"": web"
9,Ken,0,9.99,08/03/2024 10:00,"{""channel"": ""web""}"
10,Margaret,5,1.00,08/03/2024 18:45,"{""channel"": ""shop""}"
`;

const pipeline = (errorLimit: string, jsonOnError = 'skip') => `version: 1
job: { name: orders-clean }
input:
  type: file
  path: orders.csv
pipeline:
  ${errorLimit}
  processors:
    - type: transform
      cast:
        qty: { type: int }
        price: { type: decimal, scale: 2 }
        ordered_at: { type: timestamptz, format: '%d/%m/%Y %H:%i', time_zone: Asia/Shanghai }
      fields:
        total: price * qty
    - type: json_decode
      on_error: ${jsonOnError}
      field: meta
      fields:
        channel: $.channel
        coupon: coupon
      drop_field: true
    - type: filter
      condition: qty > 0
output:
  type: sqlite
  path: shop.db
  write: { table: orders }
`;

const deadLetters = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { place: string; error: string; row: Record<string, unknown> });

function tableRows(): Record<string, unknown>[] {
  const db = new Database(join(dir, 'shop.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM orders ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-cli-on-error-'));
  home = join(dir, 'home');
  writeFileSync(join(dir, 'orders.csv'), CSV);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fustgo run with rows processors cannot process', () => {
  it('accounts for every row: written, dropped by the filter, skipped, or in the dead-letter file', () => {
    writeFileSync(join(dir, 'orders.yaml'), pipeline('error_limit: 3'));
    const run = fustgo('run', 'orders.yaml');
    expect(run.code, run.stderr).toBe(0);
    const [file] = readdirSync(join(home, 'dead-letter')).map((name) => join(home, 'dead-letter', name));
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^completed: read 10, written 5, failed 3, in /);
    expect(lines.slice(1, 6)).toEqual([
      '  processor                           in  out  dropped  skipped  failed',
      '  pipeline.processors[0] transform    10    7        0        0       3',
      '  pipeline.processors[1] json_decode   7    6        0        1       0',
      '  pipeline.processors[2] filter        6    5        1        0       0',
      '  rows: 10 read = 5 written + 1 dropped + 1 skipped + 3 failed',
    ]);
    expect(lines).toContain(
      `note: 1 row skipped by pipeline.processors[1] (on_error: skip), not written; last error: field: "{\\"channel\\": web" is not valid JSON (Unexpected token 'w')`,
    );
    expect(lines).toContain(`note: 3 rows rejected by pipeline.processors[0] were written to ${file}`);

    expect(deadLetters(file).map(({ place, error, row }) => [place, row.id, error])).toEqual([
      ['pipeline.processors[0]', '3', 'cast.qty: "two" is not a whole number'],
      ['pipeline.processors[0]', '5', "cast.price: cannot CAST 'n/a' AS DECIMAL"],
      [
        'pipeline.processors[0]',
        '6',
        "cast.ordered_at: STR_TO_DATE: '31/02/2024 08:00' does not match '%d/%m/%Y %H:%i'",
      ],
    ]);
    // The row as the CSV gave it, to fix and feed again.
    expect(deadLetters(file)[1].row).toEqual({
      id: '5',
      customer: 'Edsger',
      qty: '1',
      price: 'n/a',
      ordered_at: '07/03/2024 08:00',
      meta: '{"channel": "web"}',
    });

    // Ids are text, as the CSV gives them: '10' sorts before '2'.
    expect(tableRows()).toEqual([
      row('1', '张伟', 2, '19.90', '2024-03-05T01:15:00.000Z', '39.80', 'web', null),
      row('10', 'Margaret', 5, '1.00', '2024-03-08T10:45:00.000Z', '5.00', 'shop', null),
      row('2', 'Ada', 1, '5.00', '2024-03-05T15:40:00.000Z', '5.00', 'app', 'SPRING'),
      row('4', '李娜', 3, '0.33', '2024-03-06T03:30:00.000Z', '0.99', 'shop', null),
      row('7', 'Alan', 4, '2.25', '2024-03-07T04:00:00.000Z', '9.00', 'app', null),
    ]);
  });

  it('fails past error_limit, and on_error: fail names the row', () => {
    rmSync(join(dir, 'shop.db'), { force: true });
    writeFileSync(join(dir, 'strict.yaml'), pipeline('dead_letter: { path: rejected.jsonl }'));
    const strict = fustgo('run', 'strict.yaml');
    expect(strict.code).toBe(1);
    // The batch's bad rows are all kept before the run stops.
    expect(strict.stderr).toMatch(
      /^error: error_limit 0 exceeded: 3 rows rejected \(last: pipeline\.processors\[0\]: cast\.ordered_at: STR_TO_DATE: '31\/02\/2024 08:00' does not match '%d\/%m\/%Y %H:%i' — row \{"id":"6","customer":"Barbara",/m,
    );
    expect(deadLetters(join(dir, 'rejected.jsonl')).map((e) => e.row.id)).toEqual(['3', '5', '6']);

    writeFileSync(join(dir, 'fail.yaml'), pipeline('error_limit: 10', 'fail'));
    const fail = fustgo('run', 'fail.yaml');
    expect(fail.code).toBe(1);
    expect(fail.stderr).toMatch(
      /^error: pipeline\.processors\[1\]: field: "\{\\"channel\\": web" is not valid JSON \(Unexpected token 'w'\) \(on_error: fail; row 5 of its input: \{"id":"8","customer":"Linus",.*\)$/m,
    );
  });

  it('validate refuses an on_error that does not exist, at its line', () => {
    writeFileSync(join(dir, 'bad.yaml'), pipeline('error_limit: 3', 'ignore'));
    const run = fustgo('validate', 'bad.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'bad.yaml:17:7: pipeline.processors[1].on_error: must be one of: "fail", "skip", "dead_letter"\n',
    );
  });
});

function row(
  id: string,
  customer: string,
  qty: number,
  price: string,
  orderedAt: string,
  total: string,
  channel: string,
  coupon: string | null,
) {
  return { id, customer, qty, price, ordered_at: orderedAt, total, channel, coupon };
}
