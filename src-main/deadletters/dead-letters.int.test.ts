import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Execution } from '../../src-shared/api/model';
import { fixedAppSettings } from '../../src-shared/config/app-settings';
import type { JobService } from '../jobs/job-service';
import { startTestJobService, untilExecution } from '../jobs/test-job-service';
import { openStore, type Store } from '../store/open-store';
import { createDeadLetterService, type DeadLetterApi } from './dead-letter-service';

/*
 * Dead letters end to end, with real run processes, the real job service and a real PostgreSQL
 * table whose constraints refuse rows: the run's rejected rows are listed by place, one is fixed
 * in place and replayed from the output, one from the processor that refused it; each replay is a
 * run of the job (trigger `replay`), recorded, and afterwards the table holds the fixed rows with
 * their values as they were (decimal, timestamptz, bigint).
 */

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const DB = `fustgo_test_deadletters_${randomBytes(4).toString('hex')}`;

const PEOPLE = [
  {
    id: 1,
    name: 'Ada',
    qty: 2,
    total: 10,
    amount: '12.50',
    created: '2024-03-01T10:00:00Z',
    big: '9007199254740993',
  },
  // NOT NULL name: refused by the table.
  {
    id: 2,
    name: null,
    qty: 4,
    total: 10,
    amount: '7.25',
    created: '2024-03-02T11:30:00Z',
    big: '9007199254740995',
  },
  // qty 0: the transform divides by it.
  { id: 3, name: 'Grace', qty: 0, total: 30, amount: '3.00', created: '2024-03-03T00:00:00Z', big: '3' },
  // CHECK amount >= 0: refused by the table.
  { id: 4, name: 'Edsger', qty: 1, total: 1, amount: '-5.00', created: '2024-03-04T00:00:00Z', big: '4' },
  { id: 5, name: 'Barbara', qty: 5, total: 50, amount: '0.10', created: '2024-03-05T00:00:00Z', big: '5' },
];

const CONFIG = `version: 1
job: { name: people-to-pg }
input:
  type: file
  path: people.jsonl
  columns:
    - { name: id, type: int }
    - { name: name, type: string }
    - { name: qty, type: int }
    - { name: total, type: int }
    - { name: amount, type: decimal }
    - { name: created, type: timestamptz }
    - { name: big, type: bigint }
pipeline:
  error_limit: 10
  processors:
    - type: transform
      set: { per_unit: total / qty }
output:
  type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }
  write: { table: people, create_table: false }
`;

let dataDir: string;
let store: Store;
let jobs: JobService;
let deadLetters: DeadLetterApi;
let pg: Client;

beforeAll(async () => {
  const admin = new Client(ADMIN);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  pg = new Client({ ...ADMIN, database: DB });
  await pg.connect();
  await pg.query(`CREATE TABLE people (
    id int PRIMARY KEY, name text NOT NULL, qty int, total int,
    amount numeric(12, 2) CHECK (amount >= 0), created timestamptz, big bigint, per_unit numeric)`);
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-deadletters-'));
  store = await openStore({ dataDir });
  jobs = await startTestJobService(store, dataDir, { settings: fixedAppSettings({}) });
  deadLetters = createDeadLetterService({ db: store.db, dataDir, runs: jobs }).api;
});

afterAll(async () => {
  await jobs?.close();
  await store?.close();
  await pg?.end();
  const admin = new Client(ADMIN);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
});

const until = (id: string, statuses: Execution['status'][]) => untilExecution(jobs, id, statuses, 60_000);

async function table(): Promise<Record<string, unknown>[]> {
  const { rows } = await pg.query(
    `SELECT id, name, amount::text AS amount, to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS created,
       big::text AS big, per_unit::float8 AS per_unit FROM people ORDER BY id`,
  );
  return rows as Record<string, unknown>[];
}

describe('dead letters of a real run, fixed and replayed through the job service', () => {
  let jobId: string;
  let executionId: string;

  it('lists the rows the run could not deliver, by place', async () => {
    const job = await jobs.api.createJob({ name: 'people-to-pg', config_yaml: CONFIG });
    jobId = job.id;
    mkdirSync(join(dataDir, 'jobs', jobId), { recursive: true });
    writeFileSync(
      join(dataDir, 'jobs', jobId, 'people.jsonl'),
      PEOPLE.map((p) => JSON.stringify(p)).join('\n'),
    );
    executionId = (await jobs.api.startJob({ id: jobId })).id;
    const run = await until(executionId, ['completed', 'failed']);
    expect(run.error).toBeNull();
    expect([run.status, run.records_read, run.records_written, run.records_failed]).toEqual([
      'completed',
      5,
      2,
      3,
    ]);
    expect((await table()).map((row) => row.id)).toEqual([1, 5]);

    const page = await deadLetters.listDeadLetters({ execution_id: executionId });
    expect(page.file).toBe(join(dataDir, 'jobs', jobId, 'dead-letter', `${executionId}.jsonl`));
    expect(page.total).toBe(3);
    expect(page.places.sort((a, b) => a.place.localeCompare(b.place))).toEqual([
      { place: 'output', count: 2 },
      { place: 'pipeline.processors[0]', count: 1 },
    ]);
    const byId = new Map(page.entries.map((entry) => [entry.row.id, entry]));
    expect(byId.get(2)?.error).toMatch(
      /null value in column "name" of relation "people" violates not-null constraint/,
    );
    expect(byId.get(4)?.error).toMatch(/violates check constraint "people_amount_check"/);
    expect(byId.get(3)).toMatchObject({
      place: 'pipeline.processors[0]',
      error: expect.stringMatching(/division by zero/),
    });
    // The output got the transform's column; the processor the row as it reached it.
    expect(Object.keys(byId.get(2)?.row ?? {})).toContain('per_unit');
    expect(Object.keys(byId.get(3)?.row ?? {})).not.toContain('per_unit');
  });

  it('refuses to replay rows of two places together', async () => {
    const page = await deadLetters.listDeadLetters({ execution_id: executionId });
    await expect(
      deadLetters.replayDeadLetters({ execution_id: executionId, indexes: page.entries.map((e) => e.index) }),
    ).rejects.toThrow(/failed at 2 places \(.*\): a replay runs the pipeline from one place/);
  });

  it('replays a row fixed in place from the output: a run of the job, recorded, and the table holds it', async () => {
    const page = await deadLetters.listDeadLetters({ execution_id: executionId, q: 'not-null' });
    expect(page.matched).toBe(1);
    const [letter] = page.entries;
    const file = join(dataDir, 'jobs', jobId, 'dead-letter', `${executionId}.jsonl`);
    const written = readFileSync(file, 'utf8');
    const edited = await deadLetters.updateDeadLetter({
      execution_id: executionId,
      index: letter.index,
      row: { ...letter.row, name: 'Alan' },
    });
    expect(edited.original_row).toEqual(letter.row);
    expect(readFileSync(file, 'utf8')).toBe(written);

    const plan = await deadLetters.planDeadLetterReplay({
      execution_id: executionId,
      indexes: [letter.index],
    });
    expect(plan.place).toBe('output');
    const derived = parse(plan.config_yaml) as Record<string, unknown>;
    expect(derived.pipeline).toEqual({ error_limit: 10 });
    expect((derived.output as { type: string }).type).toBe('postgresql');

    const replay = await deadLetters.replayDeadLetters({
      execution_id: executionId,
      indexes: [letter.index],
    });
    expect(replay).toMatchObject({ outcome: 'started', place: 'output', indexes: [letter.index], edited: 1 });
    const run = await until(replay.execution_id as string, ['completed', 'failed']);
    expect(run).toMatchObject({
      status: 'completed',
      trigger: 'replay',
      actor: 'user',
      trigger_detail: `replay of 1 dead letter from execution ${executionId}`,
      records_written: 1,
      records_failed: 0,
    });
    expect((await table()).find((row) => row.id === 2)).toEqual({
      id: 2,
      name: 'Alan',
      amount: '7.25',
      created: '2024-03-02T11:30:00',
      big: '9007199254740995',
      per_unit: 2.5,
    });
    const [recorded] = await deadLetters.listDeadLetterReplays({ execution_id: executionId });
    expect(recorded).toMatchObject({
      id: replay.id,
      execution_id: run.id,
      status: 'completed',
      records_written: 1,
      records_failed: 0,
    });
    const after = await deadLetters.listDeadLetters({ execution_id: executionId });
    expect(after.entries.find((e) => e.index === letter.index)?.replay).toEqual({
      replay_id: replay.id,
      execution_id: run.id,
      status: 'completed',
    });
  });

  it('replays a row a processor refused through that processor, and keeps what the replay refused with it', async () => {
    const page = await deadLetters.listDeadLetters({
      execution_id: executionId,
      place: 'pipeline.processors[0]',
    });
    const [letter] = page.entries;
    await deadLetters.updateDeadLetter({
      execution_id: executionId,
      index: letter.index,
      row: { ...letter.row, qty: 5 },
    });
    const replay = await deadLetters.replayDeadLetters({
      execution_id: executionId,
      indexes: [letter.index],
    });
    expect(parse(replay.config_yaml)).toMatchObject({
      pipeline: { processors: [{ type: 'transform', set: { per_unit: 'total / qty' } }] },
    });
    const run = await until(replay.execution_id as string, ['completed', 'failed']);
    expect([run.status, run.records_written]).toEqual(['completed', 1]);
    expect((await table()).find((row) => row.id === 3)).toMatchObject({
      name: 'Grace',
      amount: '3.00',
      per_unit: 6,
    });

    // The CHECK row replayed as it is: refused again, now kept with the replay's execution.
    const check = (await deadLetters.listDeadLetters({ execution_id: executionId, q: 'check constraint' }))
      .entries[0];
    const again = await deadLetters.replayDeadLetters({ execution_id: executionId, indexes: [check.index] });
    const refused = await until(again.execution_id as string, ['completed', 'failed']);
    expect([refused.status, refused.records_written, refused.records_failed]).toEqual(['completed', 0, 1]);
    const its = await deadLetters.listDeadLetters({ execution_id: refused.id });
    expect(its.entries.map(({ place, row }) => ({ place, id: row.id }))).toEqual([
      { place: 'output', id: 4 },
    ]);
    // A replay of the replay's dead letter is cut from the replay's own config.
    const plan = await deadLetters.planDeadLetterReplay({
      execution_id: refused.id,
      indexes: [its.entries[0].index],
    });
    expect((parse(plan.config_yaml) as { output: { type: string } }).output.type).toBe('postgresql');

    const history = await deadLetters.listDeadLetterReplays({ execution_id: executionId });
    expect(history.map((r) => [r.place, r.status, r.records_written])).toEqual([
      ['output', 'completed', 0],
      ['pipeline.processors[0]', 'completed', 1],
      ['output', 'completed', 1],
    ]);
    expect((await table()).map((row) => row.id)).toEqual([1, 2, 3, 5]);
  });
});
