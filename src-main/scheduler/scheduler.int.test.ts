import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../src-shared/api/contract';
import type { StudioEvent } from '../../src-shared/api/model';
import { startServer } from '../server/http-server';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler';
import { jobYaml, recordingLogger, recordingRuns, saveJob, type RecordingRuns } from './test-support';

/*
 * The real scheduler on real timers, a real SQLite store in a temp dir and a recording
 * RunRequests: cron fires, missed runs after a gap, a dependency chain, a watched folder and the
 * webhook through the HTTP server.
 */

let dataDir: string;
let store: Store;
let runs: RecordingRuns;
const schedulers: Scheduler[] = [];

async function start(options: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
  const scheduler = await createScheduler({
    db: store.db,
    runs,
    listJobs: () => createJobRepo(store.db).list(),
    logger: recordingLogger(),
    dataDir,
    filePollMs: 100,
    ...options,
  });
  schedulers.push(scheduler);
  return scheduler;
}

/** Waits until `check` holds, looking every 50 ms. */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-scheduler-'));
  store = await openStore({ dataDir });
  runs = recordingRuns(store.db);
});

afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the scheduler on real timers', () => {
  it('fires a seconds schedule', async () => {
    const id = await saveJob(store.db, 'every-second', jobYaml('every-second', 'schedule: "* * * * * *"'));
    await start();
    await until(() => runs.calls.length >= 2);
    expect(runs.calls[0]).toMatchObject({
      job_id: id,
      request: { trigger: 'schedule', actor: 'scheduler' },
    });
    expect(runs.calls[0].request.detail).toMatch(/^schedule \* \* \* \* \* \* \(.+\) at \d{4}-/);
  });

  it('runs once at start for runs missed while closed (job.missed: run_once)', async () => {
    const id = await saveJob(
      store.db,
      'minutely',
      jobYaml('minutely', 'schedule: "* * * * *"', 'timezone: UTC', 'missed: run_once'),
    );
    const closedAt = new Date();
    await (await start({ now: () => closedAt })).close();
    // Reopened ten minutes later.
    const reopenedAt = new Date(closedAt.getTime() + 10 * 60_000);
    await start({ now: () => reopenedAt });
    const missed = runs.calls.filter((call) => call.request.trigger === 'missed');
    expect(missed).toHaveLength(1);
    expect(missed[0].job_id).toBe(id);
    expect(missed[0].request.detail).toMatch(/^missed 10 runs since \d{4}-.*Z$/);
  });

  it('runs a chain a → b → c in order', async () => {
    const a = await saveJob(store.db, 'a', jobYaml('a'));
    const b = await saveJob(store.db, 'b', jobYaml('b', 'after: [a]'));
    const c = await saveJob(store.db, 'c', jobYaml('c', 'after: [b]'));
    const scheduler = await start();
    // A job service in miniature: each run completes shortly after it starts and says so.
    const finish = async (jobId: string, executionId: string) => {
      await sleep(50);
      await runs.complete(executionId);
      const event: StudioEvent = {
        type: 'job_status',
        job_id: jobId,
        execution_id: executionId,
        status: 'completed',
        error: null,
      };
      scheduler.handleEvent(event);
    };
    const requestRun = runs.requestRun.bind(runs);
    runs.requestRun = async (jobId, request) => {
      const outcome = await requestRun(jobId, request);
      if (outcome.outcome !== 'skipped') void finish(jobId, outcome.execution.id);
      return outcome;
    };
    await runs.requestRun(a, { trigger: 'manual', actor: 'user' });
    await until(() => runs.calls.length === 3);
    await sleep(200);
    await scheduler.settled();
    expect(runs.calls.map((call) => [call.job_id, call.request.trigger])).toEqual([
      [a, 'manual'],
      [b, 'dependency'],
      [c, 'dependency'],
    ]);
    expect(runs.calls[2].request.detail).toBe(`after b (execution ${runs.calls[1].execution.id})`);
  });

  it('starts one run per file dropped in a watched folder, across restarts', async () => {
    const id = await saveJob(
      store.db,
      'inbox',
      jobYaml('inbox', 'triggers: { file: { path: drop, pattern: "*.csv" } }'),
    );
    const folder = join(dataDir, 'jobs', id, 'drop');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'before.csv'), 'there before the trigger\n');
    await start();
    writeFileSync(join(folder, 'orders.csv'), 'id\n1\n');
    writeFileSync(join(folder, 'notes.txt'), 'not a csv\n');
    await until(() => runs.calls.length >= 1);
    await sleep(500);
    expect(runs.calls.map((call) => [call.job_id, call.request])).toEqual([
      [id, { trigger: 'file', actor: 'scheduler', detail: join(folder, 'orders.csv') }],
    ]);
    for (const scheduler of schedulers.splice(0)) await scheduler.close();

    // Reopened: the file already started its run; one dropped while closed is new.
    writeFileSync(join(folder, 'while-closed.csv'), 'id\n2\n');
    const reopened = await start();
    await until(() => runs.calls.length >= 2);
    await sleep(500);
    expect(runs.calls.map((call) => call.request.detail)).toEqual([
      join(folder, 'orders.csv'),
      join(folder, 'while-closed.csv'),
    ]);
    expect((await reopened.api.getJobSchedule({ id })).file_trigger).toMatchObject({
      folder,
      last_file: join(folder, 'while-closed.csv'),
    });
  });

  it('starts a run from the webhook through the HTTP server', async () => {
    const id = await saveJob(store.db, 'hooked', jobYaml('hooked', 'triggers: { webhook: true }'));
    const scheduler = await start();
    const urlPath = (await scheduler.api.getJobSchedule({ id })).webhook.url_path;
    expect(urlPath).not.toBeNull();
    const server = await startServer({
      // Only the scheduler's endpoint is called here; the API routes are registered but unused.
      services: {
        api: scheduler.api as unknown as StudioApi,
        onEvent: () => () => undefined,
        endpoints: scheduler.endpoints,
      },
      port: 0,
    });
    try {
      const post = (path: string, body?: unknown) =>
        fetch(server.url + path, {
          method: 'POST',
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        });

      const accepted = await post(urlPath ?? '', { detail: 'nightly export is ready' });
      expect(accepted.status).toBe(202);
      const answer = (await accepted.json()) as { execution_id: string; outcome: string };
      expect(answer.outcome).toBe('started');
      expect(runs.calls).toEqual([
        {
          job_id: id,
          request: { trigger: 'webhook', actor: 'webhook', detail: 'nightly export is ready' },
          execution: expect.objectContaining({ id: answer.execution_id }) as unknown,
        },
      ]);

      const plain = await post(urlPath ?? '');
      expect(plain.status).toBe(202);
      expect(runs.calls[1].request.detail).toBe('webhook call from 127.0.0.1');

      runs.skipJobs.set(id, 'job "hooked" is already running (overlap: skip)');
      const skipped = await post(urlPath ?? '');
      expect(skipped.status).toBe(409);
      expect(await skipped.json()).toEqual({
        code: 'conflict',
        message: 'job "hooked" is already running (overlap: skip)',
      });

      expect((await post('/hooks/jobs/not-a-token')).status).toBe(404);
      await scheduler.api.regenerateWebhookToken({ id });
      expect((await post(urlPath ?? '')).status).toBe(404);

      await createJobRepo(store.db).update(id, { enabled: false }, new Date().toISOString());
      const renewed = (await scheduler.api.getJobSchedule({ id })).webhook.url_path ?? '';
      const disabled = await post(renewed);
      expect(disabled.status).toBe(409);
      expect(((await disabled.json()) as { message: string }).message).toBe('job "hooked" is disabled');
    } finally {
      await server.close();
    }
  });
});
