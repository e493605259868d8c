import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../../src-main/engine/batch';
import type { Output } from '../../../src-main/engine/component';
import { runSql } from '../../mysql/connection';
import { mysqlOutput } from '../../mysql/spec';
import { postgresqlOutput } from '../../postgresql/spec';
import { testContext } from '../test-support';
import type { SqlConnection } from './config';
import { createTestDatabases, dropTestDatabases } from './test-databases';

/*
 * The database server writers with several lanes: each lane writes over a connection of its own,
 * so their transactions are open at the same time; every row is written once in every mode;
 * pre_sql and post_sql run once; truncate_insert empties the table once, before any lane's rows;
 * a lost connection is replaced for its lane only; close ends every connection.
 */

type Server = 'postgresql' | 'mysql';
const SERVERS: Server[] = ['postgresql', 'mysql'];

const suffix = randomBytes(4).toString('hex');
const DB = `fustgo_test_lanes_${suffix}`;
const APP = `fustgo_lanes_${suffix}`;
const pgConnection: SqlConnection = {
  host: '127.0.0.1',
  port: 5432,
  database: DB,
  username: 'postgres',
  options: { application_name: APP },
};
const myConnection: SqlConnection = { host: '127.0.0.1', port: 3306, database: DB, username: 'root' };
const ctx = testContext();

let pg: Client;
let my: Connection;

beforeAll(async () => {
  ({ pg, my } = await createTestDatabases(DB));
});

afterAll(async () => {
  await dropTestDatabases(DB, { pg, my });
});

async function exec(server: Server, ...statements: string[]): Promise<void> {
  for (const sql of statements) {
    if (server === 'postgresql') await pg.query(sql);
    else await runSql(my, sql);
  }
}

async function rowsOf(server: Server, sql: string): Promise<unknown[][]> {
  if (server === 'postgresql') return (await pg.query<unknown[]>({ text: sql, rowMode: 'array' })).rows;
  return (await runSql(my, sql)) as unknown[][];
}

/** Ids of the writer's sessions on the test database (not the test's own), after closed ones had time to go. */
async function writerSessions(server: Server, settle = false): Promise<number[]> {
  const sql =
    server === 'postgresql'
      ? `SELECT pid FROM pg_stat_activity WHERE datname = '${DB}' AND application_name = '${APP}'`
      : `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '${DB}' AND ID <> CONNECTION_ID()`;
  let ids: number[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    ids = (await rowsOf(server, sql)).map((r) => Number(r[0])).sort((a, b) => a - b);
    if (!settle || ids.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return ids;
}

async function output(server: Server, config: Record<string, unknown>): Promise<Output> {
  if (server === 'postgresql')
    return postgresqlOutput.create(
      { connection: pgConnection, ...config } as Parameters<typeof postgresqlOutput.create>[0],
      ctx,
    );
  return mysqlOutput.create(
    { connection: myConnection, ...config } as Parameters<typeof mysqlOutput.create>[0],
    ctx,
  );
}

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'v', type: 'string' },
];

/** `lanes` lanes each writing `batches` batches of `size` rows at once, as a run's lanes do; ids from 1. */
async function writeLanes(
  out: Output,
  { lanes, batches, size, tag }: { lanes: number; batches: number; size: number; tag: string },
): Promise<void> {
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let b = 0; b < batches; b++) {
        const first = (lane * batches + b) * size + 1;
        const rows: Row[] = Array.from({ length: size }, (_, i) => [first + i, `${tag} ${first + i}`]);
        const batch: Batch = { columns, rows };
        expect(await out.write(batch, lane)).toBeUndefined();
      }
    }),
  );
}

describe.each(SERVERS)('%s writer lanes', (server) => {
  it('writes two lanes at once, each over its own connection', async () => {
    // Each row waits 0.3 s in a trigger, counts the writes in progress on the table, and waits 0.3 s more.
    if (server === 'postgresql')
      await exec(
        server,
        'CREATE TABLE probe (id int, pid int DEFAULT pg_backend_pid(), peers int)',
        `CREATE FUNCTION probe_wait() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           PERFORM pg_sleep(0.3);
           NEW.peers := (SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY "probe"%');
           PERFORM pg_sleep(0.3);
           RETURN NEW;
         END $$`,
        'CREATE TRIGGER probe_wait BEFORE INSERT ON probe FOR EACH ROW EXECUTE FUNCTION probe_wait()',
      );
    else
      await exec(
        server,
        'CREATE TABLE probe (id INT, pid BIGINT, peers INT)',
        `CREATE TRIGGER probe_wait BEFORE INSERT ON probe FOR EACH ROW BEGIN
           SET @slept = SLEEP(0.3);
           SET NEW.pid = CONNECTION_ID();
           SET NEW.peers = (SELECT COUNT(*) FROM information_schema.PROCESSLIST
             WHERE DB = DATABASE() AND COMMAND = 'Query');
           SET @slept = SLEEP(0.3);
         END`,
      );
    const out = await output(server, { write: { table: 'probe' } });
    const began = performance.now();
    await Promise.all([0, 1].map((lane) => out.write({ columns: [columns[0]], rows: [[lane + 1]] }, lane)));
    const seconds = (performance.now() - began) / 1000;
    await out.close();
    const rows = await rowsOf(server, 'SELECT id, pid, peers FROM probe ORDER BY id');
    console.log(`${server}: two lanes of one 0.6 s row each took ${seconds.toFixed(2)} s`);
    expect(rows.map((r) => Number(r[2]))).toEqual([2, 2]);
    expect(new Set(rows.map((r) => Number(r[1]))).size).toBe(2);
    // One after the other they would take at least 1.2 s; the counts above are the proof.
    expect(seconds).toBeLessThan(1.2);
    expect(await writerSessions(server, true)).toEqual([]);
  });

  it.each(['insert', 'upsert', 'truncate_insert'])(
    '%s with four lanes writes every row once, running pre_sql and post_sql once',
    async (mode) => {
      const table = `lanes_${mode}`;
      await exec(
        server,
        `CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(40))`,
        `INSERT INTO ${table} VALUES (1, 'old'), (2, 'old'), (100000, 'old')`,
        `CREATE TABLE ${table}_audit (step VARCHAR(10), n INT)`,
      );
      if (mode === 'insert') await exec(server, `DELETE FROM ${table} WHERE id < 100`);
      const out = await output(server, {
        write: { table, mode, batch_size: 150 },
        conflict: { key: ['id'] },
        pre_sql: [`INSERT INTO ${table}_audit SELECT 'pre', COUNT(*) FROM ${table}`],
        post_sql: [`INSERT INTO ${table}_audit SELECT 'post', COUNT(*) FROM ${table}`],
      });
      await writeLanes(out, { lanes: 4, batches: 5, size: 400, tag: 'new' });
      expect(await out.close()).toBeUndefined();
      const total = 4 * 5 * 400;
      // truncate_insert: the old rows went once, before any lane's rows; upsert: 1 and 2 updated.
      const expected = mode === 'truncate_insert' ? total : total + 1;
      expect(
        (
          await rowsOf(
            server,
            `SELECT COUNT(*), COUNT(DISTINCT id), SUM(CASE WHEN v LIKE 'new %' THEN 1 ELSE 0 END) FROM ${table}`,
          )
        )[0].map(Number),
      ).toEqual([expected, expected, total]);
      expect(
        (await rowsOf(server, `SELECT step FROM ${table}_audit ORDER BY step DESC`)).map((r) => r[0]),
      ).toEqual(['pre', 'post']);
      expect(await writerSessions(server, true)).toEqual([]);
    },
  );

  it('counts the rows committed by every lane, and replaces a lost connection for its lane only', async () => {
    await exec(server, 'CREATE TABLE counted (id INT PRIMARY KEY, v VARCHAR(40))');
    const out = await output(server, {
      write: { table: 'counted', batch_size: 100 },
      retry: { initial_delay: 0.01 },
    });
    await writeLanes(out, { lanes: 2, batches: 1, size: 100, tag: 'a' });
    const before = await writerSessions(server);
    expect(before).toHaveLength(2);
    await exec(
      server,
      server === 'postgresql' ? `SELECT pg_terminate_backend(${before[0]}, 5000)` : `KILL ${before[0]}`,
    );
    await Promise.all(
      [0, 1].map((lane) =>
        out.write(
          { columns, rows: Array.from({ length: 100 }, (_, i): Row => [1000 + lane * 100 + i, 'b']) },
          lane,
        ),
      ),
    );
    const after = await writerSessions(server);
    expect(after).toHaveLength(2);
    expect(after).toContain(before[1]);
    expect(after).not.toContain(before[0]);
    const where =
      server === 'postgresql'
        ? `"counted" in PostgreSQL database "${DB}"`
        : `"counted" in MySQL database "${DB}"`;
    expect(await out.close(new Error('stopped'))).toBe(
      `400 rows were committed to table ${where} before the run stopped`,
    );
    expect(await writerSessions(server, true)).toEqual([]);
  });
});

describe('postgresql truncate_insert with lanes', () => {
  it('keeps the old rows when the first transaction fails, and lets no lane commit before the TRUNCATE', async () => {
    await exec(
      'postgresql',
      'CREATE TABLE guarded (id int PRIMARY KEY, v text)',
      "INSERT INTO guarded VALUES (1, 'old')",
      // The first transaction is slow, so the other lane tries to commit meanwhile.
      `CREATE FUNCTION guarded_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         IF NEW.id = 10 THEN PERFORM pg_sleep(0.3); END IF;
         IF NEW.id = 666 THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'P0001'; END IF;
         RETURN NEW;
       END $$`,
      'CREATE TRIGGER guarded_slow BEFORE INSERT ON guarded FOR EACH ROW EXECUTE FUNCTION guarded_slow()',
    );
    const failing = await output('postgresql', { write: { table: 'guarded', mode: 'truncate_insert' } });
    await expect(failing.write({ columns, rows: [[666, 'x']] }, 0)).rejects.toThrow('refused');
    await failing.close(new Error('stopped'));
    expect(await rowsOf('postgresql', 'SELECT id, v FROM guarded')).toEqual([[1, 'old']]);

    const out = await output('postgresql', { write: { table: 'guarded', mode: 'truncate_insert' } });
    const slow = out.write({ columns, rows: [[10, 'lane 0']] }, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await out.write({ columns, rows: [[20, 'lane 1']] }, 1);
    await slow;
    expect(await out.close()).toBeUndefined();
    expect(await rowsOf('postgresql', 'SELECT id, v FROM guarded ORDER BY id')).toEqual([
      [10, 'lane 0'],
      [20, 'lane 1'],
    ]);
  });
});
