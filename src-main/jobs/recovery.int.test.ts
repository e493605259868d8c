import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSql } from '../../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../../connectors/shared/sql/test-databases';
import { openStore, type Store } from '../store/open-store';
import type { JobService } from './job-service';
import { nextExecution, startTestJobService, untilExecution, untilWritten } from './test-job-service';

/*
 * Recovery with real faults on a real copy: 1M rows from MariaDB to PostgreSQL in 4 lanes. The
 * run process is killed with SIGKILL mid-copy, or the writer's PostgreSQL connection is
 * terminated; the job's retry policy resumes from the checkpoints the dead run committed.
 */

const DB = 'fustgo_recovery';
const ROWS = 1_000_000;
const LANES = 4;
const BATCH = 5000;

let dbs: TestDatabases;
let dataDir: string;
let store: Store;
let service: JobService;
/** The test's own PostgreSQL session, which terminating the writer's must spare. */
let ownPid: number;

function config(name: string, table: string, mode: 'upsert' | 'insert', writerRetries = 3): string {
  return `version: 1
job:
  name: ${name}
  retry: { attempts: 2, delay_seconds: 0 }
input:
  type: mysql
  connection: { host: 127.0.0.1, port: 3306, database: ${DB}, username: root }
  query: { table: orders, split_key: id }
  fetch: { size: ${BATCH} }
pipeline:
  channels: ${LANES}
output:
  type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }
  write: { table: ${table}, mode: ${mode}, batch_size: ${BATCH} }
${mode === 'upsert' ? '  conflict: { key: [id] }\n' : ''}  retry: { max_retries: ${writerRetries}, initial_delay: 0.1 }
`;
}

/** Terminates every session of the test database but the test's own: the run's writer connections. */
async function terminateWriters(): Promise<number> {
  const admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ done: boolean }>(
      `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
       WHERE datname = $1 AND pid <> $2 AND backend_type = 'client backend'`,
      [DB, ownPid],
    );
    return rows.filter((r) => r.done).length;
  } finally {
    await admin.end();
  }
}

async function target(table: string): Promise<{ count: number; distinct: number; sum: string; qty: string }> {
  const { rows } = await dbs.pg.query<{ count: string; distinct: string; sum: string; qty: string }>(
    `SELECT COUNT(*) AS count, COUNT(DISTINCT id) AS distinct, SUM(id)::text AS sum, SUM(qty)::text AS qty FROM ${table}`,
  );
  return {
    count: Number(rows[0].count),
    distinct: Number(rows[0].distinct),
    sum: rows[0].sum,
    qty: rows[0].qty,
  };
}

beforeAll(async () => {
  dbs = await createTestDatabases(DB);
  // MariaDB's sequence engine makes the million rows in one statement.
  await runSql(
    dbs.my,
    'CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL, status VARCHAR(10) NOT NULL, created_at DATETIME NOT NULL)',
  );
  await runSql(
    dbs.my,
    `INSERT INTO orders SELECT seq, seq % 7, IF(seq % 3 = 0, 'void', 'paid'), '2024-01-01' + INTERVAL (seq % 1000) MINUTE FROM seq_1_to_${ROWS}`,
  );
  await dbs.pg.query(
    'CREATE TABLE orders_upsert (id BIGINT PRIMARY KEY, qty INT, status TEXT, created_at TIMESTAMP)',
  );
  ownPid = (await dbs.pg.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await dbs.pg.query('CREATE TABLE orders_insert (id BIGINT, qty INT, status TEXT, created_at TIMESTAMP)');
  await dbs.pg.query(
    'CREATE TABLE orders_terminated (id BIGINT PRIMARY KEY, qty INT, status TEXT, created_at TIMESTAMP)',
  );
}, 120_000);

afterAll(async () => {
  await dropTestDatabases(DB, dbs ?? {});
});

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-recovery-'));
  store = await openStore({ dataDir });
  service = await startTestJobService(store, dataDir, { persistIntervalMs: 100 });
});

afterEach(async () => {
  await service.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const expectedSum = ((BigInt(ROWS) * BigInt(ROWS + 1)) / 2n).toString();

// A million rows moved twice per test on a shared machine: minutes, not the default 30 s.
describe('recovery from real faults (MariaDB → PostgreSQL, 1M rows)', { timeout: 300_000 }, () => {
  it('SIGKILL mid-copy, upsert: the retry resumes from the checkpoints and every row is there exactly once', async () => {
    const job = await service.api.createJob({
      name: 'kill-upsert',
      config_yaml: config('kill-upsert', 'orders_upsert', 'upsert'),
    });
    const run = await service.api.startJob({ id: job.id });
    await untilWritten(service, run.id, 250_000);
    process.kill(service.runProcessId(job.id)!, 'SIGKILL');
    const killed = await untilExecution(service, run.id, ['failed']);
    expect(killed.error).toBe('run process exited unexpectedly (signal SIGKILL)');

    const retry = await nextExecution(service, job.id, run.id);
    expect(retry).toMatchObject({ trigger: 'retry', attempt: 2, resumed_from: run.id });
    const done = await untilExecution(service, retry.id, ['completed', 'failed']);
    expect(done.error).toBeNull();
    expect(done.notes.join('\n')).toMatch(/resumed from checkpoints: 4 lane\(s\)/);
    // The retry read only what the dead run had not committed.
    expect(done.records_read).toBeLessThan(ROWS - 200_000);
    const rows = await target('orders_upsert');
    expect(rows).toMatchObject({ count: ROWS, distinct: ROWS, sum: expectedSum });
  });

  it('SIGKILL mid-copy, insert: no row is missing; duplicates stay within one batch per lane', async () => {
    const job = await service.api.createJob({
      name: 'kill-insert',
      config_yaml: config('kill-insert', 'orders_insert', 'insert'),
    });
    const run = await service.api.startJob({ id: job.id });
    await untilWritten(service, run.id, 250_000);
    process.kill(service.runProcessId(job.id)!, 'SIGKILL');
    await untilExecution(service, run.id, ['failed']);
    const done = await untilExecution(service, (await nextExecution(service, job.id, run.id)).id, [
      'completed',
      'failed',
    ]);
    expect(done.error).toBeNull();
    const rows = await target('orders_insert');
    expect(rows.distinct).toBe(ROWS);
    // At-least-once: a batch a lane's writer committed just before the kill, whose checkpoint had not
    // reached the studio, is written again — at most one batch per lane.
    expect(rows.count - ROWS).toBeGreaterThanOrEqual(0);
    expect(rows.count - ROWS).toBeLessThanOrEqual(LANES * BATCH);
  });

  it('pg_terminate_backend on the writer mid-run: the writer reconnects, redoes its transaction and the run finishes', async () => {
    const job = await service.api.createJob({
      name: 'terminate',
      config_yaml: config('terminate', 'orders_terminated', 'upsert'),
    });
    const run = await service.api.startJob({ id: job.id });
    await untilWritten(service, run.id, 200_000);
    expect(await terminateWriters()).toBeGreaterThan(0);
    const done = await untilExecution(service, run.id, ['completed', 'failed']);
    expect(done.error).toBeNull();
    expect(await target('orders_terminated')).toMatchObject({
      count: ROWS,
      distinct: ROWS,
      sum: expectedSum,
    });
  });

  it('pg_terminate_backend with writer retries off: the run fails and the job retry finishes it from the checkpoints', async () => {
    await dbs.pg.query('TRUNCATE orders_terminated');
    const job = await service.api.createJob({
      name: 'terminate-job-retry',
      config_yaml: config('terminate-job-retry', 'orders_terminated', 'upsert', 0),
    });
    const run = await service.api.startJob({ id: job.id });
    await untilWritten(service, run.id, 200_000);
    expect(await terminateWriters()).toBeGreaterThan(0);
    const failed = await untilExecution(service, run.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/terminat/i);
    const done = await untilExecution(service, (await nextExecution(service, job.id, run.id)).id, [
      'completed',
      'failed',
    ]);
    expect(done.error).toBeNull();
    expect(done.notes.join('\n')).toMatch(/resumed from checkpoints/);
    expect(await target('orders_terminated')).toMatchObject({
      count: ROWS,
      distinct: ROWS,
      sum: expectedSum,
    });
  });
});
