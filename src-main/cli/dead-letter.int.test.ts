import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFustgo } from './test-cli';

/*
 * `fustgo run` with rows the output refuses: the `note:` line says where they went, the JSON
 * Lines file holds them, and error_limit decides the exit code. Runs the built CLI when there
 * is one (`npx electron-vite build`), else the sources through tsx.
 */

let dir: string;
let home: string;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir, home: home });
}

/** Six people, two of them bad for the target: a repeated id, a missing name. */
const PEOPLE = [
  { id: 1, name: 'Ada' },
  { id: 2, name: 'Grace' },
  { id: 1, name: 'Ada again' },
  { id: 3, name: null },
  { id: 4, name: 'Edsger' },
  { id: 5, name: 'Barbara' },
];

const pipeline = (extra = '') => `version: 1
job: { name: people }
input:
  type: file
  path: people.jsonl
  columns:
    - { name: id, type: int }
    - { name: name, type: string }
pipeline:
${extra}
output:
  type: sqlite
  path: people.db
  write: { table: people, create_table: false }
`;

function createTarget(): void {
  const db = new Database(join(dir, 'people.db'));
  db.exec('DROP TABLE IF EXISTS people; CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  db.close();
}

function targetIds(): number[] {
  const db = new Database(join(dir, 'people.db'), { readonly: true });
  try {
    return db.prepare('SELECT id FROM people ORDER BY id').pluck().all() as number[];
  } finally {
    db.close();
  }
}

const jsonLines = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { place: string; lane: number; error: string; row: unknown; time: string },
    );

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-cli-dl-'));
  home = join(dir, 'home');
  writeFileSync(join(dir, 'people.jsonl'), PEOPLE.map((p) => JSON.stringify(p)).join('\n') + '\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fustgo run with rejected rows', () => {
  it('completes within error_limit, writes the rows to a file in the data dir and says so', () => {
    createTarget();
    writeFileSync(join(dir, 'people.yaml'), pipeline('  error_limit: 2'));
    const run = fustgo('run', 'people.yaml');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^completed: read 6, written 4, failed 2, /m);
    const files = readdirSync(join(home, 'dead-letter'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^people-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.jsonl$/);
    const file = join(home, 'dead-letter', files[0]);
    expect(run.stdout).toContain(`note: 2 rows rejected by the output were written to ${file}\n`);
    // Said while running too, at the first rejected rows.
    expect(run.stderr).toBe(
      `warning: output rejected 2 rows (last: NOT NULL constraint failed: people.name); rejected rows go to ${file} {"lane":0}\n`,
    );
    const rows = jsonLines(file);
    expect(rows.map(({ place, lane, error, row }) => ({ place, lane, error, row }))).toEqual([
      {
        place: 'output',
        lane: 0,
        error: 'UNIQUE constraint failed: people.id',
        row: { id: 1, name: 'Ada again' },
      },
      {
        place: 'output',
        lane: 0,
        error: 'NOT NULL constraint failed: people.name',
        row: { id: 3, name: null },
      },
    ]);
    expect(targetIds()).toEqual([1, 2, 4, 5]);
  });

  it('fails past error_limit (0 by default), into the file the config names', () => {
    createTarget();
    writeFileSync(join(dir, 'strict.yaml'), pipeline('  dead_letter: { path: rejected/people.jsonl }'));
    const run = fustgo('run', 'strict.yaml');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: error_limit 0 exceeded: 2 rows rejected \(last: output: NOT NULL constraint failed: people\.name — row \{"id":3,"name":null\}\)$/m,
    );
    expect(run.stdout).toMatch(/^failed: read 6, written 4, failed 2, /m);
    const file = join(dir, 'rejected', 'people.jsonl');
    expect(run.stdout).toContain(
      `note: 4 rows were committed to table "people" in ${join(dir, 'people.db')} before the run stopped\n` +
        `note: 2 rows rejected by the output were written to ${file}\n`,
    );
    expect(jsonLines(file)).toHaveLength(2);
  });

  it('refuses an error_limit that is neither a count nor a percentage', () => {
    writeFileSync(join(dir, 'bad.yaml'), pipeline('  error_limit: lots'));
    const run = fustgo('validate', 'bad.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'bad.yaml:10:3: pipeline.error_limit: must be a count of rows (100) or a percentage of the rows read ("1%", at most 100%)\n',
    );
  });
});
