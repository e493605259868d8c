import Database from 'better-sqlite3';
import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan, formatProblem, loadAndValidateText } from '../../../src-main/config';
import { defaultRegistry } from '../../../src-main/default-registry';
import { silentLogger } from '../../../src-main/engine/component';
import type { DeadLetterEntry } from '../../../src-main/engine/dead-letter';
import { runPipeline, type RunResult } from '../../../src-main/engine/runtime';
import { runSql } from '../../mysql/connection';
import { createTestDatabases, dropTestDatabases } from './test-databases';
import { tempContext } from '../test-support';

/*
 * Bad rows in a real copy: 10,000 rows from SQLite into PostgreSQL, MariaDB and SQLite, five of
 * them refused by the target (a duplicate key, NOT NULL, a value too long for VARCHAR(5), an int
 * out of range). Each target keeps every other row; the dead-letter file holds exactly those
 * five with the database's message; past error_limit the run fails and says what was written.
 */

type Target = 'postgresql' | 'mysql' | 'sqlite';
const TARGETS: Target[] = ['postgresql', 'mysql', 'sqlite'];

const suffix = randomBytes(4).toString('hex');
const PG_DB = `fustgo_test_rejects_${suffix}`;
const MY_DB = `fustgo_test_rejects_${suffix}`;
const temp = tempContext('rejected-rows');
const ROWS = 10_000;

/** Source position (1-based) → what makes that row bad. */
const BAD = { tooLong: 3, nullName: 2000, duplicate: 4711, outOfRange: 8000, nullLast: 10_000 };
const BAD_POSITIONS = Object.values(BAD).sort((a, b) => a - b);

/** Row at `position`: id = position, except the duplicate, which repeats id 10. */
function sourceRow(position: number): [number, string, number, string | null] {
  return [
    position === BAD.duplicate ? 10 : position,
    position === BAD.tooLong ? 'abcdef' : `c${position % 1000}`,
    position === BAD.outOfRange ? 3_000_000_000 : position * 7,
    position === BAD.nullName || position === BAD.nullLast ? null : `name ${position}`,
  ];
}

/** Each database's message for each bad row, in source order. */
const MESSAGES: Record<Target, string[]> = {
  postgresql: [
    'value too long for type character varying(5); column code: "abcdef"',
    expect.stringMatching(
      /^null value in column "name" of relation "target" violates not-null constraint; Failing row contains \(2000, /,
    ) as unknown as string,
    'duplicate key value violates unique constraint "target_pkey"; Key (id)=(10) already exists.',
    'value "3000000000" is out of range for type integer; column qty: "3000000000"',
    expect.stringMatching(
      /^null value in column "name" of relation "target" violates not-null constraint/,
    ) as unknown as string,
  ],
  mysql: [
    "Data too long for column 'code' at row 1",
    "Column 'name' cannot be null",
    "Duplicate entry '10' for key 'PRIMARY'",
    "Out of range value for column 'qty' at row 1",
    "Column 'name' cannot be null",
  ],
  sqlite: [
    'CHECK constraint failed: length(code) <= 5',
    'NOT NULL constraint failed: target.name',
    'UNIQUE constraint failed: target.id',
    'CHECK constraint failed: qty BETWEEN -2147483648 AND 2147483647',
    'NOT NULL constraint failed: target.name',
  ],
};

let pg: Client;
let my: Connection;

beforeAll(async () => {
  const source = new Database(path.join(temp.dir, 'source.db'));
  source.exec('CREATE TABLE src (id INTEGER, code TEXT, qty INTEGER, name TEXT)');
  const insert = source.prepare('INSERT INTO src VALUES (?, ?, ?, ?)');
  source.transaction(() => {
    for (let p = 1; p <= ROWS; p++) insert.run(...sourceRow(p));
  })();
  source.close();

  ({ pg, my } = await createTestDatabases(PG_DB));
});

afterAll(async () => {
  await dropTestDatabases(PG_DB, { pg, my });
  temp.dispose();
});

/** Creates the target table (empty) with the constraints the bad rows break. */
async function createTarget(target: Target): Promise<void> {
  switch (target) {
    case 'postgresql':
      await pg.query(
        'DROP TABLE IF EXISTS target; CREATE TABLE target (id int PRIMARY KEY, code varchar(5), qty int, name text NOT NULL)',
      );
      return;
    case 'mysql':
      await runSql(my, 'DROP TABLE IF EXISTS target');
      await runSql(
        my,
        'CREATE TABLE target (id INT PRIMARY KEY, code VARCHAR(5), qty INT, name TEXT NOT NULL) ENGINE=InnoDB',
      );
      return;
    case 'sqlite': {
      // SQLite does not enforce declared lengths or int sizes: CHECK constraints stand in for them.
      const db = new Database(path.join(temp.dir, 'target.db'));
      db.exec(`DROP TABLE IF EXISTS target;
        CREATE TABLE target (id INTEGER PRIMARY KEY, code TEXT CHECK (length(code) <= 5),
          qty INTEGER CHECK (qty BETWEEN -2147483648 AND 2147483647), name TEXT NOT NULL)`);
      db.close();
    }
  }
}

/** The ids in the target table, ascending. */
async function targetIds(target: Target): Promise<number[]> {
  switch (target) {
    case 'postgresql':
      return (await pg.query<{ id: number }>('SELECT id FROM target ORDER BY id')).rows.map((r) => r.id);
    case 'mysql':
      return ((await runSql(my, 'SELECT id FROM target ORDER BY id')) as [number][]).map((r) => r[0]);
    case 'sqlite': {
      const db = new Database(path.join(temp.dir, 'target.db'), { readonly: true });
      try {
        return (db.prepare('SELECT id FROM target ORDER BY id').pluck().all() as number[]).map(Number);
      } finally {
        db.close();
      }
    }
  }
}

function outputYaml(target: Target): string {
  const write = 'write: { table: target, create_table: false, batch_size: 500 }';
  switch (target) {
    case 'postgresql':
      return `type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: ${PG_DB}, username: postgres }
  ${write}`;
    case 'mysql':
      return `type: mysql
  connection: { host: 127.0.0.1, port: 3306, database: ${MY_DB}, username: root }
  ${write}`;
    case 'sqlite':
      return `type: sqlite
  path: target.db
  ${write}`;
  }
}

/** Runs the copy into `target` as a run process would, from YAML; the dead-letter file is named by the config. */
async function copy(target: Target, errorLimit: number | string, file: string): Promise<RunResult> {
  const yaml = `version: 1
job: { name: rejects-${target} }
input:
  type: sqlite
  path: source.db
  query: { table: src }
  fetch: { size: 700 }
pipeline:
  error_limit: ${JSON.stringify(errorLimit)}
  dead_letter: { path: ${file} }
output:
  ${outputYaml(target)}
`;
  const registry = defaultRegistry({});
  const checked = await loadAndValidateText(yaml, 'copy.yaml', temp.dir, registry, { env: {} });
  if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
  const signal = new AbortController().signal;
  const plan = await buildPlan(checked.loaded, registry, { logger: silentLogger, signal });
  return runPipeline(plan, { signal });
}

function deadLetters(file: string): DeadLetterEntry[] {
  return readFileSync(path.join(temp.dir, file), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as DeadLetterEntry);
}

describe('rejected rows in a 10,000-row copy', () => {
  it.each(TARGETS)(
    '%s: the bad rows go to the dead-letter file, every other row to the table',
    async (target) => {
      await createTarget(target);
      const file = `rejected/${target}.jsonl`;
      const result = await copy(target, 10, file);
      expect(result.error).toBeNull();
      expect(result.status).toBe('completed');
      expect([result.records_read, result.records_written, result.records_failed]).toEqual([
        ROWS,
        ROWS - 5,
        5,
      ]);
      expect(result.notes).toEqual([
        `5 rows rejected by the output were written to ${path.join(temp.dir, file)}`,
      ]);

      const entries = deadLetters(file);
      expect(entries.map((e) => e.row)).toEqual(
        BAD_POSITIONS.map((p) => {
          const [id, code, qty, name] = sourceRow(p);
          return { id, code, qty, name };
        }),
      );
      expect(entries.map((e) => e.error)).toEqual(MESSAGES[target]);
      expect(
        entries.every((e) => e.place === 'output' && e.lane === 0 && !Number.isNaN(Date.parse(e.time))),
      ).toBe(true);

      const expectedIds = Array.from({ length: ROWS }, (_, i) => i + 1).filter(
        (p) => !BAD_POSITIONS.includes(p),
      );
      expect(await targetIds(target)).toEqual(expectedIds);
    },
  );

  it.each(TARGETS)(
    '%s: past error_limit the run fails, saying what was written and where the rows went',
    async (target) => {
      await createTarget(target);
      const file = `rejected/${target}-limited.jsonl`;
      const result = await copy(target, 2, file);
      expect(result.status).toBe('failed');
      const [, , third] = BAD_POSITIONS.map(sourceRow);
      expect(result.error).toBe(
        `error_limit 2 exceeded: 3 rows rejected (last: output: ${MESSAGES[target][2]} — row ${JSON.stringify(
          {
            id: third[0],
            code: third[1],
            qty: third[2],
            name: third[3],
          },
        )})`,
      );
      const committed = (await targetIds(target)).length;
      // The batch holding the third bad row was written (but for it) before the limit was judged.
      expect(committed).toBeGreaterThanOrEqual(BAD.duplicate - 3);
      expect(committed).toBe(result.records_written);
      const where =
        target === 'postgresql'
          ? `table "target" in PostgreSQL database "${PG_DB}"`
          : target === 'mysql'
            ? `table "target" in MySQL database "${MY_DB}"`
            : `table "target" in ${path.join(temp.dir, 'target.db')}`;
      expect(result.notes).toEqual([
        `${committed.toLocaleString('en-US')} rows were committed to ${where} before the run stopped`,
        `3 rows rejected by the output were written to ${path.join(temp.dir, file)}`,
      ]);
      expect(deadLetters(file).map((e) => e.row.id)).toEqual([3, 2000, 10]);
      expect(existsSync(path.join(temp.dir, `rejected/${target}.jsonl`))).toBe(true);
    },
  );
});
