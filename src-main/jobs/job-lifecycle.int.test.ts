import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/open-store';
import type { Execution, StudioEvent } from '../../src-shared/api/model';
import { fixedAppSettings } from '../../src-shared/config/app-settings';
import { CLOSED_PAUSE, INTERRUPTED_ERROR, type JobService } from './job-service';
import { nextExecution, startTestJobService, untilExecution, untilWritten } from './test-job-service';

/*
 * The job lifecycle with real run processes and a real store: the run queue and its limit,
 * overlap, pause and resume, the retry policy after a killed run, and the studio closing mid-run
 * and starting again. Rows go to a SQLite table whose id is the primary key, so a row written
 * twice fails the run: every completed run here wrote each row exactly once.
 */

/** `rows` generated rows into `out.db` table `t` (id primary key), in `channels` lanes. */
function pipeline(name: string, rows: number, extraJob = '', channels = 2, mode = 'insert'): string {
  return `version: 1
job:
  name: ${name}
${extraJob}input:
  type: generate
  count: ${rows}
  batch_size: 500
  columns:
    - { name: id, generator: sequence }
    - { name: note, generator: choice, values: [a, b, c] }
pipeline:
  channels: ${channels}
output:
  type: sqlite
  path: out.db
  write: { table: t, mode: ${mode}, batch_size: 500 }
  conflict: { key: [id] }
`;
}

let dataDir: string;
let store: Store;
let service: JobService | undefined;
let events: StudioEvent[];

async function startService(maxConcurrent = 5): Promise<JobService> {
  events = [];
  service = await startTestJobService(store, dataDir, {
    stopGraceMs: 10_000,
    settings: fixedAppSettings({ worker: { max_concurrent_jobs: maxConcurrent } }),
  });
  service.onEvent((event) => events.push(event));
  return service;
}

const until = (id: string, statuses: Execution['status'][]) => untilExecution(service!, id, statuses);
const written = (id: string, rows: number) => untilWritten(service!, id, rows);

function rowsIn(jobId: string): { count: number; distinct: number } {
  const db = new Database(join(dataDir, 'jobs', jobId, 'out.db'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) AS count, COUNT(DISTINCT id) AS "distinct" FROM t').get() as {
      count: number;
      distinct: number;
    };
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-lifecycle-'));
  store = await openStore({ dataDir });
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// Real run processes of tens of thousands of rows, two or three per test, on a shared machine.
describe('job lifecycle', { timeout: 180_000 }, () => {
  it('a valid job is created ready, an invalid one only as a draft, which cannot run', async () => {
    const jobs = (await startService()).api;
    const ready = await jobs.createJob({ name: 'ok', config_yaml: pipeline('ok', 10) });
    expect(ready.state).toBe('ready');
    await expect(jobs.createJob({ name: 'bad', config_yaml: 'version: 1\ninput: {}\n' })).rejects.toThrow(
      /invalid config/,
    );
    const draft = await jobs.createJob({ name: 'bad', config_yaml: 'version: 1\ninput: {}\n', draft: true });
    expect(draft.state).toBe('draft');
    await expect(jobs.startJob({ id: draft.id })).rejects.toThrow(/is a draft/);
    const fixed = await jobs.updateJob({ id: draft.id, config_yaml: pipeline('bad', 10) });
    expect(fixed.state).toBe('ready');
    const history = await jobs.listJobTransitions({ id: draft.id });
    expect(history.map((t) => `${t.from_state}→${t.to_state}`)).toEqual(['draft→ready', 'draft→draft']);
  });

  it('runs beyond max_concurrent_jobs wait queued and start as others end', async () => {
    const jobs = (await startService(1)).api;
    const a = await jobs.createJob({ name: 'a', config_yaml: pipeline('a', 20_000) });
    const b = await jobs.createJob({ name: 'b', config_yaml: pipeline('b', 1000) });
    const first = await jobs.startJob({ id: a.id });
    const second = await jobs.startJob({ id: b.id });
    expect(first.status).toBe('running');
    expect(second.status).toBe('queued');
    expect((await jobs.listJobs({})).find((j) => j.id === b.id)?.state).toBe('queued');
    await until(first.id, ['completed']);
    const done = await until(second.id, ['completed']);
    expect(Date.parse(done.started_at!)).toBeGreaterThanOrEqual(
      Date.parse((await until(first.id, ['completed'])).finished_at!),
    );
    expect(rowsIn(b.id)).toEqual({ count: 1000, distinct: 1000 });
  });

  it('overlap: a second request skips by default, or queues behind the running one', async () => {
    const svc = await startService();
    const job = await svc.api.createJob({ name: 'o', config_yaml: pipeline('o', 30_000, '', 2, 'upsert') });
    const first = await svc.requestRun(job.id, { trigger: 'schedule', actor: 'scheduler' });
    expect(first.outcome).toBe('started');
    const skipped = await svc.requestRun(job.id, { trigger: 'schedule', actor: 'scheduler' });
    expect(skipped).toEqual({ outcome: 'skipped', reason: 'job "o" is running already' });
    const queued = await svc.requestRun(job.id, { trigger: 'webhook', actor: 'webhook', overlap: 'queue' });
    expect(queued.outcome).toBe('queued');
    if (queued.outcome === 'skipped' || first.outcome === 'skipped') throw new Error('unreachable');
    await until(first.execution.id, ['completed']);
    const second = await until(queued.execution.id, ['completed']);
    expect(second.trigger).toBe('webhook');
  });

  it('pause commits the checkpoints and resume writes the rest: every row exactly once', async () => {
    const jobs = (await startService()).api;
    const job = await jobs.createJob({ name: 'p', config_yaml: pipeline('p', 1_000_000) });
    const run = await jobs.startJob({ id: job.id });
    await written(run.id, 5_000);
    expect(await jobs.pauseJob({ id: job.id })).toEqual({ paused: true });
    const paused = await until(run.id, ['paused']);
    expect(paused.records_written).toBeLessThan(1_000_000);
    expect((await jobs.getJob({ id: job.id })).state).toBe('paused');
    expect(rowsIn(job.id).count).toBe(paused.records_written);

    const resumed = await jobs.resumeJob({ id: job.id });
    expect(resumed).toMatchObject({ trigger: 'resume', resumed_from: run.id });
    const done = await until(resumed.id, ['completed', 'failed']);
    expect(done.error).toBeNull();
    expect(done.notes.join('\n')).toContain('resumed from checkpoints: 2 lane(s)');
    expect(paused.records_written + done.records_written).toBe(1_000_000);
    expect(rowsIn(job.id)).toEqual({ count: 1_000_000, distinct: 1_000_000 });
    const moves = (await jobs.listJobTransitions({ id: job.id })).map((t) => t.to_state).reverse();
    expect(moves).toEqual(['ready', 'queued', 'running', 'paused', 'queued', 'running', 'completed']);
  });

  it('a killed run fails with the reason and the retry policy resumes it from its checkpoints', async () => {
    const svc = await startService();
    const retry = '  retry: { attempts: 2, delay_seconds: 0 }\n';
    // One lane: the SQLite file takes one writer at a time, so lanes would only wait on each other.
    // Upsert: a batch committed just before the kill whose checkpoint never reached the host is
    // written again by the retry, and stays one row.
    const job = await svc.api.createJob({
      name: 'k',
      config_yaml: pipeline('k', 1_000_000, retry, 1, 'upsert'),
    });
    const run = await svc.api.startJob({ id: job.id });
    await written(run.id, 5_000);
    process.kill(svc.runProcessId(job.id)!, 'SIGKILL');
    const killed = await until(run.id, ['failed']);
    expect(killed.error).toBe('run process exited unexpectedly (signal SIGKILL)');

    const retried = await nextExecution(svc, job.id, run.id);
    expect(retried).toMatchObject({
      trigger: 'retry',
      actor: 'retry policy',
      attempt: 2,
      resumed_from: run.id,
    });
    expect(retried.trigger_detail).toContain('retry 1 of 2 after: run process exited unexpectedly');
    const done = await until(retried.id, ['completed', 'failed']);
    expect(done.error).toBeNull();
    expect(done.notes.join('\n')).toContain('resumed from checkpoints');
    expect(done.records_read).toBeLessThan(1_000_000);
    expect(rowsIn(job.id)).toEqual({ count: 1_000_000, distinct: 1_000_000 });
  });

  it('closing the studio pauses running runs; starting it again resumes them', async () => {
    const first = await startService();
    const job = await first.api.createJob({ name: 'c', config_yaml: pipeline('c', 1_000_000) });
    const run = await first.api.startJob({ id: job.id });
    await written(run.id, 5_000);
    await first.close();
    const paused = await first.api.getExecution({ id: run.id });
    expect(paused).toMatchObject({ status: 'paused', error: CLOSED_PAUSE });

    const second = await startService();
    const [resumed] = await second.api.listExecutions({ job_id: job.id, limit: 1 });
    expect(resumed).toMatchObject({ trigger: 'resume', actor: 'studio', resumed_from: run.id });
    const done = await until(resumed.id, ['completed', 'failed']);
    expect(done.error).toBeNull();
    expect(rowsIn(job.id)).toEqual({ count: 1_000_000, distinct: 1_000_000 });
  });

  it('a run left running by a process that died is failed at start, and retried by its policy', async () => {
    const first = await startService();
    const retry = '  retry: { attempts: 1, delay_seconds: 0 }\n';
    const job = await first.api.createJob({ name: 'd', config_yaml: pipeline('d', 1000, retry) });
    // What a crashed studio leaves behind: an execution still marked running.
    await store.db
      .insertInto('executions')
      .values({ id: 'ghost', job_id: job.id, status: 'running', created_at: new Date().toISOString() })
      .execute();
    await first.close();
    const second = await startService();
    expect(await second.api.getExecution({ id: 'ghost' })).toMatchObject({
      status: 'failed',
      error: INTERRUPTED_ERROR,
    });
    const [retried] = await second.api.listExecutions({ job_id: job.id, limit: 1 });
    expect(retried).toMatchObject({ trigger: 'retry', resumed_from: 'ghost', attempt: 2 });
    expect((await until(retried.id, ['completed'])).records_written).toBe(1000);
  });
});
