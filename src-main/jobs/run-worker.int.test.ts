import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../engine/runtime';
import { createForkLauncher } from './run-launcher';
import type { RunMessage } from './run-protocol';

/*
 * A studio run (the run process, from source) whose output rejects rows: they land in one
 * JSON Lines file per execution in the job's folder of the data dir, and the run says so.
 */

const workerPath = fileURLToPath(new URL('./run-worker.ts', import.meta.url));

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-run-dl-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const config = `version: 1
input:
  type: generate
  count: 10
  columns:
    - { name: id, generator: sequence }
pipeline:
  error_limit: 5
output:
  type: sqlite
  path: out.db
  write: { table: ids, create_table: false }
`;

/** Runs `config_yaml` in a run process (from source) and resolves with its result. */
async function runInWorker(configYaml: string, baseDir: string, executionId: string): Promise<RunResult> {
  const handle = createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }).launch({
    type: 'start',
    execution_id: executionId,
    job_id: 'job-1',
    config_yaml: configYaml,
    file_name: 'sync.yaml',
    base_dir: baseDir,
    data_dir: dataDir,
  });
  return new Promise<RunResult>((resolve, reject) => {
    let last: RunResult | undefined;
    handle.onMessage((message: RunMessage) => {
      if (message.type === 'result') last = message.result;
    });
    handle.onExit(() => (last ? resolve(last) : reject(new Error('no result'))));
  });
}

describe('run process', () => {
  it('stores an incremental watermark in the data dir after a completed run, and the next run starts past it', async () => {
    const jobDir = join(dataDir, 'jobs', 'job-1');
    mkdirSync(jobDir, { recursive: true });
    const source = new Database(join(jobDir, 'source.db'));
    source.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT)');
    const insert = source.prepare('INSERT INTO events VALUES (?, ?)');
    for (let id = 1; id <= 30; id++) insert.run(id, `event ${id}`);
    const sync = `version: 1
job: { name: events-sync }
input:
  type: sqlite
  path: source.db
  query: { table: events }
  incremental: { column: id }
output:
  type: sqlite
  path: target.db
  write: { table: events, mode: upsert }
  conflict: { key: [id] }
`;
    const first = await runInWorker(sync, jobDir, 'exec-1');
    expect(first).toMatchObject({ status: 'completed', records_written: 30, watermark: '30' });
    expect(first.notes).toContain(
      'watermark id = 30 stored for job "events-sync": the next run reads rows past it',
    );

    for (let id = 31; id <= 33; id++) insert.run(id, `event ${id}`);
    source.close();
    const second = await runInWorker(sync, jobDir, 'exec-2');
    expect(second).toMatchObject({ status: 'completed', records_read: 3, watermark: '33' });
  });

  it('writes rejected rows to <data dir>/jobs/<job id>/dead-letter/<execution id>.jsonl', async () => {
    const jobDir = join(dataDir, 'jobs', 'job-1');
    mkdirSync(jobDir, { recursive: true });
    const db = new Database(join(jobDir, 'out.db'));
    db.exec('CREATE TABLE ids (id INTEGER PRIMARY KEY CHECK (id % 4 <> 0))');
    db.close();

    const handle = createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }).launch({
      type: 'start',
      execution_id: 'exec-1',
      job_id: 'job-1',
      config_yaml: config,
      file_name: 'ids.yaml',
      base_dir: jobDir,
      data_dir: dataDir,
    });
    const logs: string[] = [];
    const result = await new Promise<RunResult>((resolve, reject) => {
      let last: RunResult | undefined;
      handle.onMessage((message: RunMessage) => {
        if (message.type === 'result') last = message.result;
        if (message.type === 'log') logs.push(`${message.level}: ${message.message}`);
      });
      handle.onExit(() => (last ? resolve(last) : reject(new Error('no result'))));
    });

    const file = join(dataDir, 'jobs', 'job-1', 'dead-letter', 'exec-1.jsonl');
    expect(result).toMatchObject({ status: 'completed', records_written: 8, records_failed: 2 });
    expect(result.notes).toEqual([`2 rows rejected by the output were written to ${file}`]);
    expect(logs).toContain(
      `warn: output rejected 2 rows (last: CHECK constraint failed: id % 4 <> 0); rejected rows go to ${file} {"lane":0}`,
    );
    const rows = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { row: unknown }).row);
    expect(rows).toEqual([{ id: 4 }, { id: 8 }]);
  });

  it('runs a job.type ELT job in the target database, as fustgo run does', async () => {
    const jobDir = join(dataDir, 'jobs', 'job-1');
    mkdirSync(jobDir, { recursive: true });
    const elt = `version: 1
job: { name: big-ids, type: ELT }
input:
  type: generate
  count: 10
  columns:
    - { name: id, generator: sequence }
pipeline:
  processors:
    - type: filter
      condition: id > 6
output:
  type: sqlite
  path: out.db
  write: { table: big_ids, create_table: true }
`;
    const result = await runInWorker(elt, jobDir, 'exec-elt');
    expect(result).toMatchObject({ status: 'completed', records_read: 10, records_written: 4 });
    const db = new Database(join(jobDir, 'out.db'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    const ids = db.prepare('SELECT id FROM big_ids ORDER BY id').all();
    db.close();
    expect(ids).toEqual([{ id: 7 }, { id: 8 }, { id: 9 }, { id: 10 }]);
    expect(tables).toEqual([{ name: 'big_ids' }]); // the staging table is gone
  });
});
