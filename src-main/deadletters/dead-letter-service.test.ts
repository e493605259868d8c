import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunRequest, RunRequests } from '../jobs/run-requests';
import { createExecutionRepo } from '../store/execution-repo';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createDeadLetterService, type DeadLetterApi } from './dead-letter-service';

/*
 * The service over a real store and real files; the runs a replay asks for are the job
 * service's (see dead-letters.int.test.ts): here nothing may ask for one.
 */

const CONFIG = `version: 1
job: { name: people }
input: { type: generate, count: 3, columns: [{ name: id, generator: sequence }] }
pipeline:
  processors:
    - type: transform
      set: { twice: id * 2 }
output:
  type: sqlite
  path: people.db
  write: { table: people, mode: truncate_insert }
`;

const noRuns: RunRequests = {
  requestRun(_jobId: string, request: RunRequest) {
    throw new Error(`no run may be asked for here (${request.detail ?? ''})`);
  },
};

let dataDir: string;
let store: Store;
let api: DeadLetterApi;

const line = (place: string, error: string, row: Record<string, unknown>, types?: Record<string, string>) =>
  `${JSON.stringify({ time: '2025-01-01T00:00:10.000Z', place, lane: 0, error, row, ...(types ? { types } : {}) })}\n`;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-dl-service-'));
  store = await openStore({ file: ':memory:' });
  await createJobRepo(store.db).insert(
    { id: 'j1', name: 'people', description: '', config_yaml: CONFIG, flow_diagram: null },
    '2025-01-01T00:00:00.000Z',
  );
  const executions = createExecutionRepo(store.db);
  await executions.insert({ id: 'e1', job_id: 'j1' }, '2025-01-01T00:00:05.000Z');
  await executions.update('e1', {
    status: 'failed',
    started_at: '2025-01-01T00:00:05.000Z',
    finished_at: '2025-01-01T00:00:20.000Z',
    notes: [
      `3 rows rejected by the output were written to ${join(dataDir, 'jobs', 'j1', 'dead-letter', 'e1.jsonl')}`,
    ],
  });
  mkdirSync(join(dataDir, 'jobs', 'j1', 'dead-letter'), { recursive: true });
  const types = { id: 'int', name: 'string', twice: 'int' };
  writeFileSync(
    join(dataDir, 'jobs', 'j1', 'dead-letter', 'e1.jsonl'),
    line('output', 'NOT NULL constraint failed: people.name', { id: 1, name: null, twice: 2 }, types) +
      line(
        'pipeline.processors[0]',
        'division by zero',
        { id: 2, name: 'Grace' },
        { id: 'int', name: 'string' },
      ) +
      line('output', 'UNIQUE constraint failed: people.id', { id: 1, name: 'Ada, again', twice: 2 }, types),
  );
  api = createDeadLetterService({
    db: store.db,
    dataDir,
    runs: noRuns,
    now: () => new Date('2025-02-01T00:00:00.000Z'),
  }).api;
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dead-letter service', () => {
  it('lists an execution’s dead letters with totals per place, filtered and paged', async () => {
    const page = await api.listDeadLetters({ execution_id: 'e1' });
    expect(page).toMatchObject({
      job_id: 'j1',
      file: join(dataDir, 'jobs', 'j1', 'dead-letter', 'e1.jsonl'),
      total: 3,
      matched: 3,
      places: [
        { place: 'output', count: 2 },
        { place: 'pipeline.processors[0]', count: 1 },
      ],
      columns: ['id', 'name', 'twice'],
      types: { id: 'int', name: 'string', twice: 'int' },
    });
    expect(page.entries.map((e) => e.index)).toEqual([0, 1, 2]);
    const filtered = await api.listDeadLetters({ execution_id: 'e1', place: 'output', q: 'AGAIN' });
    expect(filtered.matched).toBe(1);
    expect(filtered.total).toBe(3);
    expect(filtered.entries[0].index).toBe(2);
    const second = await api.listDeadLetters({ execution_id: 'e1', offset: 1, limit: 1 });
    expect(second.entries.map((e) => e.index)).toEqual([1]);
    await expect(api.listDeadLetters({ execution_id: 'nope' })).rejects.toThrow('execution "nope" not found');
  });

  it('edits a row beside the file the run wrote, checks it against the recorded types, and reverts it', async () => {
    const file = join(dataDir, 'jobs', 'j1', 'dead-letter', 'e1.jsonl');
    const before = readFileSync(file, 'utf8');
    const edited = await api.updateDeadLetter({
      execution_id: 'e1',
      index: 0,
      row: { id: 1, name: 'Ada', twice: 2 },
    });
    expect(edited).toMatchObject({
      index: 0,
      row: { id: 1, name: 'Ada', twice: 2 },
      original_row: { id: 1, name: null, twice: 2 },
      edited_at: '2025-02-01T00:00:00.000Z',
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await api.listDeadLetters({ execution_id: 'e1', q: 'ada' })).entries.map((e) => e.index)).toEqual(
      [0, 2],
    );
    await expect(
      api.updateDeadLetter({ execution_id: 'e1', index: 0, row: { id: 'one', name: 'Ada', twice: 2 } }),
    ).rejects.toThrow('column "id": expected int, got "one"');
    await expect(api.updateDeadLetter({ execution_id: 'e1', index: 9, row: null })).rejects.toThrow(
      'execution "e1" has no dead letter 9',
    );
    const reverted = await api.updateDeadLetter({ execution_id: 'e1', index: 0, row: null });
    expect(reverted).toMatchObject({
      row: { id: 1, name: null, twice: 2 },
      original_row: null,
      edited_at: null,
    });
  });

  it('exports CSV and JSON Lines, of the chosen rows or of what the filter keeps', async () => {
    await api.updateDeadLetter({ execution_id: 'e1', index: 0, row: { id: 1, name: 'Ada', twice: 2 } });
    const csv = await api.exportDeadLetters({ execution_id: 'e1', format: 'csv', place: 'output' });
    expect(csv).toMatchObject({ file_name: 'dead-letters-people-e1.csv', media_type: 'text/csv', rows: 2 });
    expect(csv.text).toBe(
      'id,name,twice,place,error,time\n' +
        '1,Ada,2,output,NOT NULL constraint failed: people.name,2025-01-01T00:00:10.000Z\n' +
        '1,"Ada, again",2,output,UNIQUE constraint failed: people.id,2025-01-01T00:00:10.000Z\n',
    );
    const jsonl = await api.exportDeadLetters({ execution_id: 'e1', format: 'jsonl', indexes: [1] });
    expect(jsonl.rows).toBe(1);
    expect(JSON.parse(jsonl.text)).toMatchObject({ index: 1, place: 'pipeline.processors[0]' });
  });

  it('plans a replay from the place the rows failed, and refuses rows of two places', async () => {
    await api.updateDeadLetter({ execution_id: 'e1', index: 0, row: { id: 1, name: 'Ada', twice: 2 } });
    const plan = await api.planDeadLetterReplay({ execution_id: 'e1', indexes: [0] });
    expect(plan).toMatchObject({ place: 'output', rows: 1, input_file: 'dead-letter/replay-e1-1.jsonl' });
    expect(plan.notes).toEqual([
      'output: write.mode truncate_insert became insert, so the replay adds its rows and empties nothing',
    ]);
    expect(plan.config_yaml).toMatch(/^# Replay of 1 dead letter of execution e1, rejected by output\./);
    expect(parse(plan.config_yaml)).toEqual({
      version: 1,
      job: { name: 'people' },
      input: {
        type: 'file',
        path: 'dead-letter/replay-e1-1.jsonl',
        format: 'jsonl',
        columns: [
          { name: 'id', type: 'int' },
          { name: 'name', type: 'string' },
          { name: 'twice', type: 'int' },
        ],
      },
      output: { type: 'sqlite', path: 'people.db', write: { table: 'people', mode: 'insert' } },
    });
    const processor = await api.planDeadLetterReplay({ execution_id: 'e1', indexes: [1] });
    expect((parse(processor.config_yaml) as { pipeline: unknown }).pipeline).toEqual({
      processors: [{ type: 'transform', set: { twice: 'id * 2' } }],
    });
    await expect(api.planDeadLetterReplay({ execution_id: 'e1', indexes: [0, 1, 2] })).rejects.toThrow(
      'the selected rows failed at 2 places (output: 2 rows, pipeline.processors[0]: 1 row): a replay runs the pipeline from one place, so replay the rows of each place on their own',
    );
    await expect(api.replayDeadLetters({ execution_id: 'e1', indexes: [0, 1] })).rejects.toThrow(/2 places/);
    expect(await api.listDeadLetterReplays({ execution_id: 'e1' })).toEqual([]);
  });
});
